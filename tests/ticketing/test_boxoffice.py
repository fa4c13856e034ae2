"""The box office's ticket actions (reissue, rename, check in by hand) and complimentary tickets, through
the admin as box office: each audited with its actor; a reissued code stops admitting; the door's one
admission a day holds; complimentary tickets are all or nothing, each person emailed their badge."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from door.checkin import check_in
from ticketing import audit
from ticketing.models import CheckIn, Order, RetiredSecret, Ticket, TicketType
from ticketing.services import boxoffice
from ticketing.services.errors import ShopError

pytestmark = pytest.mark.django_db


def actions(order):
    """The order's history as (action, who acted, data), oldest first."""
    return [(e.action, e.user.username if e.user else e.data["by"], e.data) for e in reversed(audit.history(order))]


def scan(festival, staff, code):
    return check_in(festival=festival, staff_id=staff.pk, door="Main gate", nonce=uuid.uuid4().hex, code=code)


def test_a_reissued_badge_gets_a_new_code_and_the_old_one_stops_admitting(
    client, box_office, live_festival, make_ticket, door_staff
):
    ticket = make_ticket(attendee_name="Ellen Wilkinson")
    old = ticket.secret
    url = reverse("ticketing_ticket_reissue", args=[ticket.pk])

    asked = client.get(url)
    unchanged = Ticket.objects.get(pk=ticket.pk).secret
    done = client.post(url)

    ticket.refresh_from_db()
    refused, admitted = scan(live_festival, door_staff, old), scan(live_festival, door_staff, ticket.secret)
    assert "Reissue the badge" in asked.text and unchanged == old
    assert done.status_code == 302
    assert ticket.secret != old and RetiredSecret.objects.filter(ticket=ticket, secret=old).exists()
    assert (refused.result, refused.reason) == ("unknown_code", "replaced")
    assert admitted.result == "admitted"
    assert [(a, who) for a, who, _ in actions(ticket.order)] == [("ticketing.ticket.reissued", "bex")]


def test_renaming_an_attendee_reissues_the_badge_and_logs_both_names(client, box_office, make_ticket):
    ticket = make_ticket(attendee_name="Ellen Wilkinson")
    old = ticket.secret

    form = client.get(reverse("ticketing_ticket_rename", args=[ticket.pk]))
    client.post(reverse("ticketing_ticket_rename", args=[ticket.pk]), {"attendee_name": "  Red Ellen "})

    ticket.refresh_from_db()
    renamed = [(who, data) for action, who, data in actions(ticket.order) if action == "ticketing.ticket.renamed"]
    assert 'value="Ellen Wilkinson"' in form.text
    assert (ticket.attendee_name, ticket.secret != old) == ("Red Ellen", True)
    assert renamed == [("bex", {"by": "staff", "ticket": ticket.pk, "old_name": "Ellen Wilkinson",
                                "new_name": "Red Ellen"})]  # fmt: skip


def test_a_rename_to_nothing_is_refused_and_changes_nothing(client, box_office, make_ticket):
    ticket = make_ticket(attendee_name="Ellen Wilkinson")

    page = client.post(reverse("ticketing_ticket_rename", args=[ticket.pk]), {"attendee_name": "\u200b "})

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert page.status_code == 200
    assert (fresh.attendee_name, fresh.secret) == ("Ellen Wilkinson", ticket.secret)
    assert actions(ticket.order) == []


def test_a_buyers_own_name_correction_is_logged_as_the_buyers(client, make_ticket):
    ticket = make_ticket(attendee_name="Ellen Wilkinson")
    url = reverse("ticketing:badge_rename", args=[ticket.order.access_token, ticket.pk])

    client.post(url, {"attendee_name": "Red Ellen", "pronouns": ""})

    assert [(a, who) for a, who, _ in actions(ticket.order)] == [
        ("ticketing.ticket.reissued", "buyer"),
        ("ticketing.ticket.renamed", "buyer"),
    ]


def test_checking_in_by_hand_admits_once_a_day_at_the_named_door(client, box_office, make_ticket, door_staff):
    ticket = make_ticket(attendee_name="Ellen Wilkinson")
    url = reverse("ticketing_ticket_check_in", args=[ticket.pk])

    form = client.get(url)
    first = client.post(url, {"door": "Side door"}, follow=True)
    second = client.post(url, {"door": ""}, follow=True)
    at_the_door = scan(ticket.ticket_type.festival, door_staff, ticket.secret)

    admissions = CheckIn.objects.filter(ticket=ticket, result=CheckIn.Result.ADMITTED)
    assert 'value="Box office"' in form.text
    assert "Ellen Wilkinson is checked in." in first.text
    assert "Ellen Wilkinson has already been checked in today." in second.text
    assert at_the_door.result == "already_checked_in"
    assert [(c.door, c.staff.username) for c in admissions] == [("Side door", "bex")]
    assert [(a, who, d["door"]) for a, who, d in actions(ticket.order)] == [
        ("ticketing.ticket.checked_in_by_hand", "bex", "Side door")
    ]


def test_a_refunded_ticket_is_not_checked_in_by_hand(client, box_office, make_ticket):
    ticket = make_ticket(status=Ticket.Status.REFUNDED)

    page = client.post(reverse("ticketing_ticket_check_in", args=[ticket.pk]), {"door": "Box office"}, follow=True)

    assert "was cancelled or refunded, so they were not checked in" in page.text
    assert not CheckIn.objects.filter(result=CheckIn.Result.ADMITTED).exists()
    assert actions(ticket.order) == []


@pytest.fixture
def carers(festival):
    return TicketType.objects.create(festival=festival, name="Carer", price=0, capacity=3, is_complimentary=True)


def issue(client, festival, ticket_type, people, note="Speakers"):
    data = {"festival": festival.pk, "ticket_type": ticket_type.pk, "people": people, "note": note}
    return client.post(reverse("ticketing_complimentary"), data, follow=True)


def test_complimentary_tickets_are_each_their_own_order_with_the_badge_emailed(
    client, box_office, festival, carers, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page = issue(client, festival, carers, "Tony Benn <tony@example.org>\n\n  Barbara Castle <bc@example.org>  \n")

    issued = list(Order.objects.order_by("pk"))
    assert "2 complimentary tickets issued" in page.text
    assert [(o.buyer_name, o.buyer_email, o.status, o.total) for o in issued] == [
        ("Tony Benn", "tony@example.org", Order.Status.PAID, 0),
        ("Barbara Castle", "bc@example.org", Order.Status.PAID, 0),
    ]
    assert [list(o.tickets.values_list("attendee_name", "status", "price")) for o in issued] == [
        [("Tony Benn", Ticket.Status.VALID, 0)],
        [("Barbara Castle", Ticket.Status.VALID, 0)],
    ]
    assert TicketType.objects.get(pk=carers.pk).reserved == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["bc@example.org", "tony@example.org"]
    assert all([a[2] for a in m.attachments] == ["application/pdf"] for m in mail.outbox)
    assert [[(a, who, d["note"]) for a, who, d in actions(o)] for o in issued] == [
        [("ticketing.order.complimentary_issued", "bex", "Speakers")]
    ] * 2


@pytest.mark.parametrize(
    ("people", "error"),
    [
        ("Tony Benn <tony@example.org>\nBarbara Castle bc@example.org", "Line 2 (“Barbara Castle bc@example.org”)"),
        ("Tony Benn <tony@example.org>\n <not-an-email>", "Line 2 (“&lt;not-an-email&gt;”)"),
        ("Tony Benn <tony@example.org>\nBarbara <bc@nowhere>", "Line 2"),
        ("A <a@example.org>\nB <b@example.org>\nC <c@example.org>\nD <d@example.org>", "only 3 are left"),
    ],
)
def test_complimentary_tickets_are_all_or_nothing(
    client, box_office, festival, carers, people, error, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        page = issue(client, festival, carers, people)

    assert error in page.text
    assert "No tickets were issued" in page.text or "no tickets were issued" in page.text
    assert Order.objects.count() == 0
    assert TicketType.objects.get(pk=carers.pk).reserved == 0
    assert mail.outbox == []


def test_only_a_complimentary_type_of_the_chosen_edition_is_issued(festival, standard, box_office):
    with pytest.raises(ShopError) as error:
        boxoffice.issue_complimentary(festival=festival, ticket_type=standard, user=box_office,
                                      people=[boxoffice.Person("Tony Benn", "tony@example.org")])  # fmt: skip

    assert error.value.code == "not_complimentary"
    assert Order.objects.count() == 0


def test_complimentary_form_offers_only_complimentary_types(client, box_office, festival, standard, carers):
    page = client.get(reverse("ticketing_complimentary"))
    orders_page = client.get(reverse("orders:index"))

    assert reverse("ticketing_complimentary") in orders_page.text
    assert page.status_code == 200
    assert f'<option value="{carers.pk}">' in page.text
    assert f'<option value="{standard.pk}">' not in page.text
