#!/usr/bin/env python
"""Badge PDFs: a fresh render, a stored download over HTTP, and a bulk sheet of 1,000.

On PostgreSQL with gunicorn at 2 workers (production settings). The fresh render is timed
twice: in-process (render and store, where the worker renders it) and over HTTP, where a
download of a badge the worker has not rendered yet renders it on demand. The stored
download and the bulk sheet follow. pretix's own PDF suite from the peer kit runs in the
same session (PEER_DIR=/tmp/pretix-peer; BENCH_PEER=0 skips it).
"""

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import doorkit  # noqa: E402
from report import report  # noqa: E402

RENDERS = int(os.environ.get("BENCH_RENDERS", "30"))
BULK = int(os.environ.get("BENCH_BULK", "1000"))


def pretix_pdf() -> dict | None:
    if not doorkit.peer_ready():
        return None
    env = {**os.environ, "PEER_DIR": str(doorkit.PEER_DIR), "TAG": "badge-bench", "N": "30"}
    subprocess.run([str(doorkit.KIT / "run_pdf.sh")], env=env, check=True, capture_output=True)
    out = doorkit.PEER_DIR / "results" / "badge-bench"
    http = json.loads((out / "pdf_http.json").read_text())
    inprocess = json.loads((out / "pdf_inprocess.json").read_text())
    return {"http": http, "inprocess": inprocess}


def _in_process() -> dict:
    """Django job: fresh renders (render + store) and one bulk sheet; returns figures and download URLs."""
    from django.db import connection

    from ticketing.models import Ticket
    from ticketing.services import badges

    tickets = list(
        Ticket.objects.filter(ticket_type__festival__slug="bench-list")
        .select_related("order", "ticket_type__festival")
        .order_by("pk")[: 2 * RENDERS + 1]
    )
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(badge_pdf="", badge_rendered_at=None)
    on_demand, tickets = tickets[RENDERS + 1 :], tickets[: RENDERS + 1]
    badges.store_badge(ticket=tickets[0])  # the process's first render loads fonts and the stylesheet
    times = []
    for ticket in tickets[1:]:
        start = time.perf_counter()
        badges.store_badge(ticket=ticket)
        times.append((time.perf_counter() - start) * 1000)
    bulk = badges.tickets_for_printing(festival=tickets[0].ticket_type.festival)[:BULK]
    start = time.perf_counter()
    pdf = badges.render_bulk_pdf(tickets=bulk, layout=badges.Layout.A4, mark_printed=False)
    bulk_seconds = time.perf_counter() - start
    connection.close()
    return {
        "render_ms": times,
        "bulk_seconds": bulk_seconds,
        "bulk_count": len(bulk),
        "bulk_bytes": len(pdf),
        "urls": [f"/tickets/orders/{t.order.access_token}/badges/{t.pk}.pdf" for t in tickets[1:]],
        "fresh_urls": [f"/tickets/orders/{t.order.access_token}/badges/{t.pk}.pdf" for t in on_demand],
    }


def _get_ms(url: str) -> float:
    start = time.perf_counter()
    body = urllib.request.urlopen(doorkit.BASE + url, timeout=30).read()
    elapsed = (time.perf_counter() - start) * 1000
    assert body.startswith(b"%PDF-")
    return elapsed


def main() -> int:
    doorkit.prepare()
    pretix = pretix_pdf()
    figures = doorkit.django_job("badges")
    with doorkit.Server():
        for url in figures["urls"][:4]:  # warm both workers
            _get_ms(url)
        # One at a time, as the kit measures pretix: the first download renders and stores.
        fresh = [_get_ms(url) for url in figures["fresh_urls"]]
        downloads = [_get_ms(url) for _ in range(3) for url in figures["urls"] + figures["fresh_urls"]]
    render_ms = statistics.median(figures["render_ms"])
    fresh_ms = statistics.median(fresh)
    download_ms = statistics.median(downloads)
    per_second = figures["bulk_count"] / figures["bulk_seconds"]
    if pretix:
        http, inprocess = pretix["http"], pretix["inprocess"]
        print(
            f"pretix PDF (same run): first call incl. render p50 {http['first_call_incl_render']['p50_ms']} ms, "
            f"until the PDF arrives p50 {http['until_pdf_ready']['p50_ms']} ms, "
            f"cached download p50 {http['cached_download']['p50_ms']} ms, "
            f"in-process warm render p50 {inprocess['warm_single']['p50_ms']} ms",
            flush=True,
        )
    else:
        print("pretix was not measured (no peer in PEER_DIR); its reference: render 140 ms, cached download 55 ms")
    print(
        f"ours: {figures['bulk_count']} badges in {figures['bulk_seconds']:.1f} s as one 4-up A4 PDF "
        f"({figures['bulk_bytes'] / 1e6:.1f} MB)",
        flush=True,
    )
    ok = True
    ok &= report("badge fresh render in the worker (render and store, median)", round(render_ms, 1), "ms", "<=", 100)
    ok &= report("badge fresh render on download over HTTP (median)", round(fresh_ms, 1), "ms", "<=", 100)
    ok &= report("badge stored download over HTTP (median)", round(download_ms, 2), "ms", "<=", 10)
    ok &= report(f"bulk badge PDF, {figures['bulk_count']} badges", round(per_second, 1), "badges/s", ">=", 50)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
