#!/usr/bin/env python
"""Exports: 10,000 tickets of one edition to XLSX and to CSV, through the exports page's own code.

Builds the edition in a throwaway SQLite database (BENCH_DATABASE_URL for another), then times
each format over a few rounds (the median; target under 10 s each), and reports the peak of
Python's memory during one export of each (tracemalloc, measured in a run of its own because
tracing slows the code down), with the SQL queries an export took.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import salesdata  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from report import report  # noqa: E402

from reports import exports  # noqa: E402
from tests.ticketing.factories import UserFactory  # noqa: E402

TICKETS = 10_000
ROUNDS = 3


def main() -> int:
    started = time.perf_counter()
    salesdata.migrate()
    festival = salesdata.edition("bench-exports", "Festival Export Bench")
    salesdata.sell(festival, tickets=TICKETS, check_ins=0, staff=UserFactory(username="bench-door"))
    print(f"built {TICKETS} tickets in {time.perf_counter() - started:.1f} s", flush=True)
    ok = True
    for file_format in ("xlsx", "csv"):
        exports.export(festival=festival, dataset="tickets", file_format=file_format)  # warm imports
        times = []
        for _ in range(ROUNDS):
            begun = time.perf_counter()
            file = exports.export(festival=festival, dataset="tickets", file_format=file_format)
            times.append(time.perf_counter() - begun)
        with CaptureQueriesContext(connection) as queries:
            exports.export(festival=festival, dataset="tickets", file_format=file_format)
        tracemalloc.start()
        exports.export(festival=festival, dataset="tickets", file_format=file_format)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        label = file_format.upper()
        ok &= report(f"export {TICKETS} tickets to {label} (median of {ROUNDS})", round(statistics.median(times), 2),
                     "s", "<", 10)  # fmt: skip
        report(f"export {TICKETS} tickets to {label}: peak Python memory", round(peak / 2**20, 1), "MB", "<=", 512)
        report(f"export {TICKETS} tickets to {label}: queries", len(queries), "queries", "<=", 5)
        print(f"({label} file: {len(file.content) / 2**20:.2f} MB)", flush=True)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"({connection.vendor}, load average {load}, total run {time.perf_counter() - started:.0f} s)", flush=True)
    salesdata.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
