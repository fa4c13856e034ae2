"""One way to print a benchmark figure: ``bench: NAME: FIGURE UNIT (target OP VALUE: met|missed)``."""

import operator
import os

OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt, "==": operator.eq}


def report(name: str, figure: float, unit: str, op: str, target: float) -> bool:
    met = OPS[op](figure, target)
    shown = f"{figure:.3g}" if isinstance(figure, float) else str(figure)
    print(f"bench: {name}: {shown} {unit} (target {op} {target}: {'met' if met else 'missed'})", flush=True)
    return met


def stolen_cpu_seconds() -> float:
    """CPU time the hypervisor gave to other machines (``steal`` in /proc/stat), in core-seconds.

    Shared virtual machines lose whole stretches of CPU to their neighbours: a run that lost
    much of it measured the neighbours, not the code. Each bench prints its share."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return 0.0
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0
