"""Postponing an edition, and the refunds its ticket holders may then ask for.

``postpone`` checks the new dates, then in one transaction (the edition's row locked, so two
organisers cannot postpone it at once) records the postponement, moves the edition's dates, its
programme (``programme.postponement``) and its day tickets' days, logs it against the edition, and
queues an email to every ticket holder through the outbox, each under a key of its own so a step
repeated sends nothing twice. Badges are not reissued: a ticket admits on the edition's days
(``door.admission``), which are the new ones, and a day ticket's day moves with the rest.

``claim_refund`` gives a buyer their whole order back (``refunds.refund_order``) while the
postponement's refund deadline has not passed, and refuses after it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from festival import emails
from festival.models import FestivalPage, Postponement
from outbox import services as outbox
from programme import postponement as programme_postponement
from ticketing.models import Order, Refund, Ticket, TicketType

from . import orders, refunds
from .errors import ShopError

POSTPONED_ACTION = "festival.edition.postponed"


def problems(
    *, festival: FestivalPage, new_start: date, new_end: date, refund_deadline: date, now: datetime
) -> dict[str, str]:
    """What is wrong with postponing ``festival`` to these dates, by form field; empty when nothing is."""
    today = now.astimezone(festival.tz).date()
    errors: dict[str, str] = {}
    if festival.status == FestivalPage.Status.OVER or today > festival.end_date:
        errors["__all__"] = _("This edition is over, so it cannot be postponed.")
        return errors
    if new_start <= today:
        errors["new_start_date"] = _("The new first day must be after today.")
    if new_end < new_start:
        errors["new_end_date"] = _("The new last day cannot be before the new first day.")
    if refund_deadline < today:
        errors["refund_deadline"] = _("The refund deadline cannot be in the past.")
    elif refund_deadline >= new_start:
        errors["refund_deadline"] = _("The refund deadline must be before the new first day.")
    if not errors and (new_start, new_end) == (festival.start_date, festival.end_date):
        errors["new_start_date"] = _("Those are the dates the edition already has.")
    return errors


def postpone(
    *,
    festival: FestivalPage,
    new_start: date,
    new_end: date,
    refund_deadline: date,
    programme: str,
    user,
    now: datetime,
) -> Postponement:
    """Postpone ``festival`` to ``new_start``–``new_end``. Raises ValidationError (by field) and changes
    nothing when the dates are wrong or the edition is over."""
    if programme not in Postponement.Programme.values:
        raise ValidationError({"programme": _("Choose what happens to the programme.")})
    with transaction.atomic():
        festival = FestivalPage.objects.select_for_update().get(pk=festival.pk)
        errors = problems(festival=festival, new_start=new_start, new_end=new_end,
                          refund_deadline=refund_deadline, now=now)  # fmt: skip
        if errors:
            raise ValidationError(errors)
        postponement = Postponement.objects.create(
            edition=festival,
            old_start_date=festival.start_date,
            old_end_date=festival.end_date,
            new_start_date=new_start,
            new_end_date=new_end,
            refund_deadline=refund_deadline,
            programme=programme,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_at=now,
        )
        days = postponement.day_offset
        _move_edition(festival, new_start, new_end)
        if programme == Postponement.Programme.SHIFT:
            moved = programme_postponement.shift_programme(festival, days=days)
        else:
            moved = programme_postponement.mark_to_be_rescheduled(festival)
        _move_day_tickets(festival, days)
        log(festival, POSTPONED_ACTION, user=postponement.created_by, data={
            "from": [str(postponement.old_start_date), str(postponement.old_end_date)],
            "to": [str(new_start), str(new_end)], "refund_deadline": str(refund_deadline),
            "programme": programme, "sessions": moved,
        })  # fmt: skip
        notify_ticket_holders(postponement)
    return postponement


def _move_edition(festival: FestivalPage, new_start: date, new_end: date) -> None:
    FestivalPage.objects.filter(pk=festival.pk).update(start_date=new_start, end_date=new_end)
    festival.start_date, festival.end_date = new_start, new_end
    for revision in {r.pk: r for r in (festival.latest_revision, festival.live_revision) if r}.values():
        revision.content = {**(revision.content or {}), "start_date": str(new_start), "end_date": str(new_end)}
        revision.save(update_fields=["content"])
    programme_postponement.caching.invalidate()


def _move_day_tickets(festival: FestivalPage, days: int) -> None:
    """A ticket type for given days admits on the same days of the new dates."""
    for ticket_type in TicketType.objects.filter(festival=festival).exclude(valid_days=[]):
        moved = [(date.fromisoformat(day) + timedelta(days=days)).isoformat() for day in ticket_type.valid_days]
        TicketType.objects.filter(pk=ticket_type.pk).update(valid_days=moved)


def ticket_holders(festival: FestivalPage):
    """Paid orders of ``festival`` with at least one ticket that still admits."""
    valid = Ticket.objects.filter(status=Ticket.Status.VALID).values("order_id")
    return Order.objects.filter(festival=festival, status=Order.Status.PAID, pk__in=valid).order_by("pk")


def notice_key(postponement: Postponement, order: Order) -> str:
    return f"postponement:{postponement.pk}:order:{order.pk}"


def notify_ticket_holders(postponement: Postponement) -> int:
    """Queue the postponement email to every ticket holder, once each however often this runs; how many."""
    count = 0
    for order in ticket_holders(postponement.edition).select_related("festival"):
        outbox.queue(_notice(postponement, order), key=notice_key(postponement, order), about=f"order {order.code}")
        count += 1
    return count


def _notice(postponement: Postponement, order: Order) -> EmailMultiAlternatives:
    context = {
        "order": order,
        "festival": postponement.edition,
        "postponement": postponement,
        "order_url": settings.SITE_URL + orders.order_url(order),
        "new_dates": dates_text(postponement.new_start_date, postponement.new_end_date),
        "deadline": date_format(postponement.refund_deadline, "l j F Y"),
        "rescheduled": postponement.programme == Postponement.Programme.RESCHEDULE,
    }
    return emails.message(
        subject=f"{postponement.edition.title} is postponed: new dates",
        text_template="ticketing/email/postponement_notice.txt",
        html_template="ticketing/email/postponement_notice.html",
        context=context,
        to=[order.buyer_email],
    )


def dates_text(start: date, end: date) -> str:
    if start == end:
        return date_format(start, "l j F Y")
    return f"{date_format(start, 'l j F')} to {date_format(end, 'l j F Y')}"


def latest(festival: FestivalPage) -> Postponement | None:
    return Postponement.objects.filter(edition=festival).first()


def refund_offer(*, order: Order, now: datetime) -> Postponement | None:
    """The postponement whose refund ``order``'s buyer may still ask for, or None."""
    postponement = latest(order.festival)
    if postponement is None or not postponement.refunds_open(now) or order.status != Order.Status.PAID:
        return None
    if not order.tickets.filter(status=Ticket.Status.VALID).exists():
        return None
    return postponement


def claim_refund(*, order: Order, now: datetime) -> Refund:
    """Refund the whole of ``order`` because its edition was postponed. Raises ShopError
    not_postponed, postponement_refunds_closed, or as ``refunds.refund_order``."""
    postponement = latest(order.festival)
    if postponement is None:
        raise ShopError("not_postponed")
    if not postponement.refunds_open(now):
        raise ShopError("postponement_refunds_closed", deadline=date_format(postponement.refund_deadline, "j F Y"))
    return refunds.refund_order(order=order, reason="The edition was postponed; the buyer asked for their money back.")
