"""Personal data: everything the site holds about one person, by email address, and the
anonymising of an edition's attendees once it is over.

Read by the organisers' admin pages (``ticketing.privacy_views``). Anonymising keeps what the
festival must keep (totals, the ledger's amounts, check-in counts) and removes who people were:
names, emails, pronouns, access needs, the buyers' details, the bodies of the emails sent to them
and their badges' PDFs. It is logged in the edition's history (``ticketing.audit``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from festival.models import FestivalPage
from outbox.models import OutgoingEmail
from ticketing import audit
from ticketing.access_needs import NEEDS
from ticketing.models import AccessNeeds, CheckIn, Order, Ticket, WaitingListEntry

from .errors import ShopError

ANONYMISED_NAME = "Anonymised"
SCRUBBED = "(removed when the edition's attendees were anonymised)"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _needs(needs: AccessNeeds | None) -> dict | None:
    if needs is None:
        return None
    data = {name: getattr(needs, name) for name, _label in NEEDS}
    data.update(dietary=needs.dietary, other=needs.other, consented_at=_when(needs.consented_at))
    return data


def _ledger(rows) -> list[dict]:
    return [{"amount_pence": r.amount, "currency": r.currency, "state": r.state, "created_at": _when(r.created_at)}
            for r in rows]  # fmt: skip


def _order(order: Order) -> dict:
    return {
        "code": order.code,
        "edition": order.festival.title,
        "status": order.status,
        "buyer_name": order.buyer_name,
        "buyer_email": order.buyer_email,
        "total_pence": order.total,
        "donation_pence": order.donation,
        "discount_pence": order.discount,
        "refunded_pence": order.refunded_amount,
        "created_at": _when(order.created_at),
        "paid_at": _when(order.paid_at),
        "payments": _ledger(order.payments.order_by("pk")),
        "refunds": _ledger(order.refunds.order_by("pk")),
    }


def _ticket(ticket: Ticket) -> dict:
    return {
        "order": ticket.order.code,
        "edition": ticket.order.festival.title,
        "ticket_type": ticket.ticket_type.name,
        "status": ticket.status,
        "attendee_name": ticket.attendee_name,
        "attendee_email": ticket.attendee_email,
        "pronouns": ticket.pronouns,
        "region_group": ticket.region_group,
        "price_pence": ticket.price,
        "access_needs": _needs(AccessNeeds.objects.filter(ticket=ticket).first()),
        "check_ins": [
            {
                "day": c.day.isoformat(),
                "door": c.door,
                "result": c.result,
                "scanned_at": _when(c.scanned_at),
                "undone": c.undone_at is not None,
            }  # fmt: skip
            for c in CheckIn.objects.filter(ticket=ticket).order_by("scanned_at", "pk")
        ],
    }


def _addressed_to(email: str):
    """Outgoing emails with ``email`` among their recipients (``to`` is comma-separated)."""
    candidates = OutgoingEmail.objects.filter(to__icontains=email).order_by("created_at", "pk")
    wanted = email.lower()
    return [e for e in candidates if wanted in (part.strip().lower() for part in e.to.split(","))]


def person_data(*, email: str) -> dict:
    """Everything held about the person with this email address (any case), as JSON-ready data:
    orders they bought (with payments and refunds), tickets in their name or bought by them (with
    access needs and check-ins), emails sent to them and their waiting-list entries. ``found`` is
    False, and every list empty, when nothing is held."""
    email = email.strip()
    orders = list(Order.objects.filter(buyer_email__iexact=email).select_related("festival").order_by("created_at"))
    tickets = list(
        Ticket.objects.filter(Q(attendee_email__iexact=email) | Q(order__buyer_email__iexact=email))
        .select_related("order__festival", "ticket_type")
        .order_by("pk")
    )
    emails = _addressed_to(email) if email else []
    waiting = list(WaitingListEntry.objects.filter(email__iexact=email).select_related("festival"))
    data = {
        "email": email,
        "generated_at": timezone.now().isoformat(),
        "orders": [_order(o) for o in orders],
        "tickets": [_ticket(t) for t in tickets],
        "emails": [
            {
                "to": e.to,
                "subject": e.subject,
                "about": e.about,
                "state": e.state,
                "queued_at": _when(e.created_at),
                "sent_at": _when(e.sent_at),
            }
            for e in emails
        ],  # fmt: skip
        "waiting_list": [
            {
                "edition": w.festival.title,
                "name": w.name,
                "email": w.email,
                "quantity": w.quantity,
                "status": w.status,
                "joined_at": _when(w.created_at),
            }
            for w in waiting
        ],  # fmt: skip
    }
    data["found"] = any(data[key] for key in ("orders", "tickets", "emails", "waiting_list"))
    return data


def is_over(festival: FestivalPage, now: datetime | None = None) -> bool:
    """Whether the edition's last day has passed in its own time zone."""
    return (now or timezone.now()).astimezone(festival.tz).date() > festival.end_date


def anonymise_edition(*, festival: FestivalPage, user=None, now: datetime | None = None) -> dict:
    """Remove who the edition's buyers and attendees were; keep totals, ledger amounts and check-ins.

    Raises ShopError('edition_not_over') before its last day has passed. Returns counts of what
    changed. Badge PDFs are deleted from storage once the change is committed.
    """
    now = now or timezone.now()
    if not is_over(festival, now):
        raise ShopError("edition_not_over", title=festival.title, end=festival.end_date.strftime("%-d %B %Y"))
    with transaction.atomic():
        orders = Order.objects.filter(festival=festival)
        codes = list(orders.values_list("code", flat=True))
        tickets = Ticket.objects.filter(order__festival=festival)
        addresses = {a.lower() for a in orders.values_list("buyer_email", flat=True) if a}
        addresses |= {a.lower() for a in tickets.values_list("attendee_email", flat=True) if a}
        badge_files = [name for name in tickets.exclude(badge_pdf="").values_list("badge_pdf", flat=True) if name]
        needs_deleted, _ = AccessNeeds.objects.filter(ticket__order__festival=festival).delete()
        tickets_changed = tickets.update(attendee_name=ANONYMISED_NAME, attendee_email="", pronouns="",
                                         badge_pdf="", badge_rendered_at=None)  # fmt: skip
        orders_changed = orders.update(buyer_name=ANONYMISED_NAME, buyer_email="", stripe_checkout_url="")
        waiting_deleted, _ = WaitingListEntry.objects.filter(festival=festival).delete()
        emails_scrubbed = _scrub_emails(codes=codes, addresses=addresses, festival=festival)
        counts = {"orders": orders_changed, "tickets": tickets_changed, "access_needs": needs_deleted,
                  "waiting_list": waiting_deleted, "emails": emails_scrubbed, "badges": len(badge_files)}  # fmt: skip
        audit.record_edition(festival, "ticketing.edition.anonymised", user=user, **counts)
        storage = Ticket._meta.get_field("badge_pdf").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in badge_files])
    return counts


def _scrub_emails(*, codes: list[str], addresses: set[str], festival: FestivalPage) -> int:
    """Empty the emails about this edition's orders and waiting list, and the order-link emails to its
    people: body, recipients and subject. One still waiting to go is not sent."""
    about_edition = OutgoingEmail.objects.filter(
        Q(about__in=[f"order {code}" for code in codes]) | Q(about=festival.title) | Q(about__startswith="order links")
    )
    scrubbed = 0
    for email in about_edition.only("pk", "to", "about", "state"):
        recipients = {part.strip().lower() for part in email.to.split(",") if part.strip()}
        if email.about.startswith("order links") and not recipients & addresses:
            continue
        changes = {"mime": b"", "to": "", "subject": SCRUBBED}
        if email.state in (OutgoingEmail.State.QUEUED, OutgoingEmail.State.SENDING):
            changes.update(state=OutgoingEmail.State.FAILED, last_error=SCRUBBED)
        scrubbed += OutgoingEmail.objects.filter(pk=email.pk).update(**changes)
    return scrubbed
