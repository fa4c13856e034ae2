#!/usr/bin/env python
"""The door under load, beside the real pretix when its peer kit is set up.

On PostgreSQL with gunicorn at 2 workers: first scans, repeat scans and unknown codes at
16 concurrent scanners (wrk with bench/door_scan.lua; its own CPU share is printed), and
the offline door list of 5,000 tickets. pretix is measured in the same run with the kit's
loadtest.py (/work/shared/peers/pretix, PEER_DIR=/tmp/pretix-peer), each kind just before
the site's; when the peer is absent the figures are printed against the issue's reference
of 17 first scans/s.
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
from report import report, stolen_cpu_seconds  # noqa: E402

# pretix's published figures (PostgreSQL + Redis, c=16), used only when its peer is absent.
PRETIX_REFERENCE_RPS = {"first": 17.0, "repeat": 17.9, "unknown": 29.7}
PRETIX_N = int(os.environ.get("PRETIX_N", "400"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))


# The kit's runs of each kind, and the result file each writes.
PRETIX_RUNS = {
    "first": ("CONCS", "unique"),
    "repeat": ("REPEAT_CONCS", "repeat"),
    "unknown": ("INVALID_CONCS", "invalid"),
}


def pretix_checkin(kind: str) -> dict:
    """pretix's scans of one kind (first, repeat or unknown) at c=16, with the kit's own tools.

    Its repeat run cycles over secrets its first-scan run checked in, so "first" runs first.
    """
    out_dir = doorkit.PEER_DIR / "results" / "door-bench"
    sizes = {name: "" for name, _ in PRETIX_RUNS.values()}  # an empty list of concurrencies skips that run
    variable, name = PRETIX_RUNS[kind]
    sizes[variable] = "16"
    env = {**os.environ, **sizes, "PEER_DIR": str(doorkit.PEER_DIR), "N": str(PRETIX_N), "TAG": "door-bench"}
    stolen, started = stolen_cpu_seconds(), time.perf_counter()
    subprocess.run([str(doorkit.KIT / "run_checkin.sh")], env=env, check=True, capture_output=True)
    stolen = (stolen_cpu_seconds() - stolen) / (time.perf_counter() - started)  # over the kit's whole run
    data = json.loads((out_dir / f"checkin_{name}_c16.json").read_text())
    return {
        "rps": data["throughput_rps"],
        "p99_ms": data["latency_ms_all"]["p99"],
        "p50_ms": data["latency_ms_all"]["p50"],
        "errors": data["requests_done"] - sum(v for k, v in data["status_codes"].items() if k[0] in "234"),
        "statuses": data["status_codes"],
        "stolen_cpu": stolen,
    }


def door_list_figures(token: str) -> tuple[float, int]:
    """Median time to serve the 5,000-ticket door list (of 5 fetches) and its size in bytes."""
    times, size = [], 0
    for _ in range(6):
        request = urllib.request.Request(doorkit.BASE + "/door/api/list/", headers={"Authorization": f"Bearer {token}"})
        start = time.perf_counter()
        body = urllib.request.urlopen(request, timeout=30).read()
        times.append(time.perf_counter() - start)
        size = len(body)
        assert len(json.loads(body)["tickets"]) == doorkit.LIST_TICKETS
    return statistics.median(times[1:]) * 1000, size


def main() -> int:
    setup = doorkit.prepare()
    print(f"bench data: {setup['tickets']} scan tickets, {doorkit.LIST_TICKETS} in the door list", flush=True)
    peer = doorkit.peer_ready()
    if not peer:
        print("pretix was not measured (no peer in PEER_DIR); comparing with its reference figure", flush=True)
    doorkit.django_job("reset")
    url = doorkit.BASE + "/door/api/scan/"
    work = doorkit.WORK
    pretix, ours = {}, {}
    with doorkit.Server():
        token = setup["scan_token"]
        doorkit.wrk(url, work / "unknown_secrets.txt", "repeat", token, seconds=2)  # warm the workers
        # Each kind is measured on pretix and then at once on the site, so both meet the same
        # neighbours on a shared machine: its load changes from one minute to the next.
        for kind, (secrets_file, mode) in {
            "first": ("scan_secrets.txt", "unique"),
            "repeat": ("repeat_secrets.txt", "repeat"),
            "unknown": ("unknown_secrets.txt", "repeat"),
        }.items():
            if peer:
                run = pretix[kind] = pretix_checkin(kind)
                print(
                    f"pretix {kind} scans c=16: {run['rps']:.1f} req/s, p50 {run['p50_ms']:.0f} ms, "
                    f"p99 {run['p99_ms']:.0f} ms, statuses {run['statuses']}, "
                    f"CPU stolen by other machines {run['stolen_cpu']:.0%} of a core",
                    flush=True,
                )
            if kind == "repeat":
                doorkit.django_job("admit_pool")
            run = ours[kind] = doorkit.wrk(url, work / secrets_file, mode, token, seconds=SECONDS)
            print(
                f"ours {kind} scans c=16: {run['rps']:.0f} req/s, p50 {run['p50_ms']:.1f} ms, "
                f"p99 {run['p99_ms']:.1f} ms, replies {run['classes']}, wrk CPU {run['load_generator_cpu']:.0%} "
                f"of a core, CPU stolen by other machines {run['stolen_cpu']:.0%} of a core",
                flush=True,
            )
        list_ms, list_bytes = door_list_figures(setup["list_token"])
    expected = {"first": "admitted", "repeat": "already_checked_in", "unknown": "unknown_code"}
    if ours["first"]["requests"] > setup["tickets"]:
        print("warning: more first scans than tickets; the tail were repeat scans", flush=True)
    ok = True
    for kind, run in ours.items():
        # Each kind is held against pretix's own figure for the same kind, measured in this run.
        theirs = pretix[kind]["rps"] if pretix else PRETIX_REFERENCE_RPS[kind]
        source = "pretix in this run" if pretix else "pretix's reference figure; the peer was not run"
        print(f"door {kind} scans: {run['rps'] / theirs:.0f}x pretix's {theirs:.1f} req/s ({source})", flush=True)
        wrong = sum(v for k, v in run["classes"].items() if k != expected[kind])
        errors = run["socket_errors"] + run["non_2xx"] + (wrong if kind != "first" else 0)
        if kind == "first":
            errors += sum(v for k, v in run["classes"].items() if k.startswith("http_") or k == "unparsed")
        ok &= report(f"door {kind} scans c=16 throughput", round(run["rps"]), "req/s", ">=", round(20 * theirs))
        ok &= report(f"door {kind} scans c=16 p99", round(run["p99_ms"], 1), "ms", "<=", 60)
        ok &= report(f"door {kind} scans c=16 errors", errors, "errors", "==", 0)
    ok &= report("door list of 5000 tickets, time to serve", round(list_ms, 1), "ms", "<=", 1000)
    ok &= report("door list of 5000 tickets, size", round(list_bytes / 1_000_000, 3), "MB", "<=", 1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
