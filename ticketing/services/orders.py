"""Placing orders: the capacity decision, vouchers, holds and releasing them.

Capacity lives in ``TicketType.reserved`` (paid + awaiting payment + held). It only
changes through guarded UPDATEs inside short transactions (``reserved + n <= capacity``,
backed by a check constraint), so no number of simultaneous buyers can oversell, on
PostgreSQL (the UPDATE row-locks and re-checks) or SQLite (IMMEDIATE transactions queue
writers). Locks are always taken in the same order: order row or waiting-list offer, voucher,
ticket types by id.
Stripe calls and emails happen outside these transactions.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone

from festival import rows
from festival.models import FestivalPage
from ticketing import codes
from ticketing.models import Order, Ticket, TicketType, Voucher, WaitingListEntry
from ticketing.names import clean_name

from .errors import ShopError

log = logging.getLogger(__name__)

# Stripe's shortest Checkout Session lasts 30 minutes; ours lasts a minute longer so clock
# skew never makes Stripe refuse it, and the hold outlives the session by a grace period
# so a payment completed in the session's last second still finds its tickets held.
SESSION_MINUTES = 31
HOLD_GRACE_MINUTES = 5
STRIPE_MINIMUM = 30  # pence
CODE_ATTEMPTS = 5  # order codes are short: draw again when one is taken
HOLDING_STATUSES = (Ticket.Status.PENDING, Ticket.Status.VALID)


@dataclass(frozen=True)
class LineRequest:
    """The buyer wants ``quantity`` of a type; ``amount`` is their sliding-scale price in pence."""

    ticket_type_id: int
    quantity: int
    amount: int | None = None


@dataclass
class PricedLine:
    ticket_type: TicketType
    quantity: int
    unit_amount: int

    @property
    def subtotal(self) -> int:
        return self.unit_amount * self.quantity


@dataclass
class Quote:
    """What an order would cost, before anything is reserved."""

    lines: list[PricedLine]
    voucher: Voucher | None
    donation: int
    subtotal: int
    discount: int
    total: int
    unit_prices: list[int] = field(default_factory=list)  # per ticket, discount shared out

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


def find_voucher(*, festival: FestivalPage, code: str, now: datetime | None = None) -> Voucher:
    """The usable voucher with ``code``; raises ShopError voucher_unknown/voucher_expired/voucher_used_up."""
    now = now or timezone.now()
    normalised = (code or "").strip().upper()
    if not normalised or len(normalised) > 40:
        raise ShopError("voucher_unknown")
    voucher = Voucher.objects.filter(festival=festival, code=normalised).prefetch_related("unlocks").first()
    if voucher is None:
        raise ShopError("voucher_unknown")
    if voucher.valid_until and voucher.valid_until < now:
        raise ShopError("voucher_expired")
    if voucher.times_used >= voucher.max_uses:
        raise ShopError("voucher_used_up")
    return voucher


@dataclass(frozen=True)
class Stock:
    """An edition's ticket types as just read, and the tickets promised to open waiting-list offers.

    A snapshot: it decides what the shop shows and refuses early, never what is granted
    (only the guarded UPDATE in ``_reserve`` grants tickets).
    """

    types: list[TicketType]
    promised: int

    @property
    def public_left(self) -> int:
        """Tickets left across the publicly sold types, once those promised to the waiting list are kept aside."""
        return sum(t.remaining for t in self.types if not t.is_hidden and not t.is_complimentary) - self.promised


def stock(festival: FestivalPage, now: datetime | None = None) -> Stock:
    """The edition's ticket types, in shop order, and its open offers, in one query."""
    now = now or timezone.now()
    params = [festival.pk, WaitingListEntry.Status.OFFERED, connection.ops.adapt_datetimefield_value(now), festival.pk]
    types = list(TicketType.objects.raw(_stock_sql(), params))
    return Stock(types=types, promised=types[0].promised_to_waiting_list if types else 0)


def sales_state(festival: FestivalPage, *, now: datetime | None = None, snapshot: Stock | None = None) -> str:
    """The edition's sales state now (``FestivalPage.sales_state``), its public tickets left read from ``snapshot``."""
    now = now or timezone.now()
    snapshot = stock(festival, now) if snapshot is None else snapshot
    return festival.sales_state(now=now, tickets_left=snapshot.public_left)


def sales_states(festivals: Iterable[FestivalPage], now: datetime | None = None) -> list[tuple[FestivalPage, str]]:
    """Each edition with its sales state now, for a list of editions: their stock in two queries, not two each."""
    now = now or timezone.now()
    festivals = list(festivals)
    ids = [festival.pk for festival in festivals]
    types = defaultdict(list)
    for ticket_type in TicketType.objects.filter(festival_id__in=ids).order_by("sort_order", "name"):
        types[ticket_type.festival_id].append(ticket_type)
    promised = dict(
        WaitingListEntry.objects.filter(
            festival_id__in=ids, status=WaitingListEntry.Status.OFFERED, offer_expires_at__gt=now
        )
        .order_by()
        .values_list("festival_id")
        .annotate(Sum("quantity"))
    )
    return [
        (festival, sales_state(festival, now=now, snapshot=Stock(types[festival.pk], promised.get(festival.pk, 0))))
        for festival in festivals
    ]


@cache
def _stock_sql() -> str:
    """Every buyer's request reads the stock, so its SQL is written once here: built by the ORM
    (an annotated subquery) it took 4.5 ms of CPU per request, against 0.6 ms as it is."""
    quote = connection.ops.quote_name
    types, entries = quote(TicketType._meta.db_table), quote(WaitingListEntry._meta.db_table)
    return (
        f"SELECT tt.*, COALESCE((SELECT SUM(w.quantity) FROM {entries} w WHERE w.festival_id = %s "  # noqa: S608
        "AND w.status = %s AND w.offer_expires_at > %s), 0) AS promised_to_waiting_list "
        f"FROM {types} tt WHERE tt.festival_id = %s ORDER BY tt.sort_order, tt.name"
    )


def visible_ticket_types(
    *, festival: FestivalPage, voucher: Voucher | None = None, types: list[TicketType] | None = None
) -> list[TicketType]:
    """Types shown in the shop: public ones, plus hidden or complimentary ones the voucher unlocks."""
    unlocked = {t.pk for t in voucher.unlocks.all()} if voucher else set()
    types = stock(festival).types if types is None else types
    return [t for t in types if (not t.is_hidden and not t.is_complimentary) or t.pk in unlocked]


def on_sale(ticket_type: TicketType, now: datetime) -> bool:
    return (ticket_type.sale_starts_at is None or ticket_type.sale_starts_at <= now) and (
        ticket_type.sale_ends_at is None or now < ticket_type.sale_ends_at
    )


def _share_discount(prices: list[int], discount: int) -> list[int]:
    """Spread ``discount`` over ticket prices in proportion, to the penny, never below zero."""
    subtotal = sum(prices)
    if not discount or not subtotal:
        return list(prices)
    shares = [discount * p // subtotal for p in prices]
    leftover = discount - sum(shares)
    for i in sorted(range(len(prices)), key=lambda i: -prices[i]):
        if leftover == 0:
            break
        if prices[i] - shares[i] > 0:
            shares[i] += 1
            leftover -= 1
    return [p - s for p, s in zip(prices, shares, strict=True)]


def quote_order(
    *,
    festival: FestivalPage,
    lines: list[LineRequest],
    donation: int = 0,
    voucher_code: str = "",
    now: datetime | None = None,
    snapshot: Stock | None = None,
) -> Quote:
    """Price an order and check every rule but capacity; raises ShopError (edition_over, edition_not_on_sale, ...).

    ``snapshot`` may pass the edition's stock when the caller has just read it.
    """
    now = now or timezone.now()
    snapshot = stock(festival, now) if snapshot is None else snapshot
    # Sold out goes on: a waiting-list offer or an unlocked complimentary type may still be bought,
    # and capacity itself is decided by the guarded UPDATE in _reserve().
    state = sales_state(festival, now=now, snapshot=snapshot)
    if state == FestivalPage.Status.OVER:
        raise ShopError("edition_over")
    if state not in (FestivalPage.Status.ON_SALE, FestivalPage.Status.SOLD_OUT):
        raise ShopError("edition_not_on_sale")
    if donation < 0:
        raise ShopError("invalid_donation")
    voucher = find_voucher(festival=festival, code=voucher_code, now=now) if voucher_code else None
    types = snapshot.types
    allowed = {t.pk: t for t in visible_ticket_types(festival=festival, voucher=voucher, types=types)}
    hidden = {t.pk: t for t in types}
    priced = []
    for line in lines:
        if line.quantity < 0:
            raise ShopError("invalid_quantity")
        if line.quantity == 0:
            continue
        ticket_type = allowed.get(line.ticket_type_id)
        if ticket_type is None:
            other = hidden.get(line.ticket_type_id)
            raise ShopError("not_available", name=other.name if other else "These")
        if line.quantity > ticket_type.max_per_order:
            raise ShopError("over_limit", limit=ticket_type.max_per_order, name=ticket_type.name)
        if not on_sale(ticket_type, now):
            raise ShopError("not_on_sale", name=ticket_type.name)
        if line.quantity > ticket_type.remaining:
            # Already gone in the snapshot just read: say so without a doomed write. Room in the
            # snapshot proves nothing; only the guarded UPDATE in _reserve() grants tickets.
            raise ShopError("sold_out", name=ticket_type.name, left=ticket_type.remaining)
        if ticket_type.pricing == TicketType.Pricing.SLIDING:
            amount = ticket_type.suggested_price if line.amount is None else line.amount
            if amount < ticket_type.min_price:
                raise ShopError("below_minimum", name=ticket_type.name, minimum=pounds(ticket_type.min_price))
        else:
            amount = ticket_type.price
        priced.append(PricedLine(ticket_type=ticket_type, quantity=line.quantity, unit_amount=amount))
    if not priced:
        raise ShopError("no_tickets")
    subtotal = sum(line.subtotal for line in priced)
    discount = 0
    if voucher and voucher.kind == Voucher.Kind.PERCENT:
        discount = subtotal * voucher.percent_off // 100
    elif voucher and voucher.kind == Voucher.Kind.AMOUNT:
        discount = min(voucher.amount_off, subtotal)
    total = subtotal - discount + donation
    if 0 < total < STRIPE_MINIMUM:
        raise ShopError("amount_too_small")
    prices = [line.unit_amount for line in priced for _ in range(line.quantity)]
    return Quote(
        lines=priced,
        voucher=voucher,
        donation=donation,
        subtotal=subtotal,
        discount=discount,
        total=total,
        unit_prices=_share_discount(prices, discount),
    )


def pounds(pence: int) -> str:
    return f"£{pence // 100}" if pence % 100 == 0 else f"£{pence / 100:.2f}"


@cache
def _reserve_sql() -> str:
    """The guarded UPDATE that grants tickets, written once: built by the ORM on every order it
    cost half a millisecond of CPU more, in the middle of a sales rush."""
    table = connection.ops.quote_name(TicketType._meta.db_table)
    return f"UPDATE {table} SET reserved = reserved + %s WHERE id = %s AND reserved <= capacity - %s"  # noqa: S608


def _reserve(counts: Counter) -> None:
    """Take ``counts`` (type id -> n) from capacity, in id order; raises ShopError sold_out."""
    for type_id in sorted(counts):
        n = counts[type_id]
        with connection.cursor() as cursor:
            cursor.execute(_reserve_sql(), [n, type_id, n])
            taken = cursor.rowcount
        if not taken:
            ticket_type = TicketType.objects.get(pk=type_id)
            raise ShopError("sold_out", name=ticket_type.name, left=ticket_type.remaining)


def _release(counts: Counter) -> None:
    for type_id in sorted(counts):
        TicketType.objects.filter(pk=type_id, reserved__gte=counts[type_id]).update(
            reserved=F("reserved") - counts[type_id]
        )


def _use_voucher(voucher: Voucher) -> None:
    if not Voucher.objects.filter(pk=voucher.pk, times_used__lt=F("max_uses")).update(times_used=F("times_used") + 1):
        raise ShopError("voucher_used_up")


def _take_offer(offer: WaitingListEntry, now: datetime) -> None:
    """Mark the offer bought, once: a second order on the same link finds it taken. Raises ShopError."""
    taken = WaitingListEntry.objects.filter(
        pk=offer.pk, status=WaitingListEntry.Status.OFFERED, offer_expires_at__gt=now
    ).update(status=WaitingListEntry.Status.BOUGHT)
    if not taken:
        raise ShopError("offer_invalid")


def place_order(
    *,
    festival: FestivalPage,
    buyer_name: str,
    buyer_email: str,
    lines: list[LineRequest],
    attendee_names: list[str],
    region_group: str = "",
    donation: int = 0,
    voucher_code: str = "",
    offer_token: str = "",
    now: datetime | None = None,
    snapshot: Stock | None = None,
) -> Order:
    """Hold tickets and open payment (or fulfil a free order at once); raises ShopError.

    The buyer's and attendees' names are cleaned as every name is (``ticketing.names``).

    ``snapshot`` may pass the edition's stock when the caller has just read it.
    """
    from . import payments

    now = now or timezone.now()
    snapshot = snapshot or stock(festival, now)
    quote = quote_order(
        festival=festival, lines=lines, donation=donation, voucher_code=voucher_code, now=now, snapshot=snapshot
    )
    buyer_name = clean_name(buyer_name)
    if not buyer_name:
        raise ShopError("name_needed")
    names = [clean_name(n) for n in attendee_names]
    if len(names) != quote.quantity or not all(names):
        raise ShopError("names_needed")
    offer = None
    if offer_token:
        offer = WaitingListEntry.objects.filter(
            festival=festival, offer_token=offer_token, status=WaitingListEntry.Status.OFFERED, offer_expires_at__gt=now
        ).first()
        if offer is None:
            raise ShopError("offer_invalid")
    elif snapshot.promised and quote.quantity > snapshot.public_left:
        # Released tickets are promised to the waiting list first, in the order people joined.
        first = quote.lines[0].ticket_type
        raise ShopError("sold_out", name=first.name, left=max(snapshot.public_left, 0))
    counts = Counter({line.ticket_type.pk: line.quantity for line in quote.lines})
    session_expires = now + timedelta(minutes=SESSION_MINUTES)
    fields = {
        "festival": festival,
        "buyer_name": buyer_name,
        "buyer_email": buyer_email.strip(),
        "donation": quote.donation,
        "total": quote.total,
        "discount": quote.discount,
        "voucher": quote.voucher,
        "currency": payments.currency(),
        "hold_expires_at": session_expires + timedelta(minutes=HOLD_GRACE_MINUTES),
    }
    for attempt in range(1, CODE_ATTEMPTS + 1):
        code = codes.new_order_code()
        try:
            order = _hold(code=code, fields=fields, quote=quote, names=names, region_group=region_group,
                          counts=counts, offer=offer, now=now)  # fmt: skip
            break
        except IntegrityError:
            # Order codes are short: when one is taken, the whole short transaction runs again
            # under a new one (cheaper than a savepoint around every insert).
            if attempt == CODE_ATTEMPTS or not Order.objects.filter(code=code).exists():
                raise  # out of attempts, or some other constraint failed
    if order.total == 0:
        payments.fulfil_order(order=order, payment_intent="", amount_paid=0)
        order.refresh_from_db()
        return order
    try:
        payments.open_checkout(order=order, quote=quote, expires_at=session_expires)
    except ShopError:
        release_hold(order=order, to_status=Order.Status.CANCELLED)
        raise
    return order


def _hold(*, code, fields, quote, names, region_group, counts, offer, now) -> Order:
    """The capacity decision: one short transaction that takes the offer, the voucher and the tickets, or nothing."""
    with transaction.atomic():
        if offer is not None:
            _take_offer(offer, now)
        if quote.voucher:
            _use_voucher(quote.voucher)
        order = Order(code=code, **fields)
        rows.insert(order)
        tickets = []
        prices = iter(quote.unit_prices)
        name_iter = iter(names)
        for line in quote.lines:
            for _ in range(line.quantity):
                name = next(name_iter)
                tickets.append(
                    Ticket(
                        order=order,
                        ticket_type=line.ticket_type,
                        attendee_name=name,
                        attendee_email=fields["buyer_email"] if name == names[0] else "",
                        region_group=region_group,
                        price=next(prices),
                    )
                )
        rows.insert(*tickets)
        # Last, so the hot row of the ticket type stays locked only until the commit; a sold-out
        # answer rolls the order and tickets back with it.
        _reserve(counts)
    return order


def order_counts(order: Order, statuses=(Ticket.Status.PENDING,)) -> Counter:
    return Counter(
        Ticket.objects.filter(order=order, status__in=statuses).values_list("ticket_type_id", flat=True).iterator()
    )


def release_hold(*, order: Order, to_status: str = Order.Status.EXPIRED) -> bool:
    """Give a pending order's tickets back to sale; False if it was no longer pending. Raises nothing."""
    with transaction.atomic():
        moved = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=to_status, updated_at=timezone.now()
        )
        if not moved:
            return False
        if order.voucher_id:
            Voucher.objects.filter(pk=order.voucher_id, times_used__gt=0).update(times_used=F("times_used") - 1)
        counts = order_counts(order)
        _release(counts)
        Ticket.objects.filter(order=order, status=Ticket.Status.PENDING).update(
            status=Ticket.Status.CANCELLED, updated_at=timezone.now()
        )
        transaction.on_commit(lambda: _capacity_freed(order.festival_id))
    log.info("released hold of order %s (%s)", order.code, to_status)
    return True


def retake_capacity(order: Order) -> bool:
    """For a late payment: hold the order's lapsed tickets again if there is room. Call inside atomic()."""
    counts = Counter(
        Ticket.objects.filter(order=order, status=Ticket.Status.CANCELLED).values_list("ticket_type_id", flat=True)
    )
    try:
        with transaction.atomic():  # voucher before types: the lock order everywhere else
            if order.voucher_id:  # count the use again if it fits; the price paid is honoured either way
                Voucher.objects.filter(pk=order.voucher_id, times_used__lt=F("max_uses")).update(
                    times_used=F("times_used") + 1
                )
            _reserve(counts)
    except ShopError:
        return False
    return True


def release_tickets(ticket_ids: list[int]) -> None:
    """Give capacity back for tickets that stopped holding it (refunded, cancelled). Call inside atomic()."""
    counts = Counter(Ticket.objects.filter(pk__in=ticket_ids).values_list("ticket_type_id", flat=True))
    _release(counts)


def _capacity_freed(festival_id: int) -> None:
    from ticketing import tasks

    tasks.offer_waiting_list.enqueue(festival_id)


def lapsed_pending_orders(now: datetime | None = None):
    now = now or timezone.now()
    return Order.objects.filter(status=Order.Status.PENDING, hold_expires_at__lt=now)


def order_url(order: Order) -> str:
    return reverse("ticketing:order", kwargs={"token": order.access_token})
