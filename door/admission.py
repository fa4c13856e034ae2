"""Who gets in: the one rule, used by the scan (``door.checkin``) and the offline door list
(``door.lists``), whose page (static/door/door.js) shows the verdict sent for each ticket and
checks only the day against the ticket type's days.

A ticket gets in on a day when it and its order are in good standing (``standing``) and its
type admits on that day of the edition (``admits_on``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from ticketing.models import CheckIn, Order, Ticket, TicketType

Result = CheckIn.Result
_GONE = {Ticket.Status.CANCELLED, Ticket.Status.REFUNDED}
_ORDER_GONE = {Order.Status.CANCELLED, Order.Status.REFUNDED}


def standing(*, ticket_status: str, order_status: str) -> str | None:
    """Why a ticket gets in on no day at all (``cancelled`` or ``unpaid``), or None when it may."""
    if ticket_status in _GONE or order_status in _ORDER_GONE:
        return Result.CANCELLED
    if ticket_status != Ticket.Status.VALID or order_status != Order.Status.PAID:
        return Result.UNPAID
    return None


def admits_on(festival, valid_days: list, day: date) -> bool:
    """Whether a ticket type with ``valid_days`` lets its holder in on ``day`` of ``festival``."""
    return festival.start_date <= day <= festival.end_date and TicketType.days_admit(valid_days, day)


def refusal(*, ticket_status: str, order_status: str, valid_days: list, festival, day: date) -> str | None:
    """Why a ticket is turned away on ``day`` (``cancelled``, ``unpaid``, ``not_valid_today``), or None."""
    refused = standing(ticket_status=ticket_status, order_status=order_status)
    if refused is None and not admits_on(festival, valid_days, day):
        return Result.NOT_VALID_TODAY
    return refused


def admitting_days(festival, valid_days: list) -> list[str]:
    """The days of ``festival`` (ISO dates, in order) on which a type with ``valid_days`` admits."""
    return [day.isoformat() for day in festival.days if admits_on(festival, valid_days, day)]


def festival_day(festival, moment: datetime) -> date:
    """The calendar date of ``moment`` in the edition's time zone."""
    return timezone.localtime(moment, festival.tz).date()
