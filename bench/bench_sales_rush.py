#!/usr/bin/env python
"""The sales rush: 500 buyers race for 300 tickets through gunicorn (2 workers) on PostgreSQL,
with the production settings and Redis as the cache.

The project's Stripe emulator stands in for Stripe, so every successful order really opens
a Checkout Session over HTTP. Measures "place order and get the Checkout URL" (the POST
that answers 303 to the Checkout page), and checks that nothing is oversold.

Creates its own database (festival_bench_shop by default), migrates, seeds, starts the
emulator and gunicorn, runs BENCH_ROUNDS rushes (3; the orders are deleted and every ticket
put back on sale between them), then stops everything and drops the database. Each round is
printed; the speed figures are the median of the rounds, and the counts must hold in every one.
Set BENCH_PG (a postgres:// URL without the database name) to use another server.
"""

import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import report, stolen_cpu_seconds  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "festival_bench_shop")
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8251"))
STRIPE_PORT = int(os.environ.get("BENCH_STRIPE_PORT", "8252"))
BUYERS = 500
CAPACITY = 300
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))  # rushes, with the shop reset between them

SEED = """
from datetime import date, timedelta
from festival.demo import seed_site, upsert_child
from festival.models import FestivalPage
from ticketing.models import TicketType
home = seed_site()
festival = upsert_child(home, FestivalPage, slug="2026", title="Festival of Resistance 2026",
    start_date=date.today() + timedelta(days=30), end_date=date.today() + timedelta(days=32), venue_name="Hall",
    status="on_sale")  # ahead of the clock, whenever the bench runs: an edition that is over sells nothing
TicketType.objects.update_or_create(festival=festival, name="Weekend", defaults={"price": 3500, "capacity": %d})
TicketType.objects.update_or_create(festival=festival, name="Warm-up", defaults={"price": 1000, "capacity": 1000})
print(TicketType.objects.get(name="Weekend").pk, TicketType.objects.get(name="Warm-up").pk)
"""


def admin_connection():
    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs)


def cpu_seconds(match: str) -> float:
    """User + system CPU of every process whose command line contains ``match`` (from /proc)."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if match not in cmdline:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return total / tick


def wait_for(port, path="/", timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


class Buyer:
    """One client thread: a kept-alive connection and a CSRF cookie, placing orders one after another."""

    def __init__(self, type_id):
        self.conn = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
        self.type_id = type_id
        self.conn.request("GET", "/tickets/2026/")
        response = self.conn.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie", "")
        self.token = re.search(r"csrftoken=([^;]+)", cookie).group(1)

    def place(self, n):
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "step": "pay",
                "buyer_name": f"Buyer {n}",
                "buyer_email": f"buyer{n}@example.org",
                f"qty_{self.type_id}": "1",
                "attendee_0": f"Buyer {n}",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.token}",
            "Referer": f"http://127.0.0.1:{WEB_PORT}/tickets/2026/",
        }
        started = time.perf_counter()
        try:
            self.conn.request("POST", "/tickets/2026/", body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            # A reset or timed-out connection is a failed purchase, counted, not a lost thread.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
            return 0, time.perf_counter() - started, ""
        elapsed = time.perf_counter() - started
        location = response.getheader("Location", "")
        return response.status, elapsed, location


def reset_sales(type_id):
    """Between rounds: the shop as it was before the first, with every ticket back on sale."""
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        conn.execute("DELETE FROM ticketing_refund_tickets")
        conn.execute("DELETE FROM ticketing_refund")
        conn.execute("DELETE FROM ticketing_payment")  # the ledger's records point at the orders
        conn.execute("DELETE FROM ticketing_ticket")
        conn.execute("DELETE FROM ticketing_order")
        conn.execute("UPDATE ticketing_tickettype SET reserved = 0")


def pct(values, p):
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def rush(buyers, type_id, parts) -> dict:
    """One rush of BUYERS orders from the client threads; its figures and counts."""
    results, lock = [], threading.Lock()
    queue = iter(range(BUYERS))

    def worker(buyer):
        while True:
            with lock:
                n = next(queue, None)
            if n is None:
                return
            outcome = buyer.place(n)
            with lock:
                results.append(outcome)

    parts_before = {name: cpu_seconds(match) for name, match in parts.items()}
    cpu_before = os.times()
    stolen_before = stolen_cpu_seconds()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(b,)) for b in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu_after = os.times()
    stolen = (stolen_cpu_seconds() - stolen_before) / wall
    parts_used = {name: cpu_seconds(match) - parts_before[name] for name, match in parts.items()}
    client_cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)

    statuses = [status for status, _, _ in results]
    placed = sorted(elapsed for status, elapsed, location in results if status == 303 and "/pay/cs_" in location)
    errors = sum(1 for s in statuses if s >= 500)
    sold_out = statuses.count(409)
    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        reserved, capacity = conn.execute(
            "SELECT reserved, capacity FROM ticketing_tickettype WHERE id = %s", (type_id,)
        ).fetchone()
        held = conn.execute(
            "SELECT count(*) FROM ticketing_ticket WHERE ticket_type_id = %s AND status IN ('pending', 'valid')",
            (type_id,),
        ).fetchone()[0]
        sessions = conn.execute(
            "SELECT count(DISTINCT o.id) FROM ticketing_order o JOIN ticketing_ticket t ON t.order_id = o.id "
            "WHERE t.ticket_type_id = %s AND o.stripe_checkout_session_id <> ''",
            (type_id,),
        ).fetchone()[0]
    all_latencies = sorted(elapsed for _, elapsed, _ in results)
    summary = (
        f"{BUYERS} buyers, {CAPACITY} tickets, {CLIENT_THREADS} client threads, {wall:.2f} s: "
        f"{len(placed)} orders with a Checkout URL ({len(placed) / wall:.0f}/s, p95 {pct(placed, 95):.0f} ms), "
        f"{sold_out} sold out, {errors} 5xx, other {len(statuses) - len(placed) - sold_out - errors}; "
        f"reserved {reserved}/{capacity}, tickets held {held}, sessions {sessions}; "
        f"all requests p50 {statistics.median(all_latencies) * 1000:.0f} ms; "
        f"load generator CPU {client_cpu:.2f} s; CPU per request: "
        + ", ".join(f"{name} {used / len(results) * 1000:.1f} ms" for name, used in parts_used.items())
        + f"; CPU stolen by other machines {stolen:.0%} of a core"
    )
    return {
        "summary": summary,
        "rate": len(placed) / wall,
        "p50": pct(placed, 50),
        "p95": pct(placed, 95),
        "p99": pct(placed, 99),
        "oversold": max(held - capacity, 0) + max(reserved - capacity, 0),
        "errors": errors,
        "failed": statuses.count(0),
        "held": held,
    }


def main():
    env = {
        **os.environ,
        # Production settings, as the site would run; only TLS is left to a proxy that is not here.
        "DJANGO_SETTINGS_MODULE": "festival.settings.production",
        "SECRET_KEY": "bench-sales-rush-" + "k" * 50,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": os.environ.get("BENCH_STATIC_ROOT", "/tmp/festival-bench/static"),
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "STRIPE_SECRET_KEY": "sk_test_bench_emulator",  # production needs a key; the emulator takes any
        "STRIPE_API_BASE": f"http://127.0.0.1:{STRIPE_PORT}",
        # The emulator (started with this environment) signs webhooks with it; the site checks them with it.
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_sales_rush",
        "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The cache production uses: every worker shares it, as they would share an editor's change.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"),
    }
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # nothing cached from an earlier run's database
    processes = []
    try:
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env)  # the manifest the pages link through
        seeded = run([PY, "manage.py", "shell", "-c", SEED % CAPACITY], env).stdout.strip().splitlines()[-1]
        type_id, warm_type_id = (int(n) for n in seeded.split())
        processes.append(
            subprocess.Popen(  # noqa: S603
                [PY, "manage.py", "stripe_emulator", "--port", str(STRIPE_PORT), "--sweep-interval", "60"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    PY,
                    "-m",
                    "gunicorn",
                    "festival.wsgi",
                    "--workers",
                    "2",
                    "--worker-class",
                    "gthread",
                    "--threads",
                    os.environ.get("BENCH_GUNICORN_THREADS", "8"),  # as in the README
                    "--bind",
                    f"127.0.0.1:{WEB_PORT}",
                    "--log-level",
                    "warning",
                ],  # fmt: skip
                cwd=ROOT,
                env=env,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(STRIPE_PORT, "/health")
        wait_for(WEB_PORT, "/healthz")
        # Warm-up, not measured: connections, CSRF cookies, and one order per client on another ticket
        # type so every gunicorn worker thread has loaded its code (the stripe library imports lazily).
        buyers = [Buyer(type_id) for _ in range(CLIENT_THREADS)]
        for n, buyer in enumerate(buyers):
            buyer.type_id = warm_type_id
            buyer.place(10_000 + n)
            buyer.type_id = type_id
        parts = {  # only this run's processes: others may be running their own gunicorn on the machine
            "gunicorn": f"127.0.0.1:{WEB_PORT}",
            "emulator": f"stripe_emulator --port {STRIPE_PORT}",
            "postgres": DB_NAME,
        }
        rounds = []
        for round_no in range(1, ROUNDS + 1):
            if round_no > 1:
                reset_sales(type_id)
            figures = rush(buyers, type_id, parts)
            rounds.append(figures)
            print(f"round {round_no}: {figures['summary']}", flush=True)

        def median(key):
            return statistics.median(r[key] for r in rounds)

        print(
            "rounds: " + ", ".join(f"{r['rate']:.0f}" for r in rounds) + " orders/s; each figure below is their median"
        )
        ok = report("sales_rush orders placed per second", median("rate"), "orders/s", ">=", 100)
        report("sales_rush place-order p50", median("p50"), "ms", "<=", 250)  # the issue sets only p95
        ok &= report("sales_rush place-order p95", median("p95"), "ms", "<=", 250)
        report("sales_rush place-order p99", median("p99"), "ms", "<=", 250)  # the issue sets only p95
        # The counts must hold in every round, not in the middle one.
        ok &= report("sales_rush oversold", max(r["oversold"] for r in rounds), "tickets", "==", 0)
        ok &= report("sales_rush server errors", sum(r["errors"] for r in rounds), "5xx", "==", 0)
        ok &= report("sales_rush failed connections", sum(r["failed"] for r in rounds), "requests", "==", 0)
        wrong = [r["held"] for r in rounds if r["held"] != CAPACITY]  # each round must sell out exactly
        ok &= report("sales_rush tickets sold or held", wrong[0] if wrong else CAPACITY, "tickets", "==", CAPACITY)
        return 0 if ok else 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
