"""What the door reads beside the scan: the offline door list and its changes, the day's counts,
ticket search for a lost badge, and the organisers' list of double admissions. ORM throughout."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from door.admission import admitting_days, festival_day, standing
from ticketing.models import CheckIn, Order, RetiredSecret, Ticket

Result = CheckIn.Result

# The server's verdict on a ticket in the offline door list, as one letter: valid, unpaid,
# cancelled (or refunded). The page adds only the day's check (static/door/door.js).
LIST_VALID, LIST_UNPAID, LIST_CANCELLED = "v", "u", "c"
_LIST_VERDICT = {None: LIST_VALID, Result.UNPAID: LIST_UNPAID, Result.CANCELLED: LIST_CANCELLED}


def secret_hash(secret: str) -> str:
    """The offline door list's key for a secret: hex SHA-256 of the normalised code."""
    return hashlib.sha256(secret.encode()).hexdigest()


def list_verdict(ticket_status: str, order_status: str) -> str:
    """A ticket's letter in the offline door list, by ``door.admission.standing``."""
    return _LIST_VERDICT[standing(ticket_status=ticket_status, order_status=order_status)]


def door_counts(*, festival, day: date) -> dict:
    """Arrivals on ``day`` per door and in total, against the tickets valid that day."""
    per_door = (
        CheckIn.objects.filter(festival=festival, day=day, result=Result.ADMITTED, undone_at__isnull=True)
        .values("door")
        .annotate(arrivals=Count("id"))
        .order_by("door")
    )
    doors = {row["door"]: row["arrivals"] for row in per_door}
    expected = 0
    if festival.start_date <= day <= festival.end_date:
        expected = Ticket.objects.filter(
            ticket_type__in=festival.ticket_types.admissible_on(day),
            status=Ticket.Status.VALID,
            order__status=Order.Status.PAID,
        ).count()
    return {"day": day.isoformat(), "doors": doors, "arrivals": sum(doors.values()), "expected": expected}


def search_tickets(*, festival, query: str, limit: int = 20, now: datetime | None = None) -> list[Ticket]:
    """Tickets of the edition by attendee name (part of it) or exact order code, each with
    ``in_today`` (admitted today, not undone) and ``refused`` (why it gets in on no day at all,
    ``door.admission.standing``, or None), so the door offers "Check in" only where it can work."""
    query = " ".join((query or "").split())[:100]
    if len(query) < 2:
        return []
    tickets = Ticket.objects.select_related("order", "ticket_type").filter(ticket_type__festival=festival)
    found = list(
        tickets.filter(Q(attendee_name__icontains=query) | Q(order__code__iexact=query)).order_by("attendee_name")[
            :limit
        ]
    )
    if not found:
        return found
    day = festival_day(festival, now or timezone.now())
    inside = set(
        CheckIn.objects.filter(
            festival=festival, day=day, result=Result.ADMITTED, undone_at__isnull=True, ticket__in=found
        ).values_list("ticket_id", flat=True)
    )
    for ticket in found:
        ticket.in_today = ticket.pk in inside
        ticket.refused = standing(ticket_status=ticket.status, order_status=ticket.order.status)
    return found


def door_list(*, festival, since: datetime | None = None, now: datetime | None = None) -> dict:
    """The offline door list: hashed secret → name, type, verdict, admitted today; or the changes since a cursor.

    The changes are the tickets edited, paid, refunded or reissued since the cursor, and
    those scanned or whose admission was undone since: each sent whole, with whether it is
    in today, so an undo on one door reaches the others' lists. Each type comes with the
    days it admits on (``door.admission.admitting_days``).
    """
    now = now or timezone.now()
    day = festival_day(festival, now)
    tickets = Ticket.objects.filter(ticket_type__festival=festival)
    admitted = CheckIn.objects.filter(festival=festival, day=day, result=Result.ADMITTED, undone_at__isnull=True)
    removed: list[str] = []
    if since is not None:
        # New scans, and admissions undone since (an undo edits a row; keeping an earlier
        # offline admission inserts one, so its created_at already counts).
        changed_ids = set(
            CheckIn.objects.filter(festival=festival)
            .filter(Q(created_at__gt=since) | Q(undone_at__gt=since))
            .values_list("ticket_id", flat=True)
        )
        tickets = tickets.filter(Q(updated_at__gt=since) | Q(order__updated_at__gt=since) | Q(pk__in=changed_ids))
        removed = [
            secret_hash(s)
            for s in RetiredSecret.objects.filter(
                ticket__ticket_type__festival=festival, retired_at__gt=since
            ).values_list("secret", flat=True)
        ]
        admitted = admitted.filter(ticket_id__in=tickets.values("pk"))
    admitted_ids = set(admitted.values_list("ticket_id", flat=True))
    rows = tickets.values_list("pk", "secret", "attendee_name", "ticket_type_id", "status", "order__status")
    entries = [
        [secret_hash(secret), name, type_id, list_verdict(status, order_status), 1 if pk in admitted_ids else 0]
        for pk, secret, name, type_id, status, order_status in rows
    ]
    types = {
        str(tt.pk): {"name": tt.name, "days": admitting_days(festival, tt.valid_days)}
        for tt in festival.ticket_types.all()
    }
    # A little overlap, so a change committed while this list was being read is sent again next time.
    cursor = now - timedelta(seconds=5)
    return {
        "festival": festival.pk,
        "day": day.isoformat(),
        "cursor": cursor.isoformat(),
        "full": since is None,
        "types": types,
        "tickets": entries,
        "removed": removed,
    }


def double_admissions(*, festival) -> list[CheckIn]:
    """Scans where a door showed "admitted" but the ticket had already got in that day."""
    return list(
        CheckIn.objects.filter(festival=festival, shown_result=Result.ADMITTED)
        .exclude(result=Result.ADMITTED)
        .select_related("ticket__ticket_type", "staff")
        .order_by("-scanned_at")[:200]
    )
