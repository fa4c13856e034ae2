"""Who gets in is one rule (door.admission): the scan and the offline door list agree on every
ticket, and a ticket type's days admit alike in the model, its queryset and the door's lookup."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from door.admission import festival_day
from door.checkin import check_in
from door.lists import door_list, secret_hash
from door.lookup import door_ticket
from ticketing.models import Order, Ticket, TicketType

from ..ticketing.factories import OrderFactory, TicketFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

# A scan's answer for a ticket that is not in yet, by the offline list's verdict letter.
SCAN_BY_VERDICT = {"v": "admitted", "u": "unpaid", "c": "cancelled"}


def test_the_offline_list_carries_the_scan_s_verdict_for_every_ticket_and_order_status(
    live_festival, door_staff, weekend
):
    tickets = [
        TicketFactory(
            ticket_type=weekend, status=ticket_status, order=OrderFactory(festival=live_festival, status=order_status)
        )
        for ticket_status in Ticket.Status.values
        for order_status in Order.Status.values
    ]
    verdicts = {row[0]: row[3] for row in door_list(festival=live_festival)["tickets"]}

    scans = {
        ticket.pk: check_in(
            festival=live_festival, staff_id=door_staff.pk, door="Main gate", nonce=f"n-{ticket.pk}", code=ticket.secret
        ).result
        for ticket in tickets
    }

    assert {ticket.pk: SCAN_BY_VERDICT[verdicts[secret_hash(ticket.secret)]] for ticket in tickets} == scans
    assert set(scans.values()) == {"admitted", "unpaid", "cancelled"}  # every verdict was met


def test_the_offline_list_s_days_are_the_days_a_scan_admits_on(live_festival, door_staff):
    today = festival_day(live_festival, timezone.now())
    outside = live_festival.end_date + timedelta(days=3)  # listed on the type, but not a day of the edition
    kinds = {
        "every day": [],
        "today only": [today.isoformat()],
        "tomorrow and after the edition": [(today + timedelta(days=1)).isoformat(), outside.isoformat()],
    }
    types = {
        name: TicketTypeFactory(festival=live_festival, name=name, valid_days=days) for name, days in kinds.items()
    }
    listed = door_list(festival=live_festival)["types"]

    for name, ticket_type in types.items():
        ticket = TicketFactory(ticket_type=ticket_type)
        scanned = check_in(
            festival=live_festival, staff_id=door_staff.pk, door="Main gate", nonce=f"d-{ticket.pk}", code=ticket.secret
        ).result
        days = listed[str(ticket_type.pk)]["days"]

        assert (today.isoformat() in days) == (scanned == "admitted"), name
        assert outside.isoformat() not in days
        assert days == sorted(days)


@pytest.mark.parametrize(
    "valid_days",
    [[], ["2031-05-01"], ["2031-05-02"], ["2031-05-01", "2031-05-03"]],
)
def test_a_type_s_days_admit_alike_in_the_model_its_queryset_and_the_door_s_lookup(live_festival, valid_days):
    ticket_type = TicketTypeFactory(festival=live_festival, name="Some days", valid_days=valid_days)
    ticket = TicketFactory(ticket_type=ticket_type)
    looked_up = door_ticket(ticket_id=ticket.pk)  # valid_days as the door's own SQL reads them

    for offset in range(4):
        day = date(2031, 4, 30) + timedelta(days=offset)
        admissible = TicketType.objects.filter(festival=live_festival).admissible_on(day)

        assert ticket_type.admits_on(day) == looked_up.admits_on(day) == admissible.filter(pk=ticket_type.pk).exists()
