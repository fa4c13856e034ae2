#!/usr/bin/env python
"""Run every benchmark in bench/ (files named bench_*.py), or only the one named.

Each benchmark prints lines of the form
    bench: NAME: FIGURE UNIT (target OP VALUE: met|missed)
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv):
    only = argv[1] if len(argv) > 1 and argv[1] else None
    scripts = sorted(HERE.glob("bench_*.py"))
    if only:
        scripts = [s for s in scripts if s.stem == f"bench_{only}" or s.stem == only]
        if not scripts:
            names = ", ".join(s.stem.removeprefix("bench_") for s in sorted(HERE.glob("bench_*.py")))
            print(f"No benchmark called {only!r}. Known: {names or 'none yet'}")
            return 2
    if not scripts:
        print("No benchmarks in bench/ yet.")
        return 0
    status = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        status |= subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
