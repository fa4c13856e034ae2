#!/usr/bin/env python
"""Programme benchmark: a large edition (3 days, 10 stages, 300 sessions, 200 speakers).

Builds the edition in a throwaway SQLite database (test settings: local-memory cache, tasks run at
once), then measures, with Django's test Client, the SQL queries and the median and p95 server
time over 60 requests each, for the programme page, a session page, a speaker page and
schedule.json, uncached (the cache generation is moved on before every request) and cached.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="bench-programme-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "festival.settings.test"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from datetime import date, datetime, timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from wagtail.models import Page  # noqa: E402

from bench.report import report  # noqa: E402
from festival.demo import placeholder_image, seed_site, upsert_child  # noqa: E402
from festival.models import FestivalPage  # noqa: E402
from programme import caching  # noqa: E402
from programme.models import ProgrammePage, SessionFormat, SessionPage, SessionSpeaker, Stage, Track  # noqa: E402
from speakers.models import SpeakerIndexPage, SpeakerPage  # noqa: E402

REQUESTS = 60
DAYS, STAGES, SLOTS_PER_DAY, SPEAKERS = 3, 10, 10, 200


def add_draft(parent, page):
    """Add a page without Wagtail's full validation (the slow part); build() makes them live at once."""
    page.live = False
    parent.add_child(instance=page)
    return page


def build():
    started = time.perf_counter()
    home = seed_site()
    festival = upsert_child(
        home,
        FestivalPage,
        slug="2026",
        title="Festival of Resistance 2026",
        start_date=date(2026, 10, 16),
        end_date=date(2026, 10, 18),
        venue_name="Northern Co-operative Hall",
        time_zone="Europe/London",
    )
    on = {"edition": festival}
    stages = [
        Stage.objects.create(**on, name=f"Stage {n + 1}", slug=f"stage-{n + 1}", sort_order=n) for n in range(STAGES)
    ]
    tracks = [Track.objects.create(**on, name=f"Track {n + 1}", slug=f"track-{n + 1}", sort_order=n) for n in range(6)]
    formats = [SessionFormat.objects.create(**on, name=name, slug=name.lower(), sort_order=n) for n, name in enumerate(
        ["Talk", "Panel", "Workshop", "Film", "Assembly", "Social"]
    )]  # fmt: skip
    index = upsert_child(festival, SpeakerIndexPage, slug="speakers", title="Speakers")
    speakers = []
    for n in range(SPEAKERS):
        photo = placeholder_image(f"Bench speaker {n}", size=(96, 96), initials=f"S{n}") if n % 4 else None
        speakers.append(
            add_draft(
                index,
                SpeakerPage(
                    title=f"Speaker {n:03d}",
                    slug=f"speaker-{n:03d}",
                    organisation="Campaign group",
                    short_bio="Organiser.",
                    photo=photo,
                ),
            )
        )
    programme = add_draft(festival, ProgrammePage(title="Programme", slug="programme"))
    tz = festival.tz
    count = 0
    for day in range(DAYS):
        for slot in range(SLOTS_PER_DAY):
            start = datetime(2026, 10, 16 + day, 9, 0, tzinfo=tz) + timedelta(hours=slot)
            for stage_number, stage in enumerate(stages):
                # Each speaker is in one place per slot: 10 stages x up to 3 speakers from a rotating window.
                first = (slot * 30 + stage_number * 3 + day * 7) % SPEAKERS
                chosen = [speakers[(first + k) % SPEAKERS] for k in range(1 + count % 3)]
                session = SessionPage(
                    title=f"Session {count:03d}: organising for the long haul",
                    slug=f"session-{count:03d}",
                    summary="What we learned, and what we would do differently.",
                    description="<p>Bring your questions.</p>",
                    stage=stage,
                    track=tracks[count % len(tracks)],
                    session_format=formats[count % len(formats)],
                    start=start,
                    end=start + timedelta(minutes=45),
                    bsl=stage_number == 0,
                    captions=stage_number < 3,
                )
                session.speaker_links = [
                    SessionSpeaker(speaker=speaker, role=SessionSpeaker.Role.SPEAKER, sort_order=k)
                    for k, speaker in enumerate(chosen)
                ]
                add_draft(programme, session)
                count += 1
    Page.objects.filter(depth__gt=festival.depth, path__startswith=festival.path).update(live=True)
    programme = ProgrammePage.objects.get(pk=programme.pk)
    programme.save_revision().publish()
    print(
        f"built {SessionPage.objects.count()} sessions, {SpeakerPage.objects.count()} speakers, {STAGES} stages, "
        f"{DAYS} days in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return programme


def measure(client, url, *, cached: bool):
    """Query count of one request, then median and p95 milliseconds over REQUESTS requests."""
    caching.invalidate()
    client.get(url)  # warm: renditions, template loading
    if not cached:
        caching.invalidate()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(REQUESTS):
        if not cached:
            caching.invalidate()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    return len(queries), statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    started = time.perf_counter()
    setup_test_environment()
    # As Django's test runner does: keep one connection instead of reconnecting around every request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    call_command("migrate", verbosity=0)
    programme = build()
    client = Client()
    session = SessionPage.objects.order_by("path")[150]
    speaker = SpeakerPage.objects.order_by("path")[5]  # has a photo and sessions
    pages = {
        "programme page": programme.url,
        "session page": session.url,
        "speaker page": speaker.url,
        "schedule.json": programme.url + "schedule.json",
    }
    ok = True
    for label, url in pages.items():
        for cached in (False, True):
            queries, median, p95 = measure(client, url, cached=cached)
            kind = "cached" if cached else "uncached"
            if not cached:
                ok &= report(f"programme {label} queries (300 sessions)", queries, "queries", "<=", 15)
            target = 5 if cached else 60
            ok &= report(f"programme {label} {kind} median", round(median, 2), "ms", "<=", target)
            report(f"programme {label} {kind} p95", round(p95, 2), "ms", "<=", target * 2)  # a guide: no target
    print(f"(SQLite, {REQUESTS} requests each, total run {time.perf_counter() - started:.0f} s)", flush=True)
    shutil.rmtree(WORKDIR, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
