#!/usr/bin/env python
"""A vote of 3,000 people in the hall, cast from their phones within a minute.

On PostgreSQL with gunicorn at 2 workers (8 threads each) on production settings, serving the
ordinary site (festival.wsgi): 3,000 ticket holders checked in today, one yes/no vote opened by
the service (its electorate snapshot), then each voter opens their ballot link (GET, as a phone
does, for the page and its CSRF token) and casts (POST) at a time drawn so that 80% arrive in the
first 20 seconds and the rest within 60. One voter in ten also sends the same ballot from a second
device at the same moment: exactly one of the two must be accepted. Then the chair closes the vote
and the time until the result is stored is measured (the close counts inside its transaction).

Figures: the p99 of the ballot POSTs; ballots not accepted exactly once (a voter refused, a
duplicate accepted, or the stored ballots not numbering the voters); the time from closing to
the result.

Run as a script with an argument it does one Django job in the bench database (``seed``,
``close``), so the benchmark's own process stays Django-free.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/festival_assembly_bench")
os.environ.setdefault("BENCH_PORT", "8356")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import doorkit  # noqa: E402
from report import report, stolen_cpu_seconds  # noqa: E402

VOTERS = int(os.environ.get("BENCH_VOTERS", "3000"))
WINDOW = 60.0
EARLY = 20.0
DUPLICATES = VOTERS // 10
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENT_THREADS", "48"))
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def seed() -> dict:
    """An edition on today, VOTERS valid tickets admitted today, one open vote; their ballot paths."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assembly import links, voting
    from assembly.models import Vote
    from door.admission import festival_day
    from festival.demo import seed_site, upsert_child
    from festival.models import FestivalPage
    from ticketing.models import CheckIn, Order, Ticket, TicketType

    home = seed_site()
    today = timezone.localdate()
    festival = upsert_child(
        home, FestivalPage, slug="assembly-bench", title="Assembly bench", start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1), venue_name="Hall", time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )  # fmt: skip
    Vote.objects.filter(festival=festival).delete()
    CheckIn.objects.filter(festival=festival).delete()
    Ticket.objects.filter(order__festival=festival).delete()
    Order.objects.filter(festival=festival).delete()
    TicketType.objects.filter(festival=festival).delete()
    ticket_type = TicketType.objects.create(festival=festival, name="Weekend", capacity=VOTERS, price=0)
    order = Order.objects.create(festival=festival, buyer_name="Bench", buyer_email="b@example.org", status="paid")
    Ticket.objects.bulk_create(
        [
            Ticket(order=order, ticket_type=ticket_type, attendee_name=f"Voter {n}", status="valid")
            for n in range(VOTERS)
        ],  # fmt: skip
        batch_size=1000,
    )
    tickets = list(Ticket.objects.filter(order=order).order_by("pk"))
    staff, _ = get_user_model().objects.get_or_create(username="bench-door")
    now = timezone.now()
    day = festival_day(festival, now)
    CheckIn.objects.bulk_create(
        [
            CheckIn(festival=festival, ticket=t, code=t.secret, result="admitted", day=day, door="Main",
                    staff=staff, nonce=f"bench-{t.pk}", scanned_at=now)
            for t in tickets
        ],
        batch_size=1000,
    )  # fmt: skip
    vote = Vote.objects.create(festival=festival, title="Register as a political party")
    vote = voting.open_vote(vote_id=vote.pk)
    paths = [f"/assembly/ballot/{links.ballot_token(t)}/" for t in tickets]
    return {"vote": vote.pk, "electorate": vote.electorate_size, "paths": paths}


def close(vote_id: int) -> dict:
    """Close the vote (in a thread, as the chair's request would) and watch for its result from
    another connection: the time from the close until the result can be read, and the counts."""
    import django

    django.setup()
    from django.db import connections

    from assembly import voting
    from assembly.models import Ballot, Vote

    def close_in_thread():
        try:
            voting.close_vote(vote_id=vote_id)
        finally:
            connections.close_all()

    closer = threading.Thread(target=close_in_thread)
    started = time.perf_counter()
    closer.start()
    while not Vote.objects.filter(pk=vote_id).exclude(result={}).exists():
        time.sleep(0.005)
    elapsed = (time.perf_counter() - started) * 1000
    closer.join()
    vote = Vote.objects.get(pk=vote_id)
    return {
        "ms": elapsed,
        "turnout": vote.turnout,
        "ballots": Ballot.objects.filter(vote_id=vote_id).count(),
        "result": vote.result,
        "recount_matches": voting.recount(vote=vote) == vote.result,
    }


def django_job(*args: str) -> dict:
    out = subprocess.run(
        [doorkit.PY, __file__, *args], env=doorkit.env(), cwd=doorkit.ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"bench job failed: {' '.join(args)}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class Phone:
    """One voter's phone: opens the ballot page, then casts; keeps one connection per thread."""

    local = threading.local()

    @classmethod
    def connection(cls) -> http.client.HTTPConnection:
        if getattr(cls.local, "conn", None) is None:
            cls.local.conn = http.client.HTTPConnection("127.0.0.1", doorkit.PORT, timeout=30)
        return cls.local.conn

    @classmethod
    def request(cls, method, path, body=None, headers=None):
        for attempt in range(2):
            conn = cls.connection()
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                return response.status, response.read(), response.getheader("Set-Cookie") or ""
            except (http.client.HTTPException, OSError):
                conn.close()
                cls.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def open_ballot(path: str) -> tuple[str, str]:
    status, body, cookie = Phone.request("GET", path)
    assert status == 200, status
    token = CSRF.search(body).group(1).decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    return token, csrf_cookie


def cast(path: str, vote_id: int, token: str, csrf_cookie: str, choice: str) -> tuple[int, float]:
    body = f"csrfmiddlewaretoken={token}&choice={choice}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"}
    started = time.perf_counter()
    status, _, _ = Phone.request("POST", f"{path}{vote_id}/", body=body, headers=headers)
    return status, (time.perf_counter() - started) * 1000


def run_vote(paths: list[str], vote_id: int) -> dict:
    rng = random.Random(2026)
    arrivals = sorted(
        (rng.uniform(0, EARLY) if rng.random() < 0.8 else rng.uniform(EARLY, WINDOW - 2), n) for n in range(len(paths))
    )
    doubled = set(rng.sample(range(len(paths)), DUPLICATES))
    cast_ms, statuses, duplicate_statuses, open_ms = [], [], [], []
    lock = threading.Lock()
    start = time.perf_counter() + 1.0

    def voter(at: float, n: int) -> None:
        delay = start + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        path = paths[n]
        t0 = time.perf_counter()
        token, cookie = open_ballot(path)
        opened = (time.perf_counter() - t0) * 1000
        choice = rng.choice(["yes", "yes", "no", "abstain"])
        if n in doubled:  # the same badge from two devices at once
            with ThreadPoolExecutor(max_workers=2) as both:
                results = list(both.map(lambda _: cast(path, vote_id, token, cookie, choice), range(2)))
            with lock:
                duplicate_statuses.append(sorted(status for status, _ in results))
                cast_ms.extend(ms for _, ms in results)
                open_ms.append(opened)
            return
        status, ms = cast(path, vote_id, token, cookie, choice)
        with lock:
            statuses.append(status)
            cast_ms.append(ms)
            open_ms.append(opened)

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        list(pool.map(lambda item: voter(*item), arrivals))
    elapsed = time.perf_counter() - start
    return {
        "cast_ms": cast_ms,
        "open_ms": open_ms,
        "statuses": statuses,
        "duplicates": duplicate_statuses,
        "elapsed": elapsed,
    }


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> int:
    doorkit.WORK.mkdir(parents=True, exist_ok=True)
    doorkit.ensure_database()
    env = doorkit.env()
    for command in ("migrate", "collectstatic"):
        subprocess.run([doorkit.PY, "manage.py", command, "--noinput", "-v0"], env=env, cwd=doorkit.ROOT, check=True)
    setup = django_job("seed")
    print(f"bench data: {setup['electorate']} voters in the electorate, {DUPLICATES} of them voting from two devices")
    stolen = stolen_cpu_seconds()
    with doorkit.Server(app="festival.wsgi"):
        run = run_vote(setup["paths"], setup["vote"])
        closed = django_job("close", str(setup["vote"]))
    stolen = (stolen_cpu_seconds() - stolen) / max(run["elapsed"], 1)
    refused = sum(1 for status in run["statuses"] if status != 200)
    bad_pairs = sum(1 for pair in run["duplicates"] if pair != [200, 409])
    expected = len(setup["paths"])
    errors = refused + bad_pairs + abs(closed["ballots"] - expected) + abs(closed["turnout"] - expected)
    errors += 0 if closed["recount_matches"] else 1
    print(
        f"vote of {expected} in {run['elapsed']:.1f} s: ballot POST p50 {statistics.median(run['cast_ms']):.1f} ms, "
        f"page GET p99 {p99(run['open_ms']):.1f} ms, statuses {sorted(set(run['statuses']))}, "
        f"pairs with one accepted {sum(p == [200, 409] for p in run['duplicates'])}/{len(run['duplicates'])}, "
        f"ballots stored {closed['ballots']}, result {closed['result']}, "
        f"CPU stolen by other machines {stolen:.0%} of a core, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    ok = report("assembly_ballots_p99", p99(run["cast_ms"]), "ms", "<", 200)
    ok &= report("assembly_ballots_accepted_once", errors, "errors", "==", 0)
    ok &= report("assembly_result_after_close", closed["ms"], "ms", "<", 1000)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(doorkit.ROOT))
    if len(sys.argv) > 1 and sys.argv[1] == "seed":
        print(json.dumps(seed()))
    elif len(sys.argv) > 2 and sys.argv[1] == "close":
        print(json.dumps(close(int(sys.argv[2]))))
    else:
        sys.exit(main())
