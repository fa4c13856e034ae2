#!/usr/bin/env python
"""The organisers' review list of a call with 2,000 proposals and 6,000 reviews.

Builds the call in a throwaway SQLite database (BENCH_DATABASE_URL for another), signs in an
organiser, and measures with Django's test Client the whole admin page (every proposal by mean
score with its spread and number of reviews), uncached, over a few rounds: the median server time,
target under 300 ms. Its SQL queries are counted with a tenth of the proposals first and then with
all of them: the count must not grow.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import salesdata  # noqa: E402  (sets Django up)
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from report import report  # noqa: E402

from festival import roles  # noqa: E402
from programme.models import SessionFormat, Track  # noqa: E402
from proposals.models import Call, Criterion, Proposal, Proposer, Review  # noqa: E402
from tests.ticketing.factories import UserFactory  # noqa: E402

PROPOSALS, REVIEWS_EACH, REVIEWERS = 2000, 3, 12
ROUNDS = 9


def seed(call, *, start: int, count: int, formats, tracks, reviewers) -> None:
    """``count`` proposals from as many proposers, each with REVIEWS_EACH reviews."""
    proposers = Proposer.objects.bulk_create([Proposer(email=f"p{n}@example.org") for n in range(start, start + count)])
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                call=call,
                proposer=p,
                title=f"Proposal {n}",
                abstract="An abstract " * 20,
                group=f"Group {n % 40}",
                session_format=formats[n % len(formats)],
                track=tracks[n % len(tracks)],
                token=f"bench-{n}",
            )
            for n, p in enumerate(proposers, start=start)
        ],  # fmt: skip
        batch_size=500,
    )
    Review.objects.bulk_create(
        [
            Review(proposal=p, reviewer=reviewers[(n + k) % len(reviewers)], score=(n * 7 + k * 3) % 6)
            for n, p in enumerate(proposals)
            for k in range(REVIEWS_EACH)
        ],
        batch_size=1000,
    )


def measure(client, url) -> tuple[int, float, int]:
    """Queries of one request, the median milliseconds over ROUNDS, and the rows shown."""
    client.get(url)  # warm: templates, the menu, the site
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    rows = response.content.decode().count('href="/admin/proposals/')
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return len(queries), statistics.median(timings), rows


def main() -> int:
    started = time.perf_counter()
    setup_test_environment()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    salesdata.migrate()
    festival = salesdata.edition("bench-proposals", "Festival Proposals Bench")
    organiser = UserFactory(username="bench-organiser")
    organiser.groups.add(*[g for g in roles.sync_roles().values() if g.name == roles.ORGANISER])
    reviewers = [UserFactory(username=f"bench-reviewer-{n}") for n in range(REVIEWERS)]
    formats = [SessionFormat.objects.create(edition=festival, name=n, slug=n.lower()) for n in ("Talk", "Workshop")]
    tracks = [Track.objects.create(edition=festival, name=n, slug=n.lower()) for n in ("Climate", "Housing")]
    now = timezone.now()
    call = Call.objects.create(edition=festival, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
    Criterion.objects.create(call=call, name="Relevance")
    client = Client()
    client.force_login(organiser)
    url = reverse("proposals_index") + f"?call={call.pk}"

    seed(call, start=0, count=PROPOSALS // 10, formats=formats, tracks=tracks, reviewers=reviewers)
    small_queries, small_ms, small_rows = measure(client, url)
    print(f"with {small_rows} proposals: {small_queries} queries, median {small_ms:.1f} ms", flush=True)
    seed(call, start=PROPOSALS // 10, count=PROPOSALS - PROPOSALS // 10, formats=formats, tracks=tracks,
         reviewers=reviewers)  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
    queries, median, rows = measure(client, url)
    reviews = Review.objects.filter(proposal__call=call).count()
    ok = True
    ok &= report("proposals_review_list", round(median, 1), "ms", "<", 300)
    ok &= report(f"proposals_review_list queries ({rows} proposals, {reviews} reviews; {small_queries} with a tenth)",
                 queries, "queries", "==", small_queries)  # fmt: skip
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"({connection.vendor}, {ROUNDS} rounds, load average {load}, total run {time.perf_counter() - started:.0f} s)"
    )
    salesdata.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
