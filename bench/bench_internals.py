#!/usr/bin/env python
"""Implementation checks that buy speed but that no visitor sees, run as a bench (bench/checks/):
how the database plans a door scan's lookup, the garbage collector's settings once the WSGI module
has loaded, and gunicorn's choice of its C parser. They run on the database DATABASE_URL names
(the test suite's SQLite when unset; the scan plan's PostgreSQL checks need PostgreSQL)."""

import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "bench/checks", "-p", "no:randomly", "-rf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0
    failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|error)", summary))
    if failed or run.returncode:
        print(run.stdout[-4000:], run.stderr[-2000:], sep="\n")
    met = report("implementation checks failing", failed, "checks", "==", 0)
    met &= report("implementation checks passing", passed, "checks", ">=", 4)
    return 0 if met and run.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
