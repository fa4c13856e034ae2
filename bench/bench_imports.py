#!/usr/bin/env python
"""Imports: 10,000 complimentary tickets (attendee rows) and 1,000 sessions from CSV, each previewed (the
dry run) and then committed, through the admin's own service (``imports.services.run``).

Builds an edition in a throwaway SQLite database (BENCH_DATABASE_URL for another). Confirmations are
queued as in production (the database task queue, not the tests' immediate backend, which would draw
every badge in the request; Wagtail's search and reference index updates are queued the same way).
Targets: each step under 30 s. The process's peak memory (maxrss) is
reported after each import, with the SQL queries each step took.
"""

import csv
import io
import os
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import salesdata  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from report import report  # noqa: E402

from festival.demo import upsert_child  # noqa: E402
from imports.services.run import run_import  # noqa: E402
from programme.models import ProgrammePage, SessionFormat, SessionPage, Stage  # noqa: E402
from speakers.models import SpeakerIndexPage  # noqa: E402
from tests.ticketing.factories import UserFactory  # noqa: E402
from ticketing.models import Order, TicketType  # noqa: E402

ATTENDEES = 10_000
SESSIONS = 1_000
SPEAKERS = 200
STAGES = 20
QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def timed(kind, festival, content, user, *, commit, publish=False):
    """Seconds and SQL queries (counted as they run: Django's query log keeps only the last 9,000)."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        begun = time.perf_counter()
        result = run_import(kind, festival=festival, content=content, filename=f"{kind}.csv", user=user,
                            publish=publish, commit=commit)  # fmt: skip
        seconds = time.perf_counter() - begun
    if not result.ok or result.committed != commit:
        raise SystemExit(f"{kind} import failed: {result.problems} {[r.messages for r in result.bad_rows[:5]]}")
    return round(seconds, 2), len(queries)


@override_settings(TASKS=QUEUE)
def main() -> int:
    started = time.perf_counter()
    salesdata.migrate()
    festival = salesdata.edition("bench-imports", "Festival Import Bench")
    user = UserFactory(username="bench-organiser", is_superuser=True)
    TicketType.objects.create(festival=festival, name="Volunteer", price=0, capacity=ATTENDEES, is_complimentary=True)
    upsert_child(festival, ProgrammePage, slug="programme", title="Programme")
    upsert_child(festival, SpeakerIndexPage, slug="speakers", title="Speakers")
    Stage.objects.bulk_create(
        Stage(edition=festival, name=f"Room {n}", slug=f"room-{n}", sort_order=n) for n in range(STAGES)
    )
    SessionFormat.objects.create(edition=festival, name="Talk", slug="talk")
    ok = True

    attendees = csv_bytes([["name", "email", "ticket_type", "pronouns"]]
                          + [[f"Volunteer {n}", f"v{n}@example.org", "Volunteer", "they/them" if n % 3 else ""]
                             for n in range(ATTENDEES)])  # fmt: skip
    print(f"set up in {time.perf_counter() - started:.1f} s", flush=True)
    seconds, queries = timed("complimentary", festival, attendees, user, commit=False)
    ok &= report(f"import {ATTENDEES} attendees (complimentary tickets): dry run", seconds, "s", "<", 30)
    report(f"import {ATTENDEES} attendees: dry run queries", queries, "queries", "<=", 10)
    seconds, queries = timed("complimentary", festival, attendees, user, commit=True)
    ok &= report(f"import {ATTENDEES} attendees (complimentary tickets): commit", seconds, "s", "<", 30)
    report(f"import {ATTENDEES} attendees: commit queries per row", round(queries / ATTENDEES, 3), "queries", "<=", 0.1)
    assert Order.objects.filter(festival=festival).count() == ATTENDEES
    report(f"import {ATTENDEES} attendees: peak memory (maxrss)", peak_mb(), "MB", "<=", 512)

    speakers = csv_bytes([["name", "slug"]] + [[f"Speaker {n}", f"speaker-{n}"] for n in range(SPEAKERS)])
    seconds, _ = timed("speakers", festival, speakers, user, commit=True)
    print(f"({SPEAKERS} speakers imported in {seconds} s)", flush=True)
    day0 = datetime.combine(festival.start_date, datetime.min.time())
    rows = [["title", "slug", "start", "end", "stage", "format", "speakers"]]
    for n in range(SESSIONS):
        day, rest = divmod(n, STAGES * 17)
        hour, stage = divmod(rest, STAGES)
        start = day0 + timedelta(days=day, hours=6 + hour)
        rows.append([f"Session {n}", f"session-{n}", f"{start:%Y-%m-%d %H:%M}",
                     f"{start + timedelta(minutes=50):%Y-%m-%d %H:%M}", f"Room {stage}", "Talk",
                     f"speaker-{n % SPEAKERS}"])  # fmt: skip
    sessions = csv_bytes(rows)
    seconds, queries = timed("sessions", festival, sessions, user, commit=False)
    ok &= report(f"import {SESSIONS} sessions (drafts): dry run", seconds, "s", "<", 30)
    report(f"import {SESSIONS} sessions: dry run queries per row", round(queries / SESSIONS, 1), "queries", "<=", 25)
    seconds, queries = timed("sessions", festival, sessions, user, commit=True)
    ok &= report(f"import {SESSIONS} sessions (drafts): commit", seconds, "s", "<", 30)
    assert SessionPage.objects.count() == SESSIONS
    report(f"import {SESSIONS} sessions: peak memory (maxrss)", peak_mb(), "MB", "<=", 512)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"({connection.vendor}, load average {load}, total run {time.perf_counter() - started:.0f} s)", flush=True)
    salesdata.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
