"""Receipts: one PDF per paid order, saying who sold what to whom, what was paid, what was given back.

Union branches and employers ask buyers for one. A receipt is made when it is asked for, never
stored: a refund made later changes it. Its money comes from the order's own record (the prices
paid for its tickets, its discount, donation and total) and from the ledger (the payment's
reference, and only the refunds that went through). WeasyPrint lays it out, through
``ticketing.pdf``, from ``templates/ticketing/receipt.html``, with the badges' fonts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.models import Site

from festival.models import FestivalSettings
from ticketing import pdf
from ticketing.ledger import LedgerState
from ticketing.models import Order, Refund

from .badges import text_direction
from .errors import ShopError

# An order once paid keeps its receipt whatever became of it since (refunded, or cancelled by staff).
PAID_STATUSES = (Order.Status.PAID, Order.Status.REFUNDED)
CURRENCY_SIGNS = {"gbp": "£", "eur": "€", "usd": "$"}


@dataclass(frozen=True)
class Name:
    """A person's name as the receipt sets it: in its own direction, so Arabic or Hebrew reads right."""

    text: str
    direction: str


@dataclass(frozen=True)
class Line:
    """One line of the receipt: a ticket type at one price, how many, and who they were for."""

    item: str
    quantity: int
    unit_price: str
    amount: str
    attendees: list[Name] = field(default_factory=list)


@dataclass(frozen=True)
class RefundLine:
    """A refund that went through: when, how much, and what it gave back."""

    date: str
    amount: str
    covered: str


@dataclass(frozen=True)
class BreakdownLine:
    """Tickets of one type bought at one price, in pence."""

    ticket_type: str
    quantity: int
    unit_price: int
    amount: int
    attendees: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BreakdownRefund:
    """A refund in the ledger that went through or is on its way, in pence."""

    when: object
    amount: int
    covered: str
    done: bool


@dataclass(frozen=True)
class Breakdown:
    """An order's money, in pence: what its tickets cost, the voucher's discount, the donation, what was
    paid, what came back (from the ledger) and what is left."""

    lines: list[BreakdownLine]
    full_price: int
    discount: int
    voucher_code: str
    donation: int
    total: int
    refunds: list[BreakdownRefund]
    refunded: int
    refunding: int
    left: int


def breakdown(*, order: Order) -> Breakdown:
    """What ``order`` cost and what became of its money: the order page's and the receipt's figures.
    Refunds are the ledger's: those that went through count as refunded; those sent to Stripe and
    not yet answered are listed as on their way; failed ones are left out. Raises nothing."""
    groups: dict[tuple[int, int], list] = {}
    for ticket in order.tickets.select_related("ticket_type").order_by("pk"):
        groups.setdefault((ticket.ticket_type_id, ticket.price), []).append(ticket)
    lines = [
        BreakdownLine(
            ticket_type=tickets[0].ticket_type.name,
            quantity=len(tickets),
            unit_price=price,
            amount=price * len(tickets),
            attendees=[t.attendee_name for t in tickets],
        )
        for (_type, price), tickets in groups.items()
    ]
    ledger = (
        order.refunds.exclude(state=LedgerState.FAILED)
        .prefetch_related("tickets__ticket_type")
        .order_by("created_at", "pk")
    )
    refund_rows = [
        BreakdownRefund(
            when=r.finished_at or r.created_at,
            amount=r.amount,
            covered=_covered(r),
            done=r.state == LedgerState.SUCCEEDED,
        )
        for r in ledger
    ]
    refunded = sum(r.amount for r in refund_rows if r.done)
    tickets_paid = order.total - order.donation
    return Breakdown(
        lines=lines,
        full_price=tickets_paid + order.discount,
        discount=order.discount,
        voucher_code=order.voucher.code if order.voucher_id else "",
        donation=order.donation,
        total=order.total,
        refunds=refund_rows,
        refunded=refunded,
        refunding=sum(r.amount for r in refund_rows if not r.done),
        left=order.total - refunded,
    )


def money(pence: int, currency: str) -> str:
    """``pence`` with its sign and always two decimals, as a receipt's columns want: 1250 -> "£12.50"."""
    amount = f"{pence / 100:,.2f}"
    sign = CURRENCY_SIGNS.get(currency.lower())
    return f"{sign}{amount}" if sign else f"{amount} {currency.upper()}"


def has_receipt(*, order: Order) -> bool:
    """Whether ``order`` was ever paid (also a late payment later refunded), so it has a receipt."""
    return (
        order.status in PAID_STATUSES
        or order.paid_at is not None
        or order.payments.filter(state=LedgerState.SUCCEEDED).exists()
    )


def receipt_filename(order: Order) -> str:
    return f"receipt-{order.code}.pdf"


def render_receipt(*, order: Order) -> bytes:
    """The order's receipt as A4 PDF bytes. Raises ShopError('receipt_unavailable') for an order never paid."""
    if not has_receipt(order=order):
        raise ShopError("receipt_unavailable")
    html = render_to_string("ticketing/receipt.html", _context(order))
    return pdf.render(
        html,
        stylesheet=str(Path(settings.BASE_DIR) / "templates" / "ticketing" / "receipt.css"),
        base_url=str(settings.BASE_DIR),
    )


def _settings() -> FestivalSettings | None:
    site = Site.objects.filter(is_default_site=True).first()
    return FestivalSettings.for_site(site) if site is not None else None


def _covered(refund: Refund) -> str:
    """What a refund gave back, in words."""
    parts = [f"{t.ticket_type.name}: {t.attendee_name}" for t in refund.tickets.all()]
    if refund.includes_donation:
        parts.append(_("the donation"))
    if not parts:
        return _("Part of the payment")
    return "; ".join(parts)


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y") if moment else ""


def _context(order: Order) -> dict:
    festival = order.festival
    site_settings = _settings()
    payment = order.payments.filter(state=LedgerState.SUCCEEDED).order_by("-finished_at", "-pk").first()
    figures = breakdown(order=order)
    currency = order.currency
    with timezone.override(festival.tz):
        paid_on = _day(order.paid_at or (payment.finished_at if payment else None))
        refund_lines = [
            RefundLine(_day(r.when), money(r.amount, currency), r.covered) for r in figures.refunds if r.done
        ]
        issued_on = _day(timezone.now())
    # One line per ticket type and price paid, in the order the tickets were bought. A voucher's
    # discount is shared out over the tickets' prices, so a type's tickets may differ by a penny.
    lines = [
        Line(
            item=line.ticket_type,
            quantity=line.quantity,
            unit_price=money(line.unit_price, currency),
            amount=money(line.amount, currency),
            attendees=[Name(name, text_direction(name)) for name in line.attendees],
        )
        for line in figures.lines
    ]
    return {
        "order": order,
        "festival": festival,
        "festival_dates": f"{date_format(festival.start_date, 'j F')} to {date_format(festival.end_date, 'j F Y')}",
        "issuer": site_settings.receipt_issuer if site_settings else _("Festival of Resistance"),
        "address_lines": (site_settings.organisation_address.splitlines() if site_settings else []),
        "contact_email": site_settings.contact_email if site_settings else "",
        "note": site_settings.receipt_note if site_settings else "",
        "buyer": Name(order.buyer_name, text_direction(order.buyer_name)),
        "paid_on": paid_on,
        "issued_on": issued_on,
        "lines": lines,
        "ticket_count": sum(line.quantity for line in lines),
        "tickets_paid": money(figures.full_price - figures.discount, currency),
        "discount": money(figures.discount, currency) if figures.discount else "",
        "full_price": money(figures.full_price, currency),
        "voucher_code": figures.voucher_code,
        "donation": money(figures.donation, currency) if figures.donation else "",
        "total": money(figures.total, currency),
        "refunds": refund_lines,
        "refunded": money(figures.refunded, currency),
        "net": money(figures.left, currency),
        "currency": currency.upper(),
        "payment_method": _("Card, through Stripe") if order.total else _("No payment was needed: free tickets"),
        "payment_reference": (payment.stripe_payment_intent_id if payment else "") or order.stripe_payment_intent_id,
    }
