"""The tickets and check-ins lists in the admin: the same queries for one row as for three, search and
filters; and two refunds of one ticket at once, of which only one goes through."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from door.checkin import check_in
from festival import roles
from ticketing.models import CheckIn, Order, Refund, Ticket

from .factories import OrderFactory, TicketFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def make_check_ins(festival, staff, tickets, door="Main gate"):
    for ticket in tickets:
        check_in(festival=festival, staff_id=staff.pk, door=door, nonce=uuid.uuid4().hex, code=ticket.secret)


def test_the_tickets_list_takes_the_same_queries_for_one_and_three_rows(
    client, box_office, make_ticket, django_assert_num_queries
):
    url = reverse("tickets:index")
    make_ticket(attendee_name="Ada")
    get(client, url)  # warm the caches (site, settings, menu)
    with CaptureQueriesContext(connection) as one:
        get(client, url)
    other_type = TicketTypeFactory(festival=make_ticket().ticket_type.festival, name="Day")
    TicketFactory(ticket_type=other_type, order=OrderFactory(festival=other_type.festival, buyer_name="Other"))

    with django_assert_num_queries(len(one.captured_queries)):
        page = get(client, url)

    assert page.text.count("/admin/tickets/inspect/") >= 3


def test_the_check_ins_list_takes_the_same_queries_for_one_and_three_rows(
    client, box_office, live_festival, make_ticket, door_staff, django_assert_num_queries
):
    url = reverse("check_ins:index")
    make_check_ins(live_festival, door_staff, [make_ticket(attendee_name="Ada")])
    get(client, url)
    with CaptureQueriesContext(connection) as one:
        get(client, url)
    make_check_ins(live_festival, box_office, [make_ticket(attendee_name="Bea"), make_ticket(attendee_name="Cy")])

    with django_assert_num_queries(len(one.captured_queries)):
        page = get(client, url)

    assert all(name in page.text for name in ("Ada", "Bea", "Cy"))


def test_tickets_are_found_by_name_email_order_code_and_the_start_of_the_badge_code(client, box_office, make_ticket):
    ada = make_ticket(attendee_name="Ada Lovelace", attendee_email="ada@example.org")
    bea = make_ticket(attendee_name="Beatrice Webb")
    url = reverse("tickets:index")

    found = {
        query: [name for name in ("Ada Lovelace", "Beatrice Webb") if name in get(client, url, q=query).text]
        for query in ("lovelace", "ada@example", bea.order.code, ada.secret[:8].lower())
    }

    assert found == {
        "lovelace": ["Ada Lovelace"],
        "ada@example": ["Ada Lovelace"],
        bea.order.code: ["Beatrice Webb"],
        ada.secret[:8].lower(): ["Ada Lovelace"],
    }


def test_tickets_are_filtered_by_edition_type_and_status(client, box_office, festival, make_ticket):
    live = make_ticket(attendee_name="Ada Lovelace")
    refunded = make_ticket(attendee_name="Beatrice Webb", status=Ticket.Status.REFUNDED)
    elsewhere = TicketTypeFactory(festival=festival, name="Elsewhere")
    TicketFactory(ticket_type=elsewhere, attendee_name="Clara Zetkin")
    url = reverse("tickets:index")
    names = ("Ada Lovelace", "Beatrice Webb", "Clara Zetkin")

    def shown(**params):
        text = get(client, url, **params).text
        return [name for name in names if name in text]

    assert shown(festival=festival.pk) == ["Clara Zetkin"]
    assert shown(ticket_type=live.ticket_type_id) == ["Ada Lovelace", "Beatrice Webb"]
    assert shown(status="refunded") == ["Beatrice Webb"]
    assert refunded.order_id != live.order_id


def test_check_ins_are_filtered_by_door_result_staff_and_day_and_searched_by_name(
    client, box_office, live_festival, make_ticket, door_staff
):
    ada, bea = make_ticket(attendee_name="Ada Lovelace"), make_ticket(attendee_name="Beatrice Webb")
    make_check_ins(live_festival, door_staff, [ada], door="Main gate")
    make_check_ins(live_festival, box_office, [bea], door="Side door")
    make_check_ins(live_festival, box_office, [bea], door="Side door")  # already checked in
    url = reverse("check_ins:index")
    today = CheckIn.objects.first().day

    def shown(**params):
        text = get(client, url, **params).text
        return [name for name in ("Ada Lovelace", "Beatrice Webb") if name in text]

    assert shown(door="main gate") == ["Ada Lovelace"]
    assert shown(result="already_checked_in") == ["Beatrice Webb"]
    assert shown(staff=door_staff.pk) == ["Ada Lovelace"]
    assert shown(day=today.isoformat()) == ["Ada Lovelace", "Beatrice Webb"]
    assert shown(day=(today - timedelta(days=1)).isoformat()) == []
    assert shown(q="webb") == ["Beatrice Webb"]
    assert shown(q=ada.order.code) == ["Ada Lovelace"]


def test_finance_can_read_the_lists_but_not_change_a_ticket(client, staff_member, make_ticket):
    ticket = make_ticket(attendee_name="Ada Lovelace")
    client.force_login(staff_member(roles.FINANCE, "fin"))

    listed = client.get(reverse("tickets:index"))
    inspected = client.get(reverse("tickets:inspect", args=[ticket.pk]))
    edit = client.post(reverse("tickets:edit", args=[ticket.pk]), {"attendee_name": "Someone"})

    assert (listed.status_code, inspected.status_code) == (200, 200)
    assert edit.status_code in (302, 403)
    assert Ticket.objects.get(pk=ticket.pk).attendee_name == "Ada Lovelace"


@pytest.mark.django_db(transaction=True)
def test_two_refunds_of_one_ticket_at_once_refund_it_once(box_office, festival, standard, paid, stripe_emulator):
    order = paid(festival, standard, 2)
    first = order.tickets.order_by("pk").first()
    url = reverse("ticketing_order_refund", args=[order.pk])
    both_ready = threading.Barrier(2, timeout=30)
    statuses = []

    def refund_once():
        try:
            client = Client()
            client.force_login(box_office)
            both_ready.wait()
            response = client.post(url, {"step": "confirm", "tickets": [first.pk]})
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refund_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    order.refresh_from_db()
    intent = stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)
    assert statuses == [302, 302]
    assert Refund.objects.filter(order=order).count() == 1
    assert (order.refunded_amount, intent["amount_refunded"]) == (3500, 3500)
    assert order.status == Order.Status.PAID
    assert Refund.objects.get(order=order).state == Refund.State.SUCCEEDED
