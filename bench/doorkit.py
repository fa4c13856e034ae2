"""Shared set-up for the door and badge benchmarks: a PostgreSQL database with a live
edition, door staff and tickets; gunicorn at 2 workers; wrk; and the pretix peer kit.

Run as a script it does one Django job in the bench database (``seed``, ``reset``,
``token``); the benchmarks call it that way so their own process stays Django-free.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from report import stolen_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/festival-bench"))
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/festival_door_bench")
PORT = int(os.environ.get("BENCH_PORT", "8350"))
BASE = f"http://127.0.0.1:{PORT}"
PEER_DIR = Path(os.environ.get("PEER_DIR", "/tmp/pretix-peer"))
KIT = Path(os.environ.get("PEER_KIT", "/work/shared/peers/pretix"))
SCAN_TICKETS = int(os.environ.get("BENCH_SCAN_TICKETS", "20000"))
LIST_TICKETS = 5000
# Threads per gunicorn worker, as in the README's production command. A scan mostly waits for
# PostgreSQL's commit: with 8 threads a worker overlaps more of those waits, and PostgreSQL
# flushes more commits at once. Against 4, in interleaved runs of 2026-12-05: unknown codes
# 1360-1507 req/s against 662-1084, first scans 1091-1093 against 725-925, PostgreSQL's CPU
# per scan about halved; repeat scans no different beyond noise.
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def env() -> dict:
    """The environment of the site under test: production settings on the bench database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "festival.settings.production",
        "DATABASE_URL": BENCH_DB,
        "SECRET_KEY": "bench-" + "k" * 60,
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_door",  # production settings refuse the public default
        "STRIPE_SECRET_KEY": "sk_test_bench_door",  # and start only with a key (the door makes no Stripe calls)
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "MEDIA_ROOT": str(WORK / "media"),
        "STATIC_ROOT": str(WORK / "static"),  # collected by prepare(), as a deploy does
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        # One token stands for sixteen scanners here, at a thousand scans a second: the per-device
        # throttle still counts every request (its cost is measured) but never refuses one.
        "DOOR_TOKEN_RATE_COUNT": "1000000000",
    }


def ensure_database() -> None:
    import psycopg

    name = BENCH_DB.rsplit("/", 1)[-1]
    admin = BENCH_DB.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def django_job(*args: str) -> dict:
    """Run this file as a Django job in the bench database; its last stdout line is JSON."""
    out = subprocess.run([PY, __file__, *args], env=env(), cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"bench set-up failed: {' '.join(args)}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare() -> dict:
    """Database, migrations, data; returns tokens and the files of secrets."""
    WORK.mkdir(parents=True, exist_ok=True)
    ensure_database()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env(), cwd=ROOT, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env(), cwd=ROOT, check=True)
    return django_job("seed")


class Server:
    """gunicorn with 2 workers of ``THREADS`` threads, on production settings, serving one WSGI module.

    ``festival.wsgi`` is the site; ``door.wsgi`` is the door's own pool (the check-in API only),
    which production runs beside it with the proxy sending /door/api/ to it.
    """

    def __init__(self, app: str = "festival.wsgi", workers: int = 2, threads: int = THREADS):
        self.app = app
        self.workers = workers
        self.threads = threads
        self.process = None

    def __enter__(self):
        gunicorn = str(Path(PY).parent / "gunicorn")
        self.process = subprocess.Popen(  # noqa: S603
            [gunicorn, self.app, "--workers", str(self.workers), "--threads", str(self.threads)]
            + ["--bind", f"127.0.0.1:{PORT}"]
            + ["--log-level", "warning", "--timeout", "60"],
            env=env(),
            cwd=ROOT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=2).read()
                return self
            except urllib.error.HTTPError:  # an answer all the same: the door's pool has no /healthz (a JSON 404)
                return self
            except Exception:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)


def wrk(url: str, secrets_file: Path, mode: str, token: str, *, seconds: int = 8, connections: int = 16) -> dict:
    """One wrk run with bench/door_scan.lua; the figures plus wrk's own CPU share."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    tag = f"{mode}{int(time.time() * 1000)}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stolen = stolen_cpu_seconds()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench" / "door_scan.lua")]
        + [url, "--", str(secrets_file), mode, token, tag, "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    data["rps"] = data["requests"] / data["seconds"]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data["load_generator_cpu"] = cpu / data["seconds"]
    data["stolen_cpu"] = (stolen_cpu_seconds() - stolen) / data["seconds"]
    return data


def peer_ready() -> bool:
    """Is the pretix peer up? Builds it with the kit's setup.sh first (about 10 minutes, once).

    ``BENCH_PEER=0`` measures without pretix; the figures are then held against its
    published reference figures, and the output says so.
    """
    if os.environ.get("BENCH_PEER", "1") == "0":
        return False
    state = PEER_DIR / "state.json"
    if not state.exists():
        print(f"setting up the pretix peer in {PEER_DIR} (PostgreSQL; about 10 minutes the first time)", flush=True)
        peer_env = {**os.environ, "PEER_DIR": str(PEER_DIR), "PEER_DB": "postgres"}
        if subprocess.run([str(KIT / "setup.sh")], env=peer_env, check=False).returncode != 0 or not state.exists():
            return False
    base = json.loads(state.read_text())["base"]
    try:
        urllib.request.urlopen(base + "/healthcheck/", timeout=3)
        return True
    except Exception:
        subprocess.run([str(KIT / "server.sh"), "start"], env={**os.environ, "PEER_DIR": str(PEER_DIR)}, check=False)
        try:
            urllib.request.urlopen(base + "/healthcheck/", timeout=10)
            return True
        except Exception:
            return False


# ---------------------------------------------------------------- Django jobs


def _seed() -> dict:
    import secrets as random
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from door.auth import issue_token
    from festival import roles
    from festival.demo import seed_site, upsert_child
    from festival.models import FestivalPage
    from ticketing.codes import new_ticket_secret, random_string
    from ticketing.models import CheckIn, Order, Ticket, TicketType

    home = seed_site()
    today = timezone.localdate()
    groups = roles.sync_roles(root_page=home)
    user, _ = get_user_model().objects.get_or_create(username="bench-door", defaults={"first_name": "Bench"})
    user.groups.set([groups[roles.DOOR_STAFF]])

    def edition(slug: str, title: str, count: int) -> FestivalPage:
        festival = FestivalPage.objects.filter(slug=slug).first()
        if festival is None:
            festival = upsert_child(
                home,
                FestivalPage,
                slug=slug,
                title=title,
                start_date=today - timedelta(days=1),
                end_date=today + timedelta(days=1),
                venue_name="Bench Hall",
            )
        elif festival.start_date > today or festival.end_date < today:
            FestivalPage.objects.filter(pk=festival.pk).update(
                start_date=today - timedelta(days=1), end_date=today + timedelta(days=1)
            )
            festival.refresh_from_db()
        ticket_type, _ = TicketType.objects.get_or_create(
            festival=festival, name="Weekend", defaults={"capacity": 100000, "price": 3000}
        )
        have = Ticket.objects.filter(ticket_type=ticket_type).count()
        while have < count:
            batch = min(1000, count - have)
            orders = Order.objects.bulk_create(
                [
                    Order(
                        festival=festival,
                        code="BEN-" + random_string(9),  # longer than shop codes: 25,000 orders, no collisions
                        buyer_name="Bench",
                        buyer_email="b@bench.invalid",
                        status="paid",
                    )
                    for _ in range(batch)
                ]
            )
            Ticket.objects.bulk_create(
                [
                    Ticket(
                        order=order,
                        ticket_type=ticket_type,
                        attendee_name=f"Attendee {have + n:05d} Lastname",
                        status="valid",
                        secret=new_ticket_secret(),
                    )
                    for n, order in enumerate(orders)
                ]
            )
            have += batch
        CheckIn.objects.filter(festival=festival).delete()
        return festival

    scans = edition("bench-scans", "Bench scans", SCAN_TICKETS)
    listed = edition("bench-list", "Bench list", LIST_TICKETS)
    secrets = list(Ticket.objects.filter(ticket_type__festival=scans).order_by("pk").values_list("secret", flat=True))
    (WORK / "scan_secrets.txt").write_text("\n".join(secrets) + "\n")
    (WORK / "repeat_secrets.txt").write_text("\n".join(secrets[:100]) + "\n")
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    unknown = ["".join(random.choice(alphabet) for _ in range(28)) for _ in range(5000)]
    (WORK / "unknown_secrets.txt").write_text("\n".join(unknown) + "\n")
    return {
        "scan_token": issue_token(user=user, festival=scans),
        "list_token": issue_token(user=user, festival=listed),
        "scan_festival": scans.pk,
        "list_festival": listed.pk,
        "tickets": len(secrets),
    }


def _reset() -> dict:
    from django.db import connection

    from ticketing.models import CheckIn

    deleted, _ = CheckIn.objects.filter(festival__slug__in=["bench-scans", "bench-list"]).delete()
    # PostgreSQL's autovacuum would clear the dead rows of earlier runs and gather the planner's
    # statistics, but it may be off on a shared bench machine (it is on these): do its work here.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"deleted": deleted}


def _admit_pool() -> dict:
    """Make sure every ticket of the repeat-scan pool is already in (so repeats are repeats)."""
    import secrets as random

    from django.contrib.auth import get_user_model

    from door.checkin import check_in
    from festival.models import FestivalPage

    festival = FestivalPage.objects.get(slug="bench-scans")
    staff = get_user_model().objects.get(username="bench-door")
    results = [
        check_in(festival=festival, staff_id=staff.pk, door="Bench gate", nonce=random.token_hex(8), code=code).result
        for code in (WORK / "repeat_secrets.txt").read_text().split()
    ]
    return {"admitted_now": results.count("admitted"), "pool": len(results)}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    jobs = {"seed": _seed, "reset": _reset, "admit_pool": _admit_pool}
    if sys.argv[1] == "badges":
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_badges import _in_process

        jobs["badges"] = _in_process
    job = jobs[sys.argv[1]]
    print(json.dumps(job()))
