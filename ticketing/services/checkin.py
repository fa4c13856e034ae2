"""The door: decide whether a scanned badge gets in, log every scan, and feed offline doors.

Admission is decided by one guarded insert: the partial unique constraint
``check_in_one_admission_per_ticket_and_day`` lets only one live admission per ticket and
day exist, and ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` tells us whether ours was
it. Two doors scanning the same badge at the same moment therefore admit it once, on
SQLite and PostgreSQL alike. The scanner's nonce (unique per staff member) makes a
retried request return the first answer and record nothing new.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketing.codes import ALPHABET, SECRET_LENGTH, normalise_code
from ticketing.models import CheckIn, Order, RetiredSecret, Ticket

Result = CheckIn.Result
MAX_CODE_CHARS = 200  # anything longer is junk, not a badge
MAX_DOOR_CHARS = 60
MAX_NONCE_CHARS = 64
# An offline door uploads as soon as it is back online; a scan older than this is a wrong
# clock or a stale device, and would land on a festival day long gone.
MAX_OFFLINE_AGE = timedelta(hours=24)
ADMISSION_ATTEMPTS = 5  # re-reads of a live admission that other doors keep changing
_ALPHABET = frozenset(ALPHABET)

# Status letters in the offline door list: valid, unpaid, cancelled (or refunded).
LIST_VALID, LIST_UNPAID, LIST_CANCELLED = "v", "u", "c"


class CheckInError(Exception):
    """A scan request that cannot be decided at all, with a stable ``code``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DoorTicket:
    """What the door needs to know about a ticket, read in one query."""

    pk: int
    status: str
    attendee_name: str
    pronouns: str
    order_status: str
    order_code: str
    ticket_type_name: str
    valid_days: list
    festival_id: int

    def admits_on(self, day: date) -> bool:
        return not self.valid_days or day.isoformat() in self.valid_days


_DOOR_TICKET_SQL = (
    "SELECT t.id, t.status, t.attendee_name, t.pronouns, o.status, o.code, tt.name, tt.valid_days, tt.festival_id "
    "FROM ticketing_ticket t JOIN ticketing_order o ON o.id = t.order_id "
    "JOIN ticketing_tickettype tt ON tt.id = t.ticket_type_id WHERE "
)


def door_ticket(*, secret: str | None = None, ticket_id: int | None = None) -> DoorTicket | None:
    """One ticket by secret or id, with its order's status and its type, in a single query."""
    where, param = ("t.secret = %s", secret) if secret is not None else ("t.id = %s", ticket_id)
    with connection.cursor() as cursor:
        cursor.execute(_DOOR_TICKET_SQL + where, [param])
        row = cursor.fetchone()
    if row is None:
        return None
    days = row[7]
    if isinstance(days, str | bytes):
        days = json.loads(days)
    return DoorTicket(*row[:7], days or [], row[8])


@dataclass
class ScanOutcome:
    """The answer shown at the door."""

    result: str
    ticket: DoorTicket | None = None
    check_in_id: int | None = None
    previous: dict | None = None  # for already_checked_in: when, door, by whom
    reason: str = ""  # e.g. "replaced" or "other_edition" for unknown codes
    replayed: bool = False
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = {
            "result": self.result,
            "message": str(MESSAGES[self.result]),
            "check_in": self.check_in_id,
            "replayed": self.replayed,
            "reason": self.reason,
            "ticket": None,
            "previous": self.previous,
        }
        if self.ticket is not None:
            data["ticket"] = {
                "id": self.ticket.pk,
                "name": self.ticket.attendee_name,
                "pronouns": self.ticket.pronouns,
                "ticket_type": self.ticket.ticket_type_name,
                "order": self.ticket.order_code,
                "status": self.ticket.status,
            }
        return data


MESSAGES = {  # lazy, so each request gets its own language
    Result.ADMITTED: gettext_lazy("Welcome in"),
    Result.ALREADY_CHECKED_IN: gettext_lazy("Already checked in"),
    Result.UNPAID: gettext_lazy("Not paid"),
    Result.CANCELLED: gettext_lazy("Cancelled or refunded"),
    Result.NOT_VALID_TODAY: gettext_lazy("Not valid today"),
    Result.UNKNOWN_CODE: gettext_lazy("Unknown code"),
}


def festival_day(festival, moment: datetime) -> date:
    """The calendar date of ``moment`` in the edition's time zone."""
    return timezone.localtime(moment, festival.tz).date()


def clean_code(raw) -> str:
    """What was scanned, normalised; anything not shaped like a secret comes back as it is, cut short."""
    if not isinstance(raw, str):
        return ""
    code = normalise_code(raw[:MAX_CODE_CHARS])
    if code.isprintable():  # as every badge is
        return code
    # Control characters and NULs (binary junk) become "?", so the log can always store what came in.
    return "".join(c if c.isprintable() else "?" for c in code)


def looks_like_secret(code: str) -> bool:
    return len(code) == SECRET_LENGTH and all(c in _ALPHABET for c in code)


def secret_hash(secret: str) -> str:
    """The offline door list's key for a secret: hex SHA-256 of the normalised code."""
    return hashlib.sha256(secret.encode()).hexdigest()


_LOG_COLUMNS = (
    "festival_id, ticket_id, code, result, day, door, staff_id, nonce, scanned_at, created_at, offline, shown_result"
)


def _log_values(
    *, festival_id, ticket_id, code, result, day, door, staff_id, nonce, scanned_at, offline, shown
) -> list:
    """One scan's log row as parameters, in the order of ``_LOG_COLUMNS``."""
    ops = connection.ops
    return [
        festival_id,
        ticket_id,
        code[:64],
        result,
        ops.adapt_datefield_value(day),
        door,
        staff_id,
        nonce,
        ops.adapt_datetimefield_value(scanned_at),
        ops.adapt_datetimefield_value(timezone.now()),
        offline,
        shown,
    ]


def _insert(**row) -> int | None:
    """One guarded insert; the new row's id, or None when a unique constraint refused it."""
    table = connection.ops.quote_name(CheckIn._meta.db_table)
    # The table name is ours; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({_LOG_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _log_values(**row))
        new = cursor.fetchone()
    return new[0] if new else None


@dataclass(frozen=True)
class Admission:
    """The live admission of a ticket on a day, and who let them in."""

    pk: int
    scanned_at: datetime
    door: str
    offline: bool
    staff_id: int
    nonce: str
    staff_name: str


def _admission(ticket_id: int, day: date) -> Admission | None:
    users = get_user_model()._meta.db_table
    sql = (
        "SELECT c.id, c.scanned_at, c.door, c.offline, c.staff_id, c.nonce, u.first_name, u.last_name, u.username "  # noqa: S608
        f"FROM ticketing_checkin c JOIN {connection.ops.quote_name(users)} u ON u.id = c.staff_id "
        f"WHERE c.ticket_id = %s AND c.day = %s AND c.result = '{Result.ADMITTED}' AND c.undone_at IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ticket_id, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return None if row is None else _admission_from(row)


def _admission_from(row) -> Admission:
    """An Admission from (id, scanned_at, door, offline, staff_id, nonce, first_name, last_name, username)."""
    scanned_at = row[1]
    if isinstance(scanned_at, str):  # SQLite hands back text
        scanned_at = parse_datetime(scanned_at)
    if timezone.is_naive(scanned_at):
        scanned_at = timezone.make_aware(scanned_at, UTC)
    name = f"{row[6]} {row[7]}".strip() or row[8]
    return Admission(row[0], scanned_at, row[2], bool(row[3]), row[4], row[5], name)


def _previous(admission: Admission | None) -> dict | None:
    if admission is None:
        return None
    return {
        "at": admission.scanned_at.isoformat(),
        "door": admission.door,
        "by": admission.staff_name,
        "offline": admission.offline,
    }


def _replay(*, staff_id: int, nonce: str, code: str, ticket_id: int | None) -> ScanOutcome:
    """The first answer to a nonce already used by this staff member."""
    first = CheckIn.objects.get(staff_id=staff_id, nonce=nonce)
    if first.ticket_id != ticket_id or (ticket_id is None and first.code != code[:64]):
        raise CheckInError("nonce_reused", _("This scan's nonce was already used for another code."))
    previous = None
    if first.result == Result.ALREADY_CHECKED_IN:
        previous = _previous(_admission(first.ticket_id, first.day))
    ticket = door_ticket(ticket_id=first.ticket_id) if first.ticket_id else None
    return ScanOutcome(first.result, ticket, first.pk, previous=previous, replayed=True)


@dataclass(frozen=True)
class Lookup:
    """Everything a scan needs to know, read in one query: the ticket, its live admission that day, and
    whether the code is a secret that a reissue retired."""

    ticket: DoorTicket | None = None
    admission: Admission | None = None
    replaced: bool = False
    # On PostgreSQL an online scan of a secret nobody holds is logged by the lookup itself:
    # ``logged`` says so, and ``logged_id`` is the new row (None when the nonce was used).
    logged: bool = False
    logged_id: int | None = None


@cache
def _lookup_sql(vendor: str, ticket: str) -> str:
    """The lookup for one database and one way of naming the ticket, built once per process."""
    users = connection.ops.quote_name(get_user_model()._meta.db_table)
    return (
        "SELECT t.id AS ticket_pk, t.status, t.attendee_name, t.pronouns, o.status, o.code, tt.name, tt.valid_days, "  # noqa: S608
        "tt.festival_id, c.id, c.scanned_at, c.door, c.offline, c.staff_id, c.nonce, u.first_name, u.last_name, "
        "u.username, (SELECT 1 FROM ticketing_retiredsecret r WHERE r.secret = %s) "
        "FROM (SELECT 1 AS one) q LEFT JOIN ticketing_ticket t ON {ticket} "
        "LEFT JOIN ticketing_order o ON o.id = t.order_id "
        "LEFT JOIN ticketing_tickettype tt ON tt.id = t.ticket_type_id "
        f"{_ADMISSION_JOIN[vendor == 'postgresql']} "
        f"LEFT JOIN {users} u ON u.id = c.staff_id"
    ).format(ticket=ticket)


# The ticket's live admission that day. The result is written into the SQL, not passed: a
# prepared (generic) plan can then use the partial unique index of live admissions, whose
# condition names it. A plain join leaves the way in to PostgreSQL's planner, and on a festival
# morning its statistics know of no admissions today: it then read every admission of the day
# and kept the ticket's one, so each scan grew slower as the hall filled. A LATERAL subquery
# with LIMIT (there is at most one row: the index is unique) is not merged into the join, so
# the index is always searched by the ticket and the day. SQLite's planner searches by both
# in any case, and it has no LATERAL. A connection keeps the plan of a statement it runs
# often, and one made while the log was nearly empty reads it from end to end (the cheapest
# way then): "t.id IS NOT NULL", which names no column of the log, makes PostgreSQL skip the
# subquery outright for a code that no ticket holds, whatever the plan.
_ADMITTED_TODAY = f"c.day = %s AND c.result = '{Result.ADMITTED}' AND c.undone_at IS NULL"
_ADMISSION_JOIN = {
    False: f"LEFT JOIN ticketing_checkin c ON c.ticket_id = t.id AND {_ADMITTED_TODAY}",
    True: "LEFT JOIN LATERAL (SELECT c.id, c.scanned_at, c.door, c.offline, c.staff_id, c.nonce "  # noqa: S608
    f"FROM ticketing_checkin c WHERE t.id IS NOT NULL AND c.ticket_id = t.id AND {_ADMITTED_TODAY} LIMIT 1) c ON TRUE",
}


@cache
def _lookup_and_log_sql() -> str:
    """PostgreSQL: the lookup by secret, and when no ticket has it the unknown-code log row, in one
    statement (a data-modifying WITH). A stranger's QR code, or a badge secret typed wrong, then
    costs one round trip instead of two."""
    table = connection.ops.quote_name(CheckIn._meta.db_table)
    return (
        f"WITH found AS ({_lookup_sql('postgresql', 't.secret = %s')}), logged AS ("  # noqa: S608
        f"INSERT INTO {table} ({_LOG_COLUMNS}) SELECT %s, %s::bigint, %s, %s, %s::date, %s, %s, %s, "
        "%s::timestamptz, %s::timestamptz, %s, %s FROM found WHERE found.ticket_pk IS NULL "
        "ON CONFLICT DO NOTHING RETURNING id) "
        "SELECT found.*, (SELECT id FROM logged) FROM found"
    )


def _lookup(code: str, ticket_id: int | None, day: date, unknown_row: dict | None = None) -> Lookup:
    """The ticket scanned (by number or secret) with its admission on ``day``; no query for junk codes.

    With ``unknown_row`` (an online scan's log row) on PostgreSQL, a secret that no ticket has
    is logged as an unknown code by the same statement."""
    if ticket_id is not None:
        where, secret, param = "t.id = %s", None, ticket_id
    elif looks_like_secret(code):
        where, secret, param = "t.secret = %s", code, code
    else:
        return Lookup()
    params = [secret, param, connection.ops.adapt_datefield_value(day)]
    log = unknown_row is not None and secret is not None and connection.vendor == "postgresql"
    if log:
        sql = _lookup_and_log_sql()
        params += _log_values(**unknown_row, result=Result.UNKNOWN_CODE, shown="")
    else:
        sql = _lookup_sql(connection.vendor, where)
    with connection.cursor() as cursor:
        # At most one row: the partial unique index allows one live admission per ticket and day.
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row[0] is None:
        return Lookup(replaced=row[18] is not None, logged=log, logged_id=row[19] if log else None)
    days = row[7]
    if isinstance(days, str | bytes):
        days = json.loads(days)
    ticket = DoorTicket(*row[:7], days or [], row[8])
    return Lookup(ticket, _admission_from(row[9:18]) if row[9] is not None else None)


def _refusal(ticket: DoorTicket, festival, day: date) -> str | None:
    if ticket.status in (Ticket.Status.CANCELLED, Ticket.Status.REFUNDED) or ticket.order_status in (
        Order.Status.CANCELLED,
        Order.Status.REFUNDED,
    ):
        return Result.CANCELLED
    if ticket.status != Ticket.Status.VALID or ticket.order_status != Order.Status.PAID:
        return Result.UNPAID
    if not (festival.start_date <= day <= festival.end_date) or not ticket.admits_on(day):
        return Result.NOT_VALID_TODAY
    return None


def check_in(
    *,
    festival,
    staff_id: int,
    door: str,
    nonce: str,
    code: str = "",
    ticket_id: int | None = None,
    scanned_at: datetime | None = None,
    offline: bool = False,
    shown_result: str = "",
) -> ScanOutcome:
    """Decide and log one scan; raises CheckInError('bad_door' | 'bad_nonce' | 'bad_shown_result' | 'too_old' |
    'nonce_reused').

    An online scan is decided here and the door shows our answer. An offline scan was
    decided by the door from its door list, and ``shown_result`` says what it showed: we
    log what the door did. A scan the door refused is never recorded as an admission (it
    is logged with the server's refusal if there is one, else with the door's); a scan
    the door admitted is an admission unless the ticket had already got in that day
    earlier (then it is a double admission), and the earliest admission counts.

    ``scanned_at`` (an offline scan's time on the door's clock) may be up to
    ``MAX_OFFLINE_AGE`` (24 hours) old: an older scan is refused with ``too_old`` and not
    logged. A time in the future is taken as now (a door clock running a little fast).
    """
    door = (door or "").strip()
    if not door or len(door) > MAX_DOOR_CHARS or not door.isprintable():
        raise CheckInError("bad_door", _("Say which door this is (up to 60 characters)."))
    if not isinstance(nonce, str) or not nonce or len(nonce) > MAX_NONCE_CHARS or not nonce.isprintable():
        raise CheckInError("bad_nonce", _("Each scan needs a nonce of up to 64 printable characters."))
    if offline and shown_result not in Result.values:
        raise CheckInError("bad_shown_result", _("Say what the door showed for each offline scan."))
    code = clean_code(code)
    now = timezone.now()
    scanned_at = min(scanned_at or now, now)
    if scanned_at < now - MAX_OFFLINE_AGE:
        raise CheckInError("too_old", _("This scan is more than 24 hours old, so it was not recorded."))
    day = festival_day(festival, scanned_at)
    shown = shown_result if offline else ""  # online, the door shows our answer
    row = {
        "festival_id": festival.pk,
        "ticket_id": None,
        "code": code or (f"ticket:{ticket_id}" if ticket_id else ""),
        "day": day,
        "door": door,
        "staff_id": staff_id,
        "nonce": nonce,
        "scanned_at": scanned_at,
        "offline": offline,
    }
    found = _lookup(code, ticket_id, day, unknown_row=None if offline else row)
    ticket, reason = found.ticket, "replaced" if found.replaced else ""
    if found.logged:  # an unknown code, already logged by the lookup
        if found.logged_id is None:  # the nonce was used already: a retry
            return _replay_row(row)
        return ScanOutcome(Result.UNKNOWN_CODE, None, found.logged_id, reason=reason)
    if ticket is not None and ticket.festival_id != festival.pk:
        ticket, reason = None, "other_edition"
    row["ticket_id"] = ticket.pk if ticket else None
    result = Result.UNKNOWN_CODE if ticket is None else (_refusal(ticket, festival, day) or Result.ADMITTED)
    if result == Result.ADMITTED and offline and shown != Result.ADMITTED:
        return _offline_refusal(row=row, ticket=ticket, shown=shown, reason=reason)
    if result == Result.ADMITTED and not offline and found.admission is not None:
        # An online repeat: the ticket is already in today. Refusing it needs no guard (it
        # admits no one), so it is logged at once rather than after a failed admission.
        return _repeat(row=row, ticket=ticket, admission=found.admission, reason=reason)
    # The common cases are one INSERT statement, which is its own transaction: the guard
    # is the database's unique index, not anything read before it.
    new_id = _insert(**row, result=result, shown=shown if shown != result else "")
    if new_id is not None:
        return ScanOutcome(result, ticket, new_id, reason=reason)
    if result != Result.ADMITTED:  # only the nonce refuses a refusal: this is a retry
        return _replay_row(row)
    return _admission_taken(row=row, ticket=ticket, shown=shown, reason=reason)


def _repeat(*, row: dict, ticket: DoorTicket, admission: Admission, reason: str) -> ScanOutcome:
    """An online scan of a ticket already in that day: logged as already checked in (or a retry replayed)."""
    if admission.staff_id == row["staff_id"] and admission.nonce == row["nonce"]:
        return _replay_row(row)
    new_id = _insert(**row, result=Result.ALREADY_CHECKED_IN, shown="")
    if new_id is None:  # the nonce was used already: a retry of an earlier repeat scan
        return _replay_row(row)
    return ScanOutcome(Result.ALREADY_CHECKED_IN, ticket, new_id, previous=_previous(admission), reason=reason)


def _replay_row(row: dict) -> ScanOutcome:
    return _replay(staff_id=row["staff_id"], nonce=row["nonce"], code=row["code"], ticket_id=row["ticket_id"])


def _nonce_used(row: dict) -> bool:
    return CheckIn.objects.filter(staff_id=row["staff_id"], nonce=row["nonce"]).exists()


def _admission_taken(*, row: dict, ticket: DoorTicket, shown: str, reason: str) -> ScanOutcome:
    """Our admission was refused by the database: a retry, an earlier offline admission, or a repeat.

    Other doors may change the live admission while we look (an undo, another offline
    door's earlier admission), so each step re-reads it and tries again if it moved; the
    scan is logged whatever happens.
    """
    admission = None
    for _attempt in range(ADMISSION_ATTEMPTS):
        admission = _admission(ticket.pk, row["day"])
        if admission is None:  # undone or replaced since our insert, or our nonce was taken
            new_id = _insert(**row, result=Result.ADMITTED, shown=shown if shown != Result.ADMITTED else "")
            if new_id is not None:
                return ScanOutcome(Result.ADMITTED, ticket, new_id, reason=reason)
            if _nonce_used(row):
                return _replay_row(row)
            continue
        if admission.staff_id == row["staff_id"] and admission.nonce == row["nonce"]:
            return _replay_row(row)
        if not (row["offline"] and row["scanned_at"] < admission.scanned_at):
            break
        outcome = _keep_earliest(row=row, admission=admission, ticket=ticket, shown=shown)
        if outcome is not None:
            return outcome
        if _nonce_used(row):
            return _replay_row(row)
    # A later scan of a ticket already in (or, after repeated contention, at least logged):
    # not an admission; an offline door that showed "admitted" makes it a double admission.
    result = Result.ALREADY_CHECKED_IN
    new_id = _insert(**row, result=result, shown=shown if shown != result else "")
    if new_id is None:
        return _replay_row(row)
    return ScanOutcome(result, ticket, new_id, previous=_previous(admission), reason=reason)


def _offline_refusal(*, row: dict, ticket: DoorTicket, shown: str, reason: str) -> ScanOutcome:
    """A valid ticket an offline door turned away: logged as refused, never as an admission."""
    admission = _admission(ticket.pk, row["day"])
    # Someone let them in elsewhere: say so (the door's own answer is kept beside it).
    result = Result.ALREADY_CHECKED_IN if admission is not None else shown
    new_id = _insert(**row, result=result, shown=shown if shown != result else "")
    if new_id is None:
        return _replay_row(row)
    return ScanOutcome(result, ticket, new_id, previous=_previous(admission), reason=reason)


def _keep_earliest(*, row: dict, admission: Admission, ticket: DoorTicket, shown: str) -> ScanOutcome | None:
    """An offline admission earlier than the live one becomes the admission; None if the live one moved first.

    The live admission is locked and re-read in the transaction: if another door undid or
    replaced it meanwhile, nothing is changed and the caller looks again.
    """
    with transaction.atomic():
        locked = (
            CheckIn.objects.select_for_update()
            .filter(pk=admission.pk, result=Result.ADMITTED, undone_at__isnull=True)
            .first()
        )
        if locked is None:
            return None
        # The later admission is kept in the log as a second entry; the door did show "admitted".
        CheckIn.objects.filter(pk=locked.pk).update(
            result=Result.ALREADY_CHECKED_IN, shown_result=locked.shown_result or Result.ADMITTED
        )
        new_id = _insert(**row, result=Result.ADMITTED, shown=shown if shown != Result.ADMITTED else "")
        if new_id is None:  # our nonce was taken meanwhile (a retry of this very scan): undo the demotion
            transaction.set_rollback(True)
            return None
    return ScanOutcome(Result.ADMITTED, ticket, new_id)


def undo_admission(*, festival, staff_id: int, check_in_id: int) -> bool:
    """Undo one live admission scanned by this staff member; raises CheckInError('nothing_to_undo')."""
    with transaction.atomic():
        undone = CheckIn.objects.filter(
            pk=check_in_id,
            festival=festival,
            staff_id=staff_id,
            result=Result.ADMITTED,
            undone_at__isnull=True,
        ).update(undone_at=timezone.now())
    if not undone:
        raise CheckInError("nothing_to_undo", _("There is no admission of yours to undo."))
    return True


def valid_ticket_type_ids(festival, day: date) -> list[int]:
    return [tt.pk for tt in festival.ticket_types.all() if tt.admits_on(day)]


def door_counts(*, festival, day: date) -> dict:
    """Arrivals on ``day`` per door and in total, against the tickets valid that day."""
    per_door = (
        CheckIn.objects.filter(festival=festival, day=day, result=Result.ADMITTED, undone_at__isnull=True)
        .values("door")
        .annotate(arrivals=Count("id"))
        .order_by("door")
    )
    doors = {row["door"]: row["arrivals"] for row in per_door}
    type_ids = valid_ticket_type_ids(festival, day) if festival.start_date <= day <= festival.end_date else []
    expected = Ticket.objects.filter(
        ticket_type_id__in=type_ids, status=Ticket.Status.VALID, order__status=Order.Status.PAID
    ).count()
    return {"day": day.isoformat(), "doors": doors, "arrivals": sum(doors.values()), "expected": expected}


def search_tickets(*, festival, query: str, limit: int = 20) -> list[Ticket]:
    """Tickets of the edition by attendee name (part of it) or exact order code."""
    query = " ".join((query or "").split())[:100]
    if len(query) < 2:
        return []
    tickets = Ticket.objects.select_related("order", "ticket_type").filter(ticket_type__festival=festival)
    return list(
        tickets.filter(Q(attendee_name__icontains=query) | Q(order__code__iexact=query)).order_by("attendee_name")[
            :limit
        ]
    )


def _list_status(ticket_status: str, order_status: str) -> str:
    if ticket_status in (Ticket.Status.CANCELLED, Ticket.Status.REFUNDED) or order_status in (
        Order.Status.CANCELLED,
        Order.Status.REFUNDED,
    ):
        return LIST_CANCELLED
    if ticket_status == Ticket.Status.VALID and order_status == Order.Status.PAID:
        return LIST_VALID
    return LIST_UNPAID


def door_list(*, festival, since: datetime | None = None, now: datetime | None = None) -> dict:
    """The offline door list: hashed secret → name, type, status, admitted today; or the changes since a cursor.

    The changes are the tickets edited, paid, refunded or reissued since the cursor, and
    those scanned or whose admission was undone since: each sent whole, with whether it is
    in today, so an undo on one door reaches the others' lists.
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
        [secret_hash(secret), name, type_id, _list_status(status, order_status), 1 if pk in admitted_ids else 0]
        for pk, secret, name, type_id, status, order_status in rows
    ]
    types = {
        str(tt.pk): {"name": tt.name, "days": tt.valid_days or [d.isoformat() for d in festival.days]}
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
