#!/usr/bin/env python
"""Two app servers, one killed mid-rush: nothing oversold, admitted twice, lost or undownloadable.

Production as the README describes it, on one machine: two gunicorn instances of festival.wsgi
(production settings, each its own process group, as two servers would be) against one PostgreSQL
database, one Redis and one media folder, the task worker (``manage.py run_worker``) and the
project's Stripe emulator. The load generator stands in for the proxy: each request goes to the
server its client prefers, and a request whose connection fails (refused or cut) is sent again to
the other server, as a load balancer would. It resends a POST cut off mid-way too, which nginx does
only with ``proxy_next_upstream ... non_idempotent``: the harder case (an order placed twice shows
as a pending order no buyer holds a Checkout URL for, counted below; a scan carries its nonce).

1. Sales rush. BUYERS buyers race for CAPACITY tickets, half preferring each server. Each places
   an order (the 303 to the emulator's Checkout page), then most pay on the emulator's page and come
   back to the site's success page (which asks Stripe and fulfils); the others walk away and their
   Checkout Session expires (the emulator sends ``checkout.session.expired``). Stripe's webhooks go to
   server B, the one the proxy would send them to while A is down. Part-way through, server A is
   killed (SIGKILL to its whole process group); a supervisor would start it again, and so does this
   a few seconds later. The worker renders every paid ticket's badge meanwhile.
2. Door rush. Every paid badge is scanned twice at once, once through each server (two scanners at
   two gates), so that "admitted twice" is really tried; server B is killed part-way through, and its
   scanners fail over to A. B is then started again.
3. Every paid ticket's badge is downloaded from each server in turn (shared storage).

Checks: tickets oversold, badges admitted twice, orders lost (every order a buyer got a Checkout URL
for is in the database and ends paid, or expired with its tickets released), badge downloads that
failed, requests that failed on both servers; and the throughput figures. Creates its own database
(festival_bench_cluster; BENCH_PG for another server), drops it and stops every process at the end.
BENCH_TASKS=redis runs the tasks on the Redis backend (RQ) instead of the database's.
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import report, stolen_cpu_seconds  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "festival_bench_cluster")
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/festival-bench-cluster"))
PORTS = {"A": int(os.environ.get("BENCH_PORT_A", "8461")), "B": int(os.environ.get("BENCH_PORT_B", "8462"))}
# Kept between runs (the other benches' too): collecting it again copies only what changed.
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/festival-bench/static"))
STRIPE_PORT = int(os.environ.get("BENCH_STRIPE_PORT", "8463"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
TASKS_REDIS_URL = os.environ.get("BENCH_TASKS_REDIS_URL", "redis://127.0.0.1:6379/12")  # BENCH_TASKS=redis
BUYERS = int(os.environ.get("BENCH_BUYERS", "240"))
CAPACITY = int(os.environ.get("BENCH_CAPACITY", "160"))
ABANDON_EVERY = 8  # one buyer in eight walks away from the Checkout page
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", "12"))
KILL_AT = 0.4  # share of the rush done when a server is killed
RESTART_AFTER = 3.0  # seconds a killed server stays down before its supervisor starts it again
BADGE_WAIT = float(os.environ.get("BENCH_BADGE_WAIT", "240"))  # seconds the worker has to render every badge
OTHER = {"A": "B", "B": "A"}

SEED = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from door.auth import issue_token
from festival import roles
from festival.demo import seed_site, upsert_child
from festival.models import FestivalPage
from ticketing.models import TicketType
home = seed_site()
today = timezone.localdate()
festival = upsert_child(home, FestivalPage, slug="2026", title="Festival of Resistance 2026",
    start_date=today, end_date=today + timedelta(days=2), venue_name="Hall", status="on_sale")
weekend, _ = TicketType.objects.update_or_create(festival=festival, name="Weekend",
    defaults={"price": 3500, "capacity": %d})
groups = roles.sync_roles(root_page=home)
staff, _ = get_user_model().objects.get_or_create(username="bench-door", defaults={"first_name": "Door"})
staff.groups.set([groups[roles.DOOR_STAFF]])
tokens = {gate: issue_token(user=staff, festival=festival, label=f"Gate {gate}") for gate in "AB"}
print(json.dumps({"type": weekend.pk, "tokens": tokens}))
"""


def environment() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "festival.settings.production",
        "SECRET_KEY": "bench-cluster-" + "k" * 50,  # one key for both servers: cookies and door tokens cross
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(STATIC_ROOT),
        "MEDIA_ROOT": str(WORK / "media"),  # the shared storage both servers and the worker use
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "STRIPE_SECRET_KEY": "sk_test_bench_cluster",
        "STRIPE_API_BASE": f"http://127.0.0.1:{STRIPE_PORT}",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_cluster",
        "SITE_URL": f"http://127.0.0.1:{PORTS['A']}",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DOOR_TOKEN_RATE_COUNT": "1000000000",  # two tokens stand for many scanners here
        "WORKER_HEARTBEAT_SECONDS": "2",
        "WORKER_STALE_SECONDS": "10",
        **(
            {"TASKS_BACKEND": "django_tasks_rq.RQBackend", "TASKS_REDIS_URL": TASKS_REDIS_URL}
            if os.environ.get("BENCH_TASKS") == "redis"
            else {}
        ),
    }


def admin_connection():
    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def db():
    return psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True)


def start(cmd, env) -> subprocess.Popen:
    # Each in its own session: a server is killed whole (master and workers), as a machine would die.
    return subprocess.Popen(  # noqa: S603
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def answers(port, path, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return True
        except OSError:
            time.sleep(0.2)
    return False


class Servers:
    """The two gunicorn instances, killed and started again by name."""

    def __init__(self, env):
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}
        self.kills: list[str] = []

    def start(self, name):
        self.processes[name] = start(
            [PY, "-m", "gunicorn", "festival.wsgi", "--workers", "2", "--worker-class", "gthread"]
            + ["--threads", "4", "--bind", f"127.0.0.1:{PORTS[name]}", "--log-level", "error", "--timeout", "60"],
            self.env,
        )
        if not answers(PORTS[name], "/healthz"):
            raise SystemExit(f"server {name} did not start")

    def kill(self, name):
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()
        self.kills.append(name)

    def stop_all(self):
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class Client:
    """One client thread's kept-alive connections, one per server, and the proxy's failover."""

    def __init__(self, prefer, stats):
        self.prefer = prefer
        self.stats = stats
        self.conns: dict[str, http.client.HTTPConnection] = {}

    def _conn(self, name):
        if name not in self.conns:
            self.conns[name] = http.client.HTTPConnection("127.0.0.1", PORTS[name], timeout=60)
        return self.conns[name]

    def request(self, method, path, body=None, headers=None, prefer=None):
        """(status, headers, body, server) from the preferred server, or from the other when its
        connection fails; status 0 when both fail."""
        first = prefer or self.prefer
        for name in (first, OTHER[first]):
            conn = self._conn(name)
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                data = response.read()
                if name != first:
                    self.stats.count("failed over")
                return response.status, response, data, name
            except (OSError, http.client.HTTPException):
                conn.close()
                del self.conns[name]
        self.stats.count("failed on both servers")
        return 0, None, b"", None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def count(self, key, n=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n


def stripe(method, path, body=b""):
    conn = http.client.HTTPConnection("127.0.0.1", STRIPE_PORT, timeout=30)
    conn.request(method, path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    return response.status, response.getheader("Location", ""), response.read()


def buy(client, n, type_id) -> dict:
    """One buyer: the shop page, the order, then pay and come back, or walk away."""
    status, response, _, _ = client.request("GET", "/tickets/2026/")
    if status != 200:
        return {"n": n, "stage": "shop", "status": status}
    token = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "step": "pay",
            "buyer_name": f"Buyer {n}",
            "buyer_email": f"buyer{n}@example.org",
            f"qty_{type_id}": "1",
            "attendee_0": f"Buyer {n}",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={token}",
        "Referer": f"http://127.0.0.1:{PORTS[client.prefer]}/tickets/2026/",
    }
    started = time.perf_counter()
    status, response, _, _ = client.request("POST", "/tickets/2026/", body=body, headers=headers)
    elapsed = time.perf_counter() - started
    location = response.getheader("Location", "") if response else ""
    found = re.search(r"/pay/(cs_[A-Za-z0-9_]+)", location)
    if status != 303 or not found:
        return {"n": n, "stage": "order", "status": status, "seconds": elapsed}
    session = found.group(1)
    outcome = {"n": n, "stage": "order", "status": 303, "session": session, "seconds": elapsed}
    if n % ABANDON_EVERY == 0:
        stripe("POST", f"/_emulator/sessions/{session}/expire")  # Stripe expires the walked-away session
        return {**outcome, "stage": "abandoned"}
    status, success_url, _ = stripe("POST", f"/pay/{session}", b"action=pay")
    if status != 303:
        return {**outcome, "stage": "pay", "status": status}
    path = urllib.parse.urlsplit(success_url)
    status, _, _, _ = client.request("GET", f"{path.path}?{path.query}")
    return {**outcome, "stage": "paid", "status": status, "token": path.path.split("/")[3]}


def run_threads(clients, jobs, work, on_progress):
    """Each client thread takes the next job until none are left; answers the results in order done."""
    results, lock = [], threading.Lock()
    queue = iter(jobs)

    def loop(client):
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                return
            outcome = work(client, job)
            with lock:
                results.append(outcome)
                on_progress(len(results))

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def killer(servers, name, at, restart):
    """An on_progress hook: kill ``name`` when ``at`` results are in; start it again ``restart`` s later."""
    fired = threading.Event()

    def hook(done):
        if done >= at and not fired.is_set():
            fired.set()
            servers.kill(name)
            print(f"  killed server {name} (SIGKILL to its process group) after {done} results", flush=True)
            if restart is not None:
                threading.Thread(target=lambda: (time.sleep(restart), servers.start(name))).start()

    return hook


def wait_badges(expected_tickets) -> tuple[int, float]:
    """Wait for the worker to render every paid ticket's badge; (rendered, seconds waited)."""
    started = time.monotonic()
    with db() as conn:
        while True:
            rendered = conn.execute(
                "SELECT count(*) FROM ticketing_ticket WHERE status = 'valid' AND badge_rendered_at IS NOT NULL"
            ).fetchone()[0]
            if rendered >= expected_tickets or time.monotonic() - started > BADGE_WAIT:
                return rendered, time.monotonic() - started
            time.sleep(1)


def lost_orders(results) -> tuple[int, list[str]]:
    """Orders a buyer got a Checkout URL for that are missing or did not end as they should."""
    wrong = []
    with db() as conn:
        for r in results:
            if "session" not in r:
                continue
            row = conn.execute(
                "SELECT o.status, array_agg(t.status) FROM ticketing_order o "
                "JOIN ticketing_ticket t ON t.order_id = o.id WHERE o.stripe_checkout_session_id = %s "
                "GROUP BY o.id",
                (r["session"],),
            ).fetchall()
            if len(row) != 1:
                wrong.append(f"{r['session']}: {len(row)} orders")
                continue
            status, tickets = row[0]
            if r["stage"] == "paid" and (status != "paid" or set(tickets) != {"valid"}):
                wrong.append(f"{r['session']}: paid, but order {status}, tickets {tickets}")
            elif r["stage"] == "abandoned" and (
                status not in ("expired", "cancelled") or set(tickets) & {"valid", "pending"}
            ):
                wrong.append(f"{r['session']}: expired, but order {status}, tickets {tickets}")
            elif r["stage"] not in ("paid", "abandoned"):
                wrong.append(f"{r['session']}: the buyer's {r['stage']} failed ({r['status']})")
    return len(wrong), wrong


def door_rush(servers, tokens, stats):
    """Each paid badge scanned through both servers at once; B killed part-way. (replies, seconds)."""
    with db() as conn:
        secrets = [s for (s,) in conn.execute("SELECT secret FROM ticketing_ticket WHERE status = 'valid'")]
    jobs = [(secret, gate) for secret in secrets for gate in "AB"]  # neighbours: the same badge at two gates
    clients = [Client("AB"[i % 2], stats) for i in range(CLIENT_THREADS)]

    def scan(client, job):
        secret, gate = job
        body = json.dumps({"code": secret, "door": f"Gate {gate}", "nonce": f"{gate}-{secret}"})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {tokens[gate]}"}
        status, _, data, _ = client.request("POST", "/door/api/scan/", body=body, headers=headers, prefer=gate)
        result = json.loads(data).get("result", json.loads(data).get("error")) if status in (200, 409) else status
        return secret, result

    started = time.perf_counter()
    replies = run_threads(clients, jobs, scan, killer(servers, "B", int(len(jobs) * KILL_AT), None))
    return replies, time.perf_counter() - started


def downloads(stats) -> tuple[int, int]:
    """Every paid ticket's badge, from each server in turn (no failover: both must serve it)."""
    with db() as conn:
        rows = conn.execute(
            "SELECT o.access_token, t.id FROM ticketing_ticket t JOIN ticketing_order o ON o.id = t.order_id "
            "WHERE t.status = 'valid'"
        ).fetchall()
    failures = []
    conns = {name: http.client.HTTPConnection("127.0.0.1", port, timeout=60) for name, port in PORTS.items()}
    for token, ticket_id in rows:
        for conn in conns.values():
            try:
                conn.request("GET", f"/tickets/orders/{token}/badges/{ticket_id}.pdf")
                response = conn.getresponse()
                data = response.read()
                if response.status != 200 or not data.startswith(b"%PDF"):
                    failures.append(f"ticket {ticket_id} from port {conn.port}: {response.status} {data[:200]!r}")
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                failures.append(f"ticket {ticket_id} from port {conn.port}: {error!r}")
    for line in failures[:5]:
        print(f"  download failed: {line}", flush=True)
    return len(rows) * len(conns), len(failures)


def main() -> int:
    env = environment()
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "media").mkdir(parents=True)
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    for url in (REDIS_URL, TASKS_REDIS_URL):
        redis.Redis.from_url(url).flushdb()
    servers = Servers(env)
    others = []
    try:
        began = time.perf_counter()
        # The static files (the manifest the pages link through) are collected while the database migrates.
        collecting = subprocess.Popen([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env)  # noqa: S603
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        if collecting.wait() != 0:
            raise SystemExit("collectstatic failed")
        seeded = subprocess.run(
            [PY, "manage.py", "shell", "-c", SEED % CAPACITY], cwd=ROOT, env=env, check=True, capture_output=True
        )
        setup = json.loads(seeded.stdout.decode().strip().splitlines()[-1])
        webhook = f"http://127.0.0.1:{PORTS['B']}/tickets/stripe/webhook/"  # where the proxy sends Stripe
        others.append(
            start(
                [PY, "manage.py", "stripe_emulator", "--port", str(STRIPE_PORT), "--webhook-url", webhook]
                + ["--sweep-interval", "60"],
                env,
            )
        )
        others.append(start([PY, "manage.py", "run_worker", "--interval", "0.2"], env))
        servers.start("A")
        servers.start("B")
        if not answers(STRIPE_PORT, "/health"):
            raise SystemExit("the Stripe emulator did not start")

        tasks = env.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
        print(f"set-up (database, static files, processes): {time.perf_counter() - began:.0f} s; tasks on {tasks}",
              flush=True)  # fmt: skip
        stats = Stats()
        stolen = stolen_cpu_seconds()
        clients = [Client("AB"[i % 2], stats) for i in range(CLIENT_THREADS)]
        started = time.perf_counter()
        sales = run_threads(
            clients,
            range(BUYERS),
            lambda client, n: buy(client, n, setup["type"]),
            killer(servers, "A", int(BUYERS * KILL_AT), RESTART_AFTER),
        )
        sales_wall = time.perf_counter() - started
        ordered = [r for r in sales if "session" in r]
        paid = [r for r in sales if r["stage"] == "paid"]
        stages = {}
        for r in sales:
            key = f"{r['stage']} {r['status']}"
            stages[key] = stages.get(key, 0) + 1
        print(
            f"sales rush: {BUYERS} buyers, {CAPACITY} tickets, {CLIENT_THREADS} clients, {sales_wall:.1f} s: "
            f"{len(ordered)} Checkout URLs, {len(paid)} paid; outcomes {dict(sorted(stages.items()))}",
            flush=True,
        )
        time.sleep(3)  # the last webhooks (expiries) land
        rendered, badge_wait = wait_badges(len(paid))
        print(f"worker: {rendered} badges rendered, {badge_wait:.0f} s after the rush ended", flush=True)
        with db() as conn:
            reserved, capacity = conn.execute(
                "SELECT reserved, capacity FROM ticketing_tickettype WHERE id = %s", (setup["type"],)
            ).fetchone()
            held = conn.execute(
                "SELECT count(*) FROM ticketing_ticket WHERE status IN ('pending', 'valid')"
            ).fetchone()[0]
            ghosts = conn.execute(
                "SELECT count(*) FROM ticketing_order WHERE status = 'pending' AND stripe_checkout_session_id <> ''"
                " AND NOT (stripe_checkout_session_id = ANY(%s))",
                ([r["session"] for r in ordered],),
            ).fetchone()[0]
        lost, wrong = lost_orders(sales)
        for line in wrong[:10]:
            print(f"  lost: {line}", flush=True)
        print(
            f"tickets: reserved {reserved}/{capacity}, held {held}; pending orders whose reply died with the "
            f"server: {ghosts} (their hold lapses as any unpaid one's)",
            flush=True,
        )

        replies, door_wall = door_rush(servers, setup["tokens"], stats)
        results = {}
        for _, result in replies:
            results[result] = results.get(result, 0) + 1
        print(f"door rush: {len(replies)} scans of {len(replies) // 2} badges in {door_wall:.1f} s: {results}")
        with db() as conn:
            twice = conn.execute(
                "SELECT count(*) FROM (SELECT ticket_id FROM ticketing_checkin WHERE result = 'admitted' "
                "GROUP BY ticket_id, day HAVING count(*) > 1) AS doubled"
            ).fetchone()[0]
            admitted = conn.execute(
                "SELECT count(DISTINCT ticket_id) FROM ticketing_checkin WHERE result = 'admitted'"
            ).fetchone()[0]
        replied_twice = sum(1 for n in _admitted_replies(replies).values() if n > 1)
        servers.start("B")  # its supervisor starts it again
        fetched, download_failures = downloads(stats)
        stolen = (stolen_cpu_seconds() - stolen) / (time.perf_counter() - started)
        print(
            f"downloads: {fetched} badge downloads from both servers; requests {stats.counts}; "
            f"servers killed {servers.kills}; CPU stolen by other machines {stolen:.0%} of a core",
            flush=True,
        )

        ok = report(
            "cluster tickets oversold", max(held - capacity, 0) + max(reserved - capacity, 0), "tickets", "==", 0
        )
        ok &= report("cluster tickets sold or held", held, "tickets", "<=", CAPACITY)
        ok &= report("cluster badges admitted twice", twice + replied_twice, "badges", "==", 0)
        ok &= report("cluster paid badges admitted once", admitted, "badges", "==", len(paid))
        ok &= report("cluster orders lost", lost, "orders", "==", 0)
        ok &= report("cluster badges rendered by the worker", rendered, "badges", "==", len(paid))
        ok &= report("cluster badge downloads failed", download_failures, "downloads", "==", 0)
        ok &= report("cluster requests failed on both servers", stats.counts.get("failed on both servers", 0),
                     "requests", "==", 0)  # fmt: skip
        # Throughput, for the record: each buyer here makes three requests to the site and two to the
        # emulator while the worker draws badges on the same two cores (the single-server benches
        # measure each part alone).
        report("cluster buyers served per second (order, pay, confirmation)", len(sales) / sales_wall, "buyers/s",
               ">=", 10)  # fmt: skip
        report("cluster orders with a Checkout URL per second", len(ordered) / sales_wall, "orders/s", ">=", 10)
        report("cluster door scans per second (each badge at two gates)", len(replies) / door_wall, "scans/s",
               ">=", 100)  # fmt: skip
        report("cluster worker badges rendered per second", rendered / max(sales_wall + badge_wait, 1), "badges/s",
               ">=", 2)  # fmt: skip
        return 0 if ok else 1
    finally:
        servers.stop_all()
        for process in others:
            os.killpg(process.pid, signal.SIGTERM)
        for process in others:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        for url in (REDIS_URL, TASKS_REDIS_URL):
            redis.Redis.from_url(url).flushdb()
        shutil.rmtree(WORK, ignore_errors=True)


def _admitted_replies(replies) -> dict[str, int]:
    counts: dict[str, int] = {}
    for secret, result in replies:
        if result == "admitted":
            counts[secret] = counts.get(secret, 0) + 1
    return counts


if __name__ == "__main__":
    sys.exit(main())
