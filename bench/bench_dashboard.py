#!/usr/bin/env python
"""The admin home's dashboard for an edition on today with 20,000 tickets and 30,000 check-ins.

Builds the edition in a throwaway SQLite database (BENCH_DATABASE_URL for another), signs in an
organiser (who sees every panel), and measures with Django's test Client the whole admin home
(Wagtail's own panels too), uncached (nothing on it is cached), over a few rounds: the median
server time, target under 300 ms. Its SQL queries are counted with a tenth of the data first
and then with all of it: the count must not grow.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import salesdata  # noqa: E402  (sets Django up)
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from report import report  # noqa: E402

from festival import roles  # noqa: E402
from festival.editions import current_festival  # noqa: E402
from reports import panels  # noqa: E402
from tests.ticketing.factories import UserFactory  # noqa: E402

TICKETS, CHECK_INS = 20_000, 30_000
ROUNDS = 15


def measure(client, url) -> tuple[int, float, int]:
    """Queries of one request, the median milliseconds over ROUNDS, and the panels rendered."""
    client.get(url)  # warm: templates, the menu, the site
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    shown = sum(f'id="dashboard-{panel.name}-section"' in response.content.decode() for panel in panels.PANELS)
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return len(queries), statistics.median(timings), shown


def panels_ms(user) -> float:
    """The median milliseconds to read and render the dashboard's panels alone (the current
    edition found, each panel's figures read and its template rendered), over ROUNDS."""
    request = RequestFactory().get(reverse("wagtailadmin_home"))
    request.user = user
    timings = []
    for _ in range(ROUNDS + 1):
        started = time.perf_counter()
        html = "".join(panel.render_html({"request": request}) for panel in panels.panels_for(user, current_festival()))
        timings.append((time.perf_counter() - started) * 1000)
        assert "dashboard-arrivals-section" in html
    return statistics.median(timings[1:])


def main() -> int:
    started = time.perf_counter()
    setup_test_environment()
    # As Django's test runner does: keep one connection instead of reconnecting around every request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    salesdata.migrate()
    organiser = UserFactory(username="bench-organiser")
    door = UserFactory(username="bench-door")
    client = Client()
    client.force_login(organiser)
    url = reverse("wagtailadmin_home")

    small = salesdata.edition("bench-dashboard", "Festival Dashboard Bench")
    organiser.groups.add(*[g for g in roles.sync_roles().values() if g.name == roles.ORGANISER])
    salesdata.sell(small, tickets=TICKETS // 10, check_ins=CHECK_INS // 10, staff=door)
    small_queries, small_ms, _ = measure(client, url)
    print(f"with {TICKETS // 10} tickets and {CHECK_INS // 10} check-ins: {small_queries} queries, "
          f"admin home median {small_ms:.1f} ms, panels alone {panels_ms(organiser):.1f} ms", flush=True)  # fmt: skip

    # The same edition grown tenfold: the dashboard shows the edition on today.
    salesdata.sell(small, tickets=TICKETS - TICKETS // 10, check_ins=CHECK_INS - CHECK_INS // 10, staff=door,
                   prefix="more")  # fmt: skip
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
    queries, median, shown = measure(client, url)
    panels_median = panels_ms(organiser)
    ok = True
    ok &= report(f"dashboard panels ({TICKETS} tickets, {CHECK_INS} check-ins) uncached median", round(panels_median),
                 "ms", "<", 300)  # fmt: skip
    ok &= report(f"admin home with the dashboard ({TICKETS} tickets) uncached median", round(median, 1), "ms",
                 "<", 300)  # fmt: skip
    ok &= report(f"dashboard queries ({TICKETS} tickets; {small_queries} with a tenth)", queries, "queries", "==",
                 small_queries)  # fmt: skip
    ok &= report("dashboard panels shown to an organiser", shown, "panels", "==", len(panels.PANELS))
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    total = time.perf_counter() - started
    print(f"({connection.vendor}, {ROUNDS} rounds, load average {load}, total run {total:.0f} s)", flush=True)
    salesdata.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
