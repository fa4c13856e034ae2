"""The door's hand-written SQL: a scan's lookup and its log row. This is the boundary's database
side: everything else at the door, and everywhere else in the project, uses the ORM.

A scan is one or two statements. The lookup reads the ticket, its order and type, its live
admission that day and whether the code is a retired secret in one query; the log row is one
guarded ``INSERT ... ON CONFLICT DO NOTHING RETURNING id``, which is its own transaction. The
partial unique constraint ``check_in_one_admission_per_ticket_and_day`` lets only one live
admission per ticket and day exist, so two doors scanning the same badge at once admit it
once, on SQLite and PostgreSQL alike. Through the ORM the same work took several queries and
a transaction per scan (see the bypass notes below for what each part buys).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ticketing.codes import looks_like_secret
from ticketing.models import CheckIn, TicketType

Result = CheckIn.Result


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
        """``TicketType.admits_on`` for the type's days as this lookup read them."""
        return TicketType.days_admit(self.valid_days, day)


def _days(raw) -> list:
    """A type's ``valid_days`` as the cursor hands them back (SQLite: JSON text)."""
    if isinstance(raw, str | bytes):
        raw = json.loads(raw)
    return raw or []


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
    return DoorTicket(*row[:7], _days(row[7]), row[8])


LOG_COLUMNS = (
    "festival_id, ticket_id, code, result, day, door, staff_id, nonce, scanned_at, created_at, offline, shown_result"
)


def log_values(*, festival_id, ticket_id, code, result, day, door, staff_id, nonce, scanned_at, offline, shown) -> list:
    """One scan's log row as parameters, in the order of ``LOG_COLUMNS``."""
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


def insert_scan(**row) -> int | None:
    """One guarded insert of a scan's log row; the new row's id, or None when a unique constraint refused it."""
    table = connection.ops.quote_name(CheckIn._meta.db_table)
    # Bypass: one INSERT ... ON CONFLICT in place of the ORM's savepoint, create and IntegrityError
    # (two to three round trips a scan). The table name is ours; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({LOG_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, log_values(**row))
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


def live_admission(ticket_id: int, day: date) -> Admission | None:
    """The ticket's live admission on ``day``, with the name of who let them in, or None."""
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
def lookup_sql(vendor: str, ticket: str) -> str:
    """The lookup for one database and one way of naming the ticket, built once per process."""
    users = connection.ops.quote_name(get_user_model()._meta.db_table)
    # Bypass: one statement in place of the ORM's three reads (ticket with order and type, the
    # day's admission with its staff member, the retired secrets), a round trip each.
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
        f"WITH found AS ({lookup_sql('postgresql', 't.secret = %s')}), logged AS ("  # noqa: S608
        f"INSERT INTO {table} ({LOG_COLUMNS}) SELECT %s, %s::bigint, %s, %s, %s::date, %s, %s, %s, "
        "%s::timestamptz, %s::timestamptz, %s, %s FROM found WHERE found.ticket_pk IS NULL "
        "ON CONFLICT DO NOTHING RETURNING id) "
        "SELECT found.*, (SELECT id FROM logged) FROM found"
    )


def lookup(code: str, ticket_id: int | None, day: date, unknown_row: dict | None = None) -> Lookup:
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
        params += log_values(**unknown_row, result=Result.UNKNOWN_CODE, shown="")
    else:
        sql = lookup_sql(connection.vendor, where)
    with connection.cursor() as cursor:
        # At most one row: the partial unique index allows one live admission per ticket and day.
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row[0] is None:
        return Lookup(replaced=row[18] is not None, logged=log, logged_id=row[19] if log else None)
    ticket = DoorTicket(*row[:7], _days(row[7]), row[8])
    return Lookup(ticket, _admission_from(row[9:18]) if row[9] is not None else None)
