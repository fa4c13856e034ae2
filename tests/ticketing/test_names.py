"""People's names: one cleaning rule (NFC, no bidi controls or invisible characters, spaces collapsed)
wherever a name comes in: the shop, the waiting list, the order page's name correction and the admin."""

import pypdfium2 as pdfium
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from ticketing.models import Order, Ticket, TicketType, WaitingListEntry
from ticketing.names import clean_name
from ticketing.services import badges, checkout, orders, waiting_list
from ticketing.services.badges import BadgeError
from ticketing.services.errors import ShopError

from .factories import TicketFactory, TicketTypeFactory
from .helpers import place, shop_url

pytestmark = pytest.mark.django_db

RLO, PDF, ZWSP, BOM = "\u202e", "\u202c", "\u200b", "\ufeff"
INVISIBLE_ONLY = f" {RLO}{ZWSP}\u2066\u2069{BOM}\u3164 "
BLANK_MESSAGE = "Type a name: this one is only spaces or invisible characters."


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (f"{RLO}Rosa Parks{PDF}", "Rosa Parks"),  # a right-to-left override would show "skraP asoR"
        ("\u200eAngela\u200f \u202aDavis\u202b\u202d\u061c", "Angela Davis"),
        ("\u2066Bayard\u2067 \u2068Rustin\u2069", "Bayard Rustin"),
        (f"Ro{ZWSP}sa\u2060 Pa\u200crks\u200d{BOM}", "Rosa Parks"),  # joiners between Latin letters do nothing
        ("Ida\u00ad B.\u2061 Wells\u0000\u0007\u007f\u009f", "Ida B. Wells"),  # soft hyphen, controls
        ("  Fannie \t Lou\n\u00a0Hamer\u3000 ", "Fannie Lou Hamer"),
        ("Zoe\u0308 N\u0303un\u0303ez", "Zoë Ñuñez"),  # decomposed accents composed (NFC)
        ("\u3164", ""),  # the Hangul filler shows nothing
        (INVISIBLE_ONLY, ""),
    ],
)
def test_clean_name_keeps_only_what_shows(typed, kept):
    assert clean_name(typed) == kept


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Łukasik",
        "李小龍",
        "김민준",
        "محمد عبد الرحمن",
        "علی\u200cرضا",  # Persian: the zero-width non-joiner keeps two letters apart, as written
        "क्\u200dष",  # Devanagari: a joiner after a virama chooses the half form
        "אַבְרָהָם",  # Hebrew with vowel points
        "สมชาย",
        "Ngũgĩ wa Thiong'o",
        "Ἀλέξανδρος",
        "Ольга",
        "Rosa 🌹",
        "Jo 👩\u200d🔬",  # an emoji sequence keeps its joiner
    ],
)
def test_clean_name_keeps_every_script_as_written(name):
    assert clean_name(name) == name


def test_a_name_correction_with_a_bidi_override_is_stored_plainly(client, festival):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name="Angela Davis")
    url = reverse("ticketing:badge_rename", kwargs={"token": ticket.order.access_token, "ticket_id": ticket.pk})

    client.post(url, {"attendee_name": f"{RLO}Angela{ZWSP} Yvonne Davis", "pronouns": f"{RLO}she/her"})
    ticket.refresh_from_db()

    assert (ticket.attendee_name, ticket.pronouns) == ("Angela Yvonne Davis", "she/her")


def test_a_name_correction_of_only_invisible_characters_is_refused_and_changes_nothing(client, festival):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name="Angela Davis")
    secret = ticket.secret
    url = reverse("ticketing:badge_rename", kwargs={"token": ticket.order.access_token, "ticket_id": ticket.pk})

    response = client.post(url, {"attendee_name": INVISIBLE_ONLY, "pronouns": "she/her"}, follow=True)
    ticket.refresh_from_db()

    assert BLANK_MESSAGE in response.text
    assert (ticket.attendee_name, ticket.pronouns, ticket.secret) == ("Angela Davis", "", secret)


def test_reissue_refuses_a_name_of_only_invisible_characters(festival):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name="Angela Davis")

    with pytest.raises(BadgeError) as error:
        badges.reissue_badge(ticket=ticket, attendee_name=INVISIBLE_ONLY)

    assert error.value.code == "name_needed"


def test_the_shop_stores_buyer_and_attendee_names_plainly(client, festival, stripe_emulator):
    weekend = TicketType.objects.create(festival=festival, name="Weekend", price=0, capacity=20)

    response, order = place(
        client,
        festival,
        weekend,
        2,
        buyer_name=f"{RLO}Rosa  Luxemburg{ZWSP}",
        names=[f"{RLO}Rosa Luxemburg", f"Karl{BOM} \u2066Liebknecht\u2069"],
    )

    assert response.status_code == 302
    assert order.buyer_name == "Rosa Luxemburg"
    assert sorted(order.tickets.values_list("attendee_name", flat=True)) == ["Karl Liebknecht", "Rosa Luxemburg"]


def test_a_name_with_a_bidi_override_reads_plainly_on_the_badge_and_in_the_email(
    client, festival, stripe_emulator, django_capture_on_commit_callbacks
):
    free = TicketType.objects.create(festival=festival, name="Under-16s", price=0, capacity=20)

    with django_capture_on_commit_callbacks(execute=True):
        place(client, festival, free, 1, buyer_name=f"{RLO}Rosa Parks", names=[f"{RLO}Rosa Parks"])
    ticket = Ticket.objects.get()
    badge_text = pdfium.PdfDocument(badges.badge_bytes(ticket=ticket))[0].get_textpage().get_text_range()

    assert "Rosa Parks" in badge_text and RLO not in badge_text
    assert "Hello Rosa Parks," in mail.outbox[0].body and RLO not in mail.outbox[0].body


@pytest.mark.parametrize("field", ["buyer_name", "attendee_0"])
def test_the_shop_refuses_a_name_of_only_invisible_characters(client, festival, stripe_emulator, field):
    weekend = TicketType.objects.create(festival=festival, name="Weekend", price=0, capacity=20)
    names = {"names": [INVISIBLE_ONLY]} if field == "attendee_0" else {"buyer_name": INVISIBLE_ONLY}

    response, order = place(client, festival, weekend, 1, **names)

    assert response.status_code == 400
    assert BLANK_MESSAGE in response.text
    assert order is None


def test_the_services_refuse_names_of_only_invisible_characters(festival):
    weekend = TicketType.objects.create(festival=festival, name="Weekend", price=0, capacity=20)
    line = orders.LineRequest(ticket_type_id=weekend.pk, quantity=1)

    with pytest.raises(ShopError) as buyer:
        checkout.place_order(festival=festival, buyer_name=INVISIBLE_ONLY, buyer_email="r@example.org",
                           lines=[line], attendee_names=["Rosa Parks"])  # fmt: skip
    with pytest.raises(ShopError) as attendee:
        checkout.place_order(festival=festival, buyer_name="Rosa Parks", buyer_email="r@example.org",
                           lines=[line], attendee_names=[INVISIBLE_ONLY])  # fmt: skip

    assert (buyer.value.code, attendee.value.code) == ("name_needed", "names_needed")
    assert Order.objects.count() == 0


@pytest.fixture
def sold_out(client, festival, stripe_emulator):
    tiny = TicketType.objects.create(festival=festival, name="Weekend", price=0, capacity=1)
    place(client, festival, tiny, 1)
    return tiny


def test_the_waiting_list_stores_the_name_plainly(client, festival, sold_out):
    response = client.post(
        shop_url(festival) + "waiting-list/",
        {"name": f"{RLO}Ada{ZWSP} Lovelace", "email": "ada@example.org", "quantity": 1},
    )

    assert response.status_code == 302
    assert WaitingListEntry.objects.get().name == "Ada Lovelace"


def test_the_waiting_list_refuses_a_name_of_only_invisible_characters(client, festival, sold_out):
    response = client.post(
        shop_url(festival) + "waiting-list/", {"name": INVISIBLE_ONLY, "email": "ada@example.org", "quantity": 1}
    )
    with pytest.raises(ShopError) as error:
        waiting_list.join_waiting_list(festival=festival, name=INVISIBLE_ONLY, email="ada@example.org")

    assert response.status_code == 400
    assert BLANK_MESSAGE in response.text
    assert error.value.code == "name_needed"
    assert WaitingListEntry.objects.count() == 0


@pytest.fixture
def admin_client(client, home):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@festival.invalid", "pw"))
    return client


def test_editing_an_order_in_the_admin_stores_the_buyer_name_plainly(admin_client, festival):
    order = Order.objects.create(festival=festival, buyer_name="Rosa Parks", buyer_email="rosa@example.org")
    url = reverse("orders:edit", args=[order.pk])

    saved = admin_client.post(url, {"buyer_name": f"{RLO}Rosa{ZWSP} McCauley Parks", "buyer_email": "rosa@example.org"})
    refused = admin_client.post(url, {"buyer_name": INVISIBLE_ONLY, "buyer_email": "rosa@example.org"})
    order.refresh_from_db()

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert BLANK_MESSAGE in refused.text
    assert order.buyer_name == "Rosa McCauley Parks"


def test_editing_a_waiting_list_entry_in_the_admin_stores_the_name_plainly(admin_client, festival):
    entry = WaitingListEntry.objects.create(festival=festival, name="Ada", email="ada@example.org")
    url = reverse("waiting_list:edit", args=[entry.pk])

    saved = admin_client.post(
        url, {"name": f"Ada{BOM} \u2066Lovelace\u2069", "email": "ada@example.org", "quantity": 1}
    )
    refused = admin_client.post(url, {"name": INVISIBLE_ONLY, "email": "ada@example.org", "quantity": 1})
    entry.refresh_from_db()

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert BLANK_MESSAGE in refused.text
    assert entry.name == "Ada Lovelace"
