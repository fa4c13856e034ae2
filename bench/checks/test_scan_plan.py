"""How the database runs a scan's lookup: it finds the ticket's admission for the day by
the ticket, however many people are already in.

The planner judges a day's admissions by its statistics, and those are always behind on
the morning of a festival day: they were gathered when today had no admissions. With
such statistics a plain join read every admission of the day for each scan and kept the
ticket's one, so each scan grew slower as the hall filled.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from door.checkin import check_in
from ticketing.models import CheckIn

pytestmark = pytest.mark.django_db

ADMITTED_ALREADY = 120


def scan(festival, staff, code, nonce):
    return check_in(festival=festival, staff_id=staff.pk, door="Main gate", nonce=nonce, code=code)


def checkin_rows_read(sql: str, *, filtered_out: bool = False) -> int:
    """Rows of the check-in log that running ``sql`` kept (and, with ``filtered_out``, those it read and
    dropped), from PostgreSQL's EXPLAIN ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node):
        own = 0
        if node.get("Relation Name") == CheckIn._meta.db_table:
            dropped = node.get("Rows Removed by Filter", 0) if filtered_out else 0
            own = (node["Actual Rows"] + dropped) * node["Actual Loops"]
        return own + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan[0]["Plan"])


def sqlite_plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def test_a_scan_reads_only_its_own_tickets_admission_however_many_are_in(live_festival, door_staff, make_ticket):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # statistics from before today's first admission
            cursor.execute(f"ANALYZE {CheckIn._meta.db_table}")
    tickets = [make_ticket() for _ in range(ADMITTED_ALREADY + 1)]
    for n, ticket in enumerate(tickets):
        assert scan(live_festival, door_staff, ticket.secret, f"in-{n}").result == "admitted"

    with CaptureQueriesContext(connection) as queries:
        repeat = scan(live_festival, door_staff, tickets[-1].secret, "again")

    assert repeat.result == "already_checked_in"
    lookup = next(q["sql"] for q in queries.captured_queries if "ticketing_retiredsecret" in q["sql"])
    if connection.vendor == "postgresql":
        assert checkin_rows_read(lookup) == 1
    else:
        steps = [step for step in sqlite_plan(lookup) if " c " in f" {step} " or step.endswith(" c")]
        assert steps and all("ticket_id=?" in step for step in steps), steps


def test_an_unknown_code_reads_none_of_the_log_even_on_a_plan_made_when_the_log_was_empty(
    live_festival, door_staff, make_ticket
):
    """A connection keeps the plan of a statement it runs often. Made while the log was empty,
    that plan may read the log from end to end (on so small a table, the cheapest way); a code
    no ticket holds has no admission to look for, so it must not read the log at all."""
    from django.utils import timezone

    from door.lookup import lookup_sql

    sql = lookup_sql(connection.vendor, "t.secret = %s")
    day = connection.ops.adapt_datefield_value(timezone.localdate())
    if connection.vendor == "postgresql":
        numbered = sql.replace("%s", "{}").format(*(f"${n}" for n in range(1, sql.count("%s") + 1)))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {CheckIn._meta.db_table}")  # statistics of an empty log
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            cursor.execute(f"PREPARE door_lookup (text, text, date) AS {numbered}")
            cursor.execute(execute("A" * 28, day))  # the plan is made now
        for n in range(ADMITTED_ALREADY):
            assert scan(live_festival, door_staff, make_ticket().secret, f"in-{n}").result == "admitted"

        read = checkin_rows_read(execute("B" * 28, day), filtered_out=True)

        assert read == 0
    else:  # SQLite plans every statement afresh, by the ticket's index of admissions
        written = sql.replace("%s", "{}").format(f"'{'B' * 28}'", f"'{'B' * 28}'", f"'{day}'")
        steps = [step for step in sqlite_plan(written) if " c " in f" {step} " or step.endswith(" c")]
        assert steps and all("ticket_id=?" in step for step in steps), steps


def execute(secret: str, day) -> str:
    """EXECUTE takes no bound parameters: the test's own constants are written in."""
    assert secret.isalnum()
    return f"EXECUTE door_lookup('{secret}', '{secret}', '{day}')"
