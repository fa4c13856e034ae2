"""The dashboard's figures for one edition, each summed by the database in a fixed number of
queries however many tickets, orders and check-ins there are.

Revenue is read from the ledger: gross is what succeeded payments took, refunded what
succeeded refunds gave back (a refund still waiting for Stripe is shown apart, as pending; the
order's ``refunded_amount`` already counts it, so the two differ only while Stripe is asked).
A ticket is sold when it is valid and its order is paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncHour

from festival.models import FestivalPage
from ticketing.ledger import OPEN_STATES, LedgerState
from ticketing.models import CheckIn, Order, Payment, Refund, Ticket, TicketType

SALES_DAYS_SHOWN = 31

SOLD = Q(status=Ticket.Status.VALID, order__status=Order.Status.PAID)


def sold_tickets(festival: FestivalPage):
    """The edition's sold tickets: valid, in a paid order."""
    return Ticket.objects.filter(SOLD, order__festival=festival)


@dataclass(frozen=True)
class TypeSales:
    name: str
    sold: int
    capacity: int
    left: int  # not sold, held or awaiting payment


def capacity(festival: FestivalPage) -> list[TypeSales]:
    """Tickets sold against capacity, per ticket type, in the shop's order. One query."""
    sold = Q(tickets__status=Ticket.Status.VALID, tickets__order__status=Order.Status.PAID)
    rows = (
        TicketType.objects.filter(festival=festival)
        .annotate(sold=Count("tickets", filter=sold))
        .order_by("sort_order", "name")
        .values_list("name", "sold", "capacity", "reserved")
    )
    return [TypeSales(name, sold, cap, max(cap - reserved, 0)) for name, sold, cap, reserved in rows]


@dataclass(frozen=True)
class Revenue:
    gross: int  # pence
    refunded: int
    refunds_pending: int
    donations: int

    @property
    def net(self) -> int:
        return self.gross - self.refunded


def revenue(festival: FestivalPage) -> Revenue:
    """Gross, refunded, pending refunds and donations, in pence, from the ledger. Three queries."""
    gross = Payment.objects.filter(order__festival=festival, state=LedgerState.SUCCEEDED).aggregate(
        total=Coalesce(Sum("amount"), 0)
    )["total"]
    refunds = Refund.objects.filter(order__festival=festival).aggregate(
        done=Coalesce(Sum("amount", filter=Q(state=LedgerState.SUCCEEDED)), 0),
        pending=Coalesce(Sum("amount", filter=Q(state__in=OPEN_STATES)), 0),
    )
    donations = Order.objects.filter(festival=festival, paid_at__isnull=False).aggregate(
        total=Coalesce(Sum("donation"), 0)
    )["total"]
    return Revenue(gross=gross, refunded=refunds["done"], refunds_pending=refunds["pending"], donations=donations)


def sales_per_day(festival: FestivalPage, *, today: date) -> list[tuple[date, int]]:
    """Tickets sold per day of payment, in the edition's time zone, from the first sale (at most
    ``SALES_DAYS_SHOWN`` days back) to the last sale or today, days without sales as 0. One query."""
    rows = dict(
        sold_tickets(festival)
        .filter(order__paid_at__isnull=False)
        .annotate(paid_on=TruncDate("order__paid_at", tzinfo=festival.tz))
        .values("paid_on")
        .annotate(count=Count("pk"))
        .values_list("paid_on", "count")
    )
    if not rows:
        return []
    last = max(max(rows), min(today, festival.end_date))
    first = max(min(rows), last - timedelta(days=SALES_DAYS_SHOWN - 1))
    return [(day, rows.get(day, 0)) for day in (first + timedelta(days=n) for n in range((last - first).days + 1))]


@dataclass(frozen=True)
class Arrivals:
    day: date
    doors: list[str]
    hours: list[tuple[datetime, list[int], int]]  # the hour, admissions per door (as ``doors``), in all
    admitted: int
    not_arrived: int


def admissions_on(festival: FestivalPage, day: date):
    """Admissions at the doors on ``day`` that stand (not undone)."""
    return CheckIn.objects.filter(festival=festival, day=day, result=CheckIn.Result.ADMITTED, undone_at__isnull=True)


def not_arrived(festival: FestivalPage, day: date):
    """Sold tickets that admit on ``day`` and have not been admitted that day."""
    types = TicketType.objects.filter(festival=festival).admissible_on(day)
    admitted = admissions_on(festival, day).filter(ticket=OuterRef("pk"))
    return sold_tickets(festival).filter(ticket_type__in=types).filter(~Exists(admitted))


def arrivals(festival: FestivalPage, *, day: date) -> Arrivals:
    """Admissions per hour and door on ``day``, and how many sold tickets for that day have not
    come in yet. Three queries."""
    rows = (
        admissions_on(festival, day)
        .annotate(hour=TruncHour("scanned_at", tzinfo=festival.tz))
        .values("hour", "door")
        .annotate(count=Count("pk"))
        .values_list("hour", "door", "count")
    )
    by_hour: dict[datetime, dict[str, int]] = {}
    for hour, door, count in rows:
        by_hour.setdefault(hour, {})[door] = count
    doors = sorted({door for counts in by_hour.values() for door in counts})
    hours = [
        (hour, [by_hour[hour].get(door, 0) for door in doors], sum(by_hour[hour].values())) for hour in sorted(by_hour)
    ]
    return Arrivals(
        day=day,
        doors=doors,
        hours=hours,
        admitted=sum(total for _, _, total in hours),
        not_arrived=not_arrived(festival, day).count(),
    )
