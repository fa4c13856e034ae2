"""The dashboard's figures for one edition, each summed by the database in a fixed number of
queries however many tickets, orders and check-ins there are.

Revenue is read from the ledger: gross is what succeeded payments took, refunded what
succeeded refunds gave back (a refund still waiting for Stripe is shown apart, as pending; the
order's ``refunded_amount`` already counts it, so the two differ only while Stripe is asked).
A ticket is sold when it is valid and its order is paid.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce

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


def _local_starts(tz, first: datetime, count: int, step: timedelta) -> list[datetime]:
    """``count + 1`` boundaries from ``first`` (local wall time in ``tz``), ``step`` apart on the
    wall clock, as aware times: a day or an hour in the edition's zone, across clock changes too."""
    return [(first.replace(tzinfo=None) + n * step).replace(tzinfo=tz) for n in range(count + 1)]


def _counts_by_interval(queryset, field: str, starts: list[datetime], *, by: tuple[str, ...] = ()):
    """Rows of ``queryset`` with ``field`` in [starts[0], starts[-1]), counted per interval between
    consecutive ``starts`` (and per ``by``): dicts with "interval" (its index), ``by`` and "count".

    The interval is found by comparisons in the database (one CASE), not by converting each row's
    time to the edition's zone, which SQLite does by calling Python once a row: 20,000 tickets took
    some 400 ms that way."""
    interval = Case(
        *[When(**{f"{field}__lt": end}, then=Value(n)) for n, end in enumerate(starts[1:])],
        output_field=IntegerField(),
    )
    return (
        queryset.filter(**{f"{field}__gte": starts[0], f"{field}__lt": starts[-1]})
        .annotate(interval=interval)
        .values("interval", *by)
        .annotate(count=Count("pk"))
        .order_by()
    )


def sales_per_day(festival: FestivalPage, *, today: date) -> list[tuple[date, int]]:
    """Tickets sold per day of payment, in the edition's time zone, over the ``SALES_DAYS_SHOWN``
    days up to today (or the edition's last day, once it is over), from the first of those days
    with a sale. One query."""
    last = min(today, festival.end_date)
    first = last - timedelta(days=SALES_DAYS_SHOWN - 1)
    starts = _local_starts(festival.tz, datetime.combine(first, time()), SALES_DAYS_SHOWN, timedelta(days=1))
    counts = [0] * SALES_DAYS_SHOWN
    for row in _counts_by_interval(sold_tickets(festival), "order__paid_at", starts):
        counts[row["interval"]] = row["count"]
    days = [(first + timedelta(days=n), count) for n, count in enumerate(counts)]
    return list(itertools.dropwhile(lambda day: day[1] == 0, days))


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
    """Admissions per hour and door on ``day`` (in the edition's time zone), and how many sold
    tickets for that day have not come in yet. Three queries."""
    starts = _local_starts(festival.tz, datetime.combine(day, time()), 24, timedelta(hours=1))
    counts: dict[str, list[int]] = {}
    for row in _counts_by_interval(admissions_on(festival, day), "scanned_at", starts, by=("door",)):
        counts.setdefault(row["door"], [0] * 24)[row["interval"]] = row["count"]
    doors = sorted(counts)
    hours = [
        (starts[h], [counts[door][h] for door in doors], sum(counts[door][h] for door in doors))
        for h in range(24)
        if any(counts[door][h] for door in doors)
    ]
    return Arrivals(
        day=day,
        doors=doors,
        hours=hours,
        admitted=sum(total for _, _, total in hours),
        not_arrived=not_arrived(festival, day).count(),
    )
