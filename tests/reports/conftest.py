"""Staff of each role, signed in, and a small known edition on today, for the reports' tests."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from festival import roles
from festival.demo import upsert_child
from festival.models import FestivalPage
from tests.ticketing.factories import OrderFactory, TicketFactory, TicketTypeFactory, UserFactory
from ticketing.ledger import LedgerState
from ticketing.models import CheckIn, Order, Payment, Refund, Ticket


@pytest.fixture
def signed_in(client, groups):
    """Sign ``client`` in as a new member of the role named, and answer the user."""

    def sign_in(role: str):
        user = UserFactory(username=role.lower().replace(" ", "-"))
        user.groups.add(groups[role])
        client.force_login(user)
        return user

    return sign_in


PERMITTED = [roles.BOX_OFFICE, roles.FINANCE, roles.ORGANISER]
REFUSED = [roles.EDITOR, roles.DOOR_STAFF]


# Half an hour off UTC: an hour cut in UTC instead of the edition's zone shows at once.
KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def today():
    return timezone.localdate(timezone=KOLKATA)


@pytest.fixture
def edition(home, today):
    """An edition on yesterday, today and tomorrow, in Kolkata's time zone."""
    return upsert_child(
        home, FestivalPage, slug="on-now", title="Festival On Now", start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1), venue_name="Hall", time_zone="Asia/Kolkata",
        status=FestivalPage.Status.ON_SALE,
    )  # fmt: skip


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=KOLKATA)


def admit(ticket, *, door, when, staff, result=CheckIn.Result.ADMITTED, undone=False):
    return CheckIn.objects.create(
        festival=ticket.ticket_type.festival, ticket=ticket, result=result, day=when.date(), door=door, staff=staff,
        nonce=f"{ticket.pk}-{door}-{when.isoformat()}", scanned_at=when, undone_at=when if undone else None,
    )  # fmt: skip


@pytest.fixture
def known(edition, today):
    """A small known set: two paid orders, a pending one, a refund done and one waiting, five scans."""
    weekend = TicketTypeFactory(festival=edition, name="Weekend", capacity=10, reserved=4, sort_order=0)
    day = TicketTypeFactory(festival=edition, name="Day", capacity=5, reserved=1, valid_days=[today.isoformat()],
                            sort_order=1)  # fmt: skip
    yesterday = today - timedelta(days=1)
    a = OrderFactory(festival=edition, total=6000, paid_at=at(yesterday, 10))
    a1 = TicketFactory(ticket_type=weekend, order=a, attendee_name="A One")
    a2 = TicketFactory(ticket_type=weekend, order=a, attendee_name="A Two")
    # Paid at half past midnight in Kolkata: still yesterday in UTC.
    b = OrderFactory(festival=edition, total=6500, donation=500, paid_at=at(today, 0, 30))
    b_day = TicketFactory(ticket_type=day, order=b, attendee_name="B Day", price=3000)
    b_refunded = TicketFactory(ticket_type=weekend, order=b, attendee_name="B Gone", status=Ticket.Status.REFUNDED)
    c = OrderFactory(festival=edition, total=3000, status=Order.Status.PENDING)
    TicketFactory(ticket_type=weekend, order=c, status=Ticket.Status.PENDING)
    Payment.objects.create(order=a, amount=6000, state=LedgerState.SUCCEEDED)
    Payment.objects.create(order=b, amount=6500, state=LedgerState.SUCCEEDED)
    Payment.objects.create(order=c, amount=3000, state=LedgerState.CREATED)
    Refund.objects.create(order=b, amount=3000, state=LedgerState.SUCCEEDED, idempotency_key="done").tickets.add(
        b_refunded
    )
    Refund.objects.create(order=a, amount=1000, state=LedgerState.SENT, idempotency_key="waiting")
    staff = UserFactory(username="door")
    admit(a1, door="Main", when=at(today, 10, 15), staff=staff)
    admit(a2, door="Side", when=at(today, 10, 40), staff=staff)
    admit(b_day, door="Main", when=at(today, 11, 5), staff=staff, undone=True)
    admit(b_day, door="Main", when=at(today, 11, 10), staff=staff, result=CheckIn.Result.ALREADY_CHECKED_IN)
    admit(a1, door="Main", when=at(yesterday, 9), staff=staff)
    return edition
