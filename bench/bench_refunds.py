#!/usr/bin/env python
"""A refund end to end against the Stripe emulator: the server's time for one refund.

On PostgreSQL with the production settings and the emulator in its own process, as Stripe would
be. Seeds paid orders (placed through the shop's service, paid in the emulator, fulfilled), then
refunds each, whole, as box office would: the ledger's claim, Stripe's refund over HTTP, the
settling (places back, the buyer's email queued for the worker) and the audit trail. The figure is
the median of BENCH_REFUNDS refunds (40), after a few not measured. Creates and drops its own
database (festival_bench_refunds). Set BENCH_PG for another server.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "festival_bench_refunds")
STRIPE_PORT = int(os.environ.get("BENCH_STRIPE_PORT", "8262"))
REFUNDS = int(os.environ.get("BENCH_REFUNDS", "40"))
WARM = 5

JOB = """
import json, statistics, time, urllib.request
from datetime import date, timedelta
from django.contrib.auth import get_user_model
from festival import roles
from festival.demo import seed_site, upsert_child
from festival.models import FestivalPage
from ticketing.models import Order, TicketType
from ticketing.services import checkout, orders, payments, refunds

home = seed_site()
festival = upsert_child(home, FestivalPage, slug="2026", title="Festival of Resistance 2026",
    start_date=date.today() + timedelta(days=30), end_date=date.today() + timedelta(days=32), venue_name="Hall",
    status="on_sale")
weekend, _ = TicketType.objects.update_or_create(festival=festival, name="Weekend",
                                                 defaults={"price": 3500, "capacity": 1000})
staff = get_user_model().objects.create_user("box", password="x")
staff.groups.add(roles.sync_roles()[roles.BOX_OFFICE])
paid = []
for n in range(%(count)d):
    order = checkout.place_order(festival=festival, buyer_name=f"Buyer {n}", buyer_email=f"b{n}@example.org",
        lines=[orders.LineRequest(ticket_type_id=weekend.pk, quantity=2)], attendee_names=["A", "B"], donation=500)
    request = urllib.request.Request(
        f"%(emulator)s/_emulator/sessions/{order.stripe_checkout_session_id}/pay", data=b"", method="POST")
    urllib.request.urlopen(request).read()
    payments.confirm_from_success_page(order=order, session_id=order.stripe_checkout_session_id)
    paid.append(order.pk)
times = []
for pk in paid:
    order = Order.objects.get(pk=pk)
    start = time.perf_counter()
    refund = refunds.refund_order(order=order, user=staff)
    times.append((time.perf_counter() - start) * 1000)
    assert refund.state == "succeeded", refund.state
print(json.dumps({"times": times, "left": TicketType.objects.get(pk=weekend.pk).reserved}))
"""


def wait_for(url, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def main():
    emulator = f"http://127.0.0.1:{STRIPE_PORT}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "festival.settings.production",
        "SECRET_KEY": "bench-refunds-" + "k" * 50,
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "STRIPE_SECRET_KEY": "sk_test_bench_emulator",  # production needs a key; the emulator takes any
        "STRIPE_API_BASE": emulator,
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_refunds",
        "SITE_URL": "http://127.0.0.1:8000",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("REDIS_URL", None)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    stripe = None
    try:
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        stripe = subprocess.Popen(  # noqa: S603
            [PY, "manage.py", "stripe_emulator", "--port", str(STRIPE_PORT), "--sweep-interval", "60"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(f"{emulator}/health")
        job = JOB % {"count": REFUNDS + WARM, "emulator": emulator}
        done = subprocess.run([PY, "manage.py", "shell", "-c", job], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            print(done.stderr[-3000:])
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if stripe is not None:
            stripe.terminate()
            stripe.wait(timeout=10)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    times = result["times"][WARM:]
    print(f"refunds: {len(times)}, p90 {statistics.quantiles(times, n=10)[-1]:.1f} ms, places held after: "
          f"{result['left']}")  # fmt: skip
    ok = report("refund_end_to_end", statistics.median(times), "ms", "<=", 200)
    ok &= report("refund_places_given_back", result["left"], "places held", "==", 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
