"""Orders: pricing (quotes, vouchers), holding tickets for an order, and releasing a hold.

Above ``capacity`` (which grants and gives back tickets), below ``checkout`` (which opens
payment for a hold). Locks are always taken in the same order: order row or waiting-list
offer, voucher, ticket types by id. Stripe calls and emails happen outside these transactions.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from festival.models import FestivalPage
from ticketing import audit, codes, stripe_gateway
from ticketing.ledger import OPEN_STATES, LedgerState, MadeBy
from ticketing.models import AccessNeeds, Order, Payment, Ticket, TicketType, Voucher, WaitingListEntry

from .capacity import Stock, announce_freed, release, reserve, sales_state, stock
from .errors import ShopError

log = logging.getLogger(__name__)

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


def visible_ticket_types(
    *, festival: FestivalPage, voucher: Voucher | None = None, types: list[TicketType] | None = None
) -> list[TicketType]:
    """Types shown in the shop: public ones, plus hidden or complimentary ones the voucher unlocks."""
    unlocked = {t.pk for t in voucher.unlocks.all()} if voucher else set()
    types = stock(festival).types if types is None else types
    return [t for t in types if (not t.is_hidden and not t.is_complimentary) or t.pk in unlocked]


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
    # and capacity itself is decided by the guarded UPDATE in capacity.reserve().
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
        if not ticket_type.on_sale(now):
            raise ShopError("not_on_sale", name=ticket_type.name)
        if line.quantity > ticket_type.remaining:
            # Already gone in the snapshot just read: say so without a doomed write. Room in the
            # snapshot proves nothing; only the guarded UPDATE in capacity.reserve() grants tickets.
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


def _use_voucher(voucher: Voucher) -> None:
    if not Voucher.objects.filter(pk=voucher.pk, times_used__lt=F("max_uses")).update(times_used=F("times_used") + 1):
        raise ShopError("voucher_used_up")


def _take_offer(offer: WaitingListEntry, now: datetime) -> None:
    """Mark the offer bought, once: a second order on the same link finds it taken. Raises ShopError."""
    taken = WaitingListEntry.objects.filter(pk=offer.pk).open_offers(now).update(status=WaitingListEntry.Status.BOUGHT)
    if not taken:
        raise ShopError("offer_invalid")


def hold_order(
    *, fields: dict, quote: Quote, names: list[str], region_group: str, offer, now: datetime, details: list[dict]
) -> Order:
    """Create the order and its tickets and take their capacity, under a fresh order code; raises ShopError.

    ``fields`` are the order's columns but its code; ``offer`` is the waiting-list offer it takes up, if any;
    ``details`` each ticket's attendee email, pronouns and consented access needs (``attendees.clean_details``).
    """
    counts = Counter({line.ticket_type.pk: line.quantity for line in quote.lines})
    for attempt in range(1, CODE_ATTEMPTS + 1):
        code = codes.new_order_code()
        try:
            return _hold(code=code, fields=fields, quote=quote, names=names, region_group=region_group,
                         counts=counts, offer=offer, now=now, details=details)  # fmt: skip
        except IntegrityError:
            # Order codes are short: when one is taken, the whole short transaction runs again
            # under a new one (cheaper than a savepoint around every insert).
            if attempt == CODE_ATTEMPTS or not Order.objects.filter(code=code).exists():
                raise  # out of attempts, or some other constraint failed
    raise AssertionError("unreachable")


def _hold(*, code, fields, quote, names, region_group, counts, offer, now, details) -> Order:
    """The capacity decision: one short transaction that takes the offer, the voucher and the tickets, or nothing."""
    with transaction.atomic():
        if offer is not None:
            _take_offer(offer, now)
        if quote.voucher:
            _use_voucher(quote.voucher)
        order = Order(code=code, **fields)
        order.save(force_insert=True)
        tickets = []
        prices = iter(quote.unit_prices)
        attendees = iter(zip(names, details, strict=True))
        for line in quote.lines:
            for _ in range(line.quantity):
                name, detail = next(attendees)
                tickets.append(
                    Ticket(
                        order=order,
                        ticket_type=line.ticket_type,
                        attendee_name=name,
                        attendee_email=detail["email"],
                        pronouns=detail["pronouns"],
                        region_group=region_group,
                        price=next(prices),
                    )
                )
        Ticket.objects.bulk_create(tickets)
        AccessNeeds.objects.bulk_create(
            AccessNeeds(ticket=ticket, consented_at=now, **detail["needs"])
            for ticket, detail in zip(tickets, details, strict=True)
            if detail["needs"]
        )
        if order.total:  # the ledger's record of the payment to come, "created" until Checkout opens
            Payment.objects.create(order=order, amount=order.total, currency=order.currency)
        # Last, so the hot row of the ticket type stays locked only until the commit; a sold-out
        # answer rolls the order and tickets back with it.
        reserve(counts)
    return order


def order_counts(order: Order, statuses=(Ticket.Status.PENDING,)) -> Counter:
    return Counter(
        Ticket.objects.filter(order=order, status__in=statuses).values_list("ticket_type_id", flat=True).iterator()
    )


def release_hold(*, order: Order, to_status: str = Order.Status.EXPIRED, user=None, by: str = MadeBy.SITE) -> bool:
    """Give a pending order's tickets back to sale and close its payment; False if it was no longer
    pending. ``user`` or ``by`` is who released it, for the audit trail. Raises nothing."""
    with transaction.atomic():
        moved = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=to_status, updated_at=timezone.now()
        )
        if not moved:
            return False
        if order.voucher_id:
            Voucher.objects.filter(pk=order.voucher_id, times_used__gt=0).update(times_used=F("times_used") - 1)
        counts = order_counts(order)
        release(counts)
        Ticket.objects.filter(order=order, status=Ticket.Status.PENDING).update(
            status=Ticket.Status.CANCELLED, updated_at=timezone.now()
        )
        Payment.objects.filter(order=order, state__in=OPEN_STATES).update(
            state=LedgerState.FAILED, finished_at=timezone.now(), updated_at=timezone.now()
        )
        audit.record(order, "ticketing.order.hold_released", user=user, by=by, status=to_status)
        announce_freed(order.festival_id)
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
            reserve(counts)
    except ShopError:
        return False
    return True


def abandon_order(*, order: Order, user=None) -> bool:
    """The buyer (or ``user``, a member of staff) gives up before paying: close the session, release
    the hold. Raises nothing."""
    if order.status != Order.Status.PENDING:
        return False
    if order.stripe_checkout_session_id:
        try:
            session = stripe_gateway.expire_checkout_session(order.stripe_checkout_session_id)
        except stripe_gateway.UnknownSession:
            pass  # Stripe does not know the session, so nobody can pay it: release the hold
        except stripe_gateway.PaymentProviderError:
            return False  # it may have just been paid; the webhook will tell
        else:
            if session.status == "complete":
                return False
    if release_hold(order=order, to_status=Order.Status.CANCELLED, user=user, by=MadeBy.BUYER):
        return True
    # Expiring the session sent checkout.session.expired, which may have reached us and released
    # the hold first: nothing was charged and the places are back, as the buyer asked. Record it
    # as their cancellation, which it was.
    return bool(
        Order.objects.filter(pk=order.pk, status=Order.Status.EXPIRED).update(
            status=Order.Status.CANCELLED, updated_at=timezone.now()
        )
    )


def order_url(order: Order) -> str:
    return reverse("ticketing:order", kwargs={"token": order.access_token})
