#!/usr/bin/env python
"""A message to 10,000 ticket holders: queued through the outbox, then delivered to a local SMTP sink.

On PostgreSQL with the production settings. Seeds an edition with BENCH_HOLDERS (10,000) valid
tickets, each bought by a different address, and a draft message; then times

- ``mailing_queued``: the organiser's press (``services.start_sending``: the count and the guarded
  update) and the task's work (``sending.send``: the addresses, one keyed outbox row per address in
  batches, the delivery tasks); target under 10 s;
- ``mailing_delivered``: the outbox's delivery (``delivery.deliver_due``, as the worker's sweep and
  its delivery tasks run it: claim, send, record, one SMTP session per batch) of every one of them
  to an aiosmtpd sink in its own process on 127.0.0.1; target 200 emails a second or more.

Then presses send again and runs the task again: no email more. Creates and drops its own database
(festival_bench_mailings). Set BENCH_PG for another server. Autovacuum is off on the bench
machines, so the seeded tables are analysed before the timing, as autovacuum would.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import report, stolen_cpu_seconds  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "festival_bench_mailings")
HOLDERS = int(os.environ.get("BENCH_HOLDERS", "10000"))

JOB = """
import json, time
from datetime import date, timedelta
from django.contrib.auth import get_user_model
from django.db import connection
from festival import roles
from festival.demo import seed_site, upsert_child
from festival.models import FestivalPage
from mailings import sending, services
from mailings.models import Message
from outbox import delivery
from outbox.models import OutgoingEmail
from ticketing.models import Order, Ticket, TicketType

home = seed_site()
festival = upsert_child(home, FestivalPage, slug="2026", title="Festival of Resistance 2026",
    start_date=date.today() + timedelta(days=30), end_date=date.today() + timedelta(days=32), venue_name="Hall",
    status="on_sale")
weekend = TicketType.objects.create(festival=festival, name="Weekend", price=3500, capacity=%(holders)d)
orders = Order.objects.bulk_create([Order(festival=festival, buyer_name=f"Buyer {n}", buyer_email=f"b{n}@example.org",
                                          code=f"FOR-B{n:05d}", status="paid") for n in range(%(holders)d)],
                                   batch_size=1000)
Ticket.objects.bulk_create([Ticket(order=o, ticket_type=weekend, attendee_name=o.buyer_name, status="valid")
                            for o in orders], batch_size=1000)
organiser = get_user_model().objects.create_user("olu", password="x", email="olu@festival.invalid")
organiser.groups.add(roles.sync_roles()[roles.ORGANISER])
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")  # as autovacuum would after the seeding (it is off on the bench machines)
message = Message.objects.create(festival=festival, created_by=organiser, subject="Doors open at ten",
                                 body="Hello,\\n\\nThe doors open at 10:00 on Friday.\\n\\nSee you there!")

start = time.perf_counter()
pressed = services.start_sending(message, user=organiser)
queued_count = sending.send(message.pk)   # the task's work, as the worker runs it
queued = time.perf_counter() - start

start = time.perf_counter()
while OutgoingEmail.objects.filter(state="queued").exists():
    delivery.deliver_due(limit=1000)
delivered = time.perf_counter() - start

try:
    services.start_sending(message, user=organiser)
    again = "sent again"
except services.MailingError as error:
    again = error.code
Message.objects.filter(pk=message.pk).update(state="sending")  # as if a retried task ran once more
sending.send(message.pk)
states = {s: OutgoingEmail.objects.filter(state=s).count() for s in ("queued", "sending", "sent", "failed")}
print(json.dumps({"pressed": pressed, "queued_count": queued_count, "queued": queued, "delivered": delivered,
                  "states": states, "again": again, "rows": OutgoingEmail.objects.count()}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the SMTP sink on port {port} did not answer")


def main():
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "festival.settings.production",
        "SECRET_KEY": "bench-mailings-" + "k" * 50,
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "STRIPE_SECRET_KEY": "sk_test_bench_unused",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_mailings",
        "SITE_URL": "http://127.0.0.1:8000",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("REDIS_URL", None)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    sink = None
    try:
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        sink = subprocess.Popen(  # noqa: S603
            [PY, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(port)
        stolen = stolen_cpu_seconds()
        job = JOB % {"holders": HOLDERS}
        done = subprocess.run([PY, "manage.py", "shell", "-c", job], cwd=ROOT, env=env, capture_output=True, text=True)
        stolen = stolen_cpu_seconds() - stolen
        if done.returncode:
            print(done.stderr[-3000:])
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if sink is not None:
            sink.terminate()
            sink.wait(timeout=10)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    states = result["states"]
    print(f"mailing: {result['queued_count']} addresses queued in {result['queued']:.2f} s, delivered in "
          f"{result['delivered']:.2f} s; outbox {states}; pressed again: {result['again']}; "
          f"CPU stolen by other machines: {stolen:.1f} s")  # fmt: skip
    ok = report("mailing_queued", result["queued"], "s", "<", 10)
    ok &= report("mailing_delivered", states["sent"] / result["delivered"], "emails/s", ">=", 200)
    ok &= report("mailing_each_address_once", result["rows"], "emails", "==", HOLDERS)
    ok &= report("mailing_all_delivered", states["sent"], "emails", "==", HOLDERS)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
