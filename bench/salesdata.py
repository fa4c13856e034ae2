"""Shared set-up for the exports and dashboard benchmarks: Django on a throwaway database, and an
edition on today with its ticket types, paid orders, tickets, ledger rows and door scans.

Import this module first: it points Django at a fresh SQLite file (or at BENCH_DATABASE_URL)
with the test settings, and sets Django up.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="bench-sales-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "festival.settings.test"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from datetime import datetime, time, timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from festival import roles  # noqa: E402
from festival.demo import seed_site, upsert_child  # noqa: E402
from festival.models import FestivalPage  # noqa: E402
from ticketing.ledger import LedgerState  # noqa: E402
from ticketing.models import CheckIn, Order, Payment, Refund, Ticket, TicketType  # noqa: E402

BATCH = 2000
DOORS = ["Main gate", "Side gate", "Accessible entrance", "Backstage"]


def migrate() -> None:
    call_command("migrate", verbosity=0)


def edition(slug: str, title: str) -> FestivalPage:
    """An edition on yesterday, today and tomorrow (the live edition the dashboard shows)."""
    home = seed_site()
    roles.sync_roles(root_page=home)
    today = timezone.localdate()
    return upsert_child(
        home, FestivalPage, slug=slug, title=title, start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1), venue_name="Northern Co-operative Hall", time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )  # fmt: skip


def sell(festival: FestivalPage, *, tickets: int, check_ins: int, staff, prefix: str = "") -> None:
    """Paid orders of two tickets each (``tickets`` in all) over the 30 days before the edition, a
    succeeded payment for each, a refund for one order in 50, and ``check_ins`` door scans:
    admissions yesterday and today (at most one per ticket a day), the rest refused scans. Call
    again with another ``prefix`` to add more to the same edition."""
    tz = festival.tz
    types = [
        TicketType.objects.create(festival=festival, name=prefix + name, price=price, capacity=tickets, sort_order=n)
        for n, (name, price) in enumerate([("Weekend", 4500), ("Day", 2000), ("Solidarity", 1500)])
    ]
    first_day = festival.start_date - timedelta(days=30)
    orders = [
        Order(
            festival=festival,
            code=f"B{prefix}{festival.pk}-{n}",
            buyer_name=f"Buyer {n}",
            buyer_email=f"buyer{n}@example.org",
            status=Order.Status.PAID,
            total=6000,
            donation=500 if n % 5 == 0 else 0,
            paid_at=datetime.combine(first_day + timedelta(days=n % 30), time(9 + n % 12, n % 60), tzinfo=tz),
        )  # fmt: skip
        for n in range(tickets // 2)
    ]
    Order.objects.bulk_create(orders, batch_size=BATCH)
    orders = list(Order.objects.filter(festival=festival, code__startswith=f"B{prefix}{festival.pk}-").order_by("pk"))
    Ticket.objects.bulk_create(
        [
            Ticket(
                order=order,
                ticket_type=types[(n + k) % 3],
                status=Ticket.Status.VALID,
                attendee_name=f"Attendee {n}-{k}",
                pronouns="they/them" if n % 7 == 0 else "",
                price=types[(n + k) % 3].price,
            )  # fmt: skip
            for n, order in enumerate(orders)
            for k in range(2)
        ],
        batch_size=BATCH,
    )
    done = LedgerState.SUCCEEDED
    Payment.objects.bulk_create(
        [Payment(order=order, amount=order.total, state=done, stripe_payment_intent_id=f"pi_{prefix}{o}")
         for o, order in enumerate(orders)],
        batch_size=BATCH,
    )  # fmt: skip
    Refund.objects.bulk_create(
        [Refund(order=order, amount=1500, state=done, idempotency_key=f"bench-{prefix}{festival.pk}-{o}")
         for o, order in enumerate(orders) if o % 50 == 0],
        batch_size=BATCH,
    )  # fmt: skip
    ticket_ids = list(Ticket.objects.filter(ticket_type__in=types).order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate(timezone=tz)
    yesterday = today - timedelta(days=1)
    scans = []
    for n in range(check_ins):
        day, index = (yesterday, n) if n < len(ticket_ids) // 2 else (today, n - len(ticket_ids) // 2)
        admitted = index < len(ticket_ids) * 0.9
        when = datetime.combine(day, time(8 + index % 12, index % 60), tzinfo=tz)
        scans.append(
            CheckIn(
                festival=festival,
                ticket_id=ticket_ids[index % len(ticket_ids)],
                result=CheckIn.Result.ADMITTED if admitted else CheckIn.Result.ALREADY_CHECKED_IN,
                day=day,
                door=DOORS[n % len(DOORS)],
                staff=staff,
                nonce=f"{prefix}{festival.pk}-{n}",
                scanned_at=when,
            )  # fmt: skip
        )
    CheckIn.objects.bulk_create(scans, batch_size=BATCH)
    # As autovacuum does after a bulk change: without statistics PostgreSQL plans for empty tables.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def close() -> None:
    connection.close()
