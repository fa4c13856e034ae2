"""The shop page reads its edition from the site cache, and an editor's change shows at once."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from festival.models import FestivalPage
from ticketing.models import Order, Voucher

pytestmark = pytest.mark.django_db


def test_a_second_visit_to_the_shop_does_not_look_the_edition_up_again(client, festival, standard):
    url = f"/tickets/{festival.slug}/"
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert "Standard" in response.text
    assert not [q for q in queries.captured_queries if "festival_festivalpage" in q["sql"]]


def test_an_unpublished_edition_leaves_the_shop_at_once(client, festival, standard):
    url = f"/tickets/{festival.slug}/"
    assert client.get(url).status_code == 200

    FestivalPage.objects.get(pk=festival.pk).unpublish()

    assert client.get(url).status_code == 404


def test_a_renamed_edition_shows_its_new_title_in_the_shop_at_once(client, festival, standard):
    url = f"/tickets/{festival.slug}/"
    assert "Festival of Resistance 2026" in client.get(url).text

    page = FestivalPage.objects.get(pk=festival.pk)
    page.title = "Festival of Resistance 2026: Bread and Roses"
    page.save_revision().publish()

    assert "Bread and Roses" in client.get(url).text


def test_an_edition_not_yet_published_is_found_once_it_is(client, home, festival, standard):
    from datetime import date

    from festival.demo import upsert_child

    assert client.get("/tickets/2027/").status_code == 404
    upsert_child(
        home, FestivalPage, slug="2027", title="Festival of Resistance 2027",
        start_date=date(2027, 10, 15), end_date=date(2027, 10, 17), venue_name="Hall",
        status=FestivalPage.Status.ON_SALE,
    )  # fmt: skip

    assert client.get("/tickets/2027/").status_code == 200


def test_the_shop_links_back_to_its_edition_and_follows_a_moved_edition(client, festival, standard):
    url = f"/tickets/{festival.slug}/"
    assert f'<a href="{festival.url}">Festival of Resistance 2026</a>' in client.get(url).text

    page = FestivalPage.objects.get(pk=festival.pk)
    page.slug = "2026-gathering"
    page.save_revision().publish()

    shop = client.get("/tickets/2026-gathering/").text
    assert '<a href="/2026-gathering/">Festival of Resistance 2026</a>' in shop
    assert f'href="{festival.url}"' not in shop


def test_the_apply_button_applies_a_voucher_and_keeps_what_was_typed(client, festival, standard):
    from ticketing.models import TicketType, Voucher

    crew = TicketType.objects.create(festival=festival, name="Crew", price=0, capacity=10, is_hidden=True)
    voucher = Voucher.objects.create(festival=festival, code="CREW", kind=Voucher.Kind.UNLOCK, max_uses=5)
    voucher.unlocks.set([crew])
    typed = {"buyer_name": "Zoë Łukasik", "buyer_email": "zoe@example.org", f"qty_{standard.pk}": "2"}

    response = client.post(f"/tickets/{festival.slug}/", {**typed, "voucher": "crew", "apply_voucher": "1"})

    assert response.status_code == 200
    assert "Voucher CREW applied. It opens these tickets for you: Crew." in response.text
    assert f'name="qty_{crew.pk}"' in response.text  # the hidden type it unlocks is offered
    assert 'value="Zoë Łukasik"' in response.text and 'value="zoe@example.org"' in response.text
    assert f'name="qty_{standard.pk}" id="id_qty_{standard.pk}" value="2"' in response.text
    assert "Who is coming?" not in response.text  # still the first step, not the review


def test_the_apply_button_says_when_a_voucher_is_unknown(client, festival, standard):
    response = client.post(
        f"/tickets/{festival.slug}/", {"buyer_name": "Rosa", "voucher": "NOPE", "apply_voucher": "1"}
    )

    assert response.status_code == 400
    assert "We don&#x27;t recognise that voucher code" in response.text
    assert 'value="Rosa"' in response.text


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"kind": "percent", "percent_off": 20}, "Voucher UNION applied: 20% off your tickets."),
        ({"kind": "amount", "amount_off": 500}, "Voucher UNION applied: £5 off your tickets."),
    ],
)
def test_the_apply_button_says_what_the_voucher_takes_off_and_places_no_order(client, festival, standard, fields, said):
    Voucher.objects.create(festival=festival, code="UNION", max_uses=5, **fields)

    response = client.post(f"/tickets/{festival.slug}/", {"voucher": "union", "apply_voucher": "1"})

    assert response.status_code == 200
    assert said in response.text
    assert Order.objects.count() == 0


def test_the_apply_button_says_clearly_when_a_voucher_has_expired(client, festival, standard):
    Voucher.objects.create(
        festival=festival, code="OLD", percent_off=10, valid_until=timezone.now() - timedelta(days=1)
    )

    response = client.post(f"/tickets/{festival.slug}/", {"voucher": "old", "apply_voucher": "1"})

    assert response.status_code == 400
    assert "That voucher has expired." in response.text
    assert re.search(r'<input[^>]*id="id_voucher"[^>]*aria-invalid="true"', response.text)


def test_every_quantity_and_sliding_scale_field_has_its_own_label_naming_its_ticket_type(
    client, festival, standard, solidarity
):
    page = client.get(f"/tickets/{festival.slug}/").text
    labels = dict(re.findall(r'<label for="(id_(?:qty|amount)_\d+)">([^<]+)</label>', page))

    assert labels == {
        f"id_qty_{solidarity.pk}": "How many Solidarity tickets",
        f"id_amount_{solidarity.pk}": "What you will pay for each Solidarity ticket (£)",
        f"id_qty_{standard.pk}": "How many Standard tickets",
    }
    assert len(set(labels.values())) == len(labels)
