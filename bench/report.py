"""One way to print a benchmark figure: ``bench: NAME: FIGURE UNIT (target OP VALUE: met|missed)``."""

import operator

OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt, "==": operator.eq}


def report(name: str, figure: float, unit: str, op: str, target: float) -> bool:
    met = OPS[op](figure, target)
    shown = f"{figure:.3g}" if isinstance(figure, float) else str(figure)
    print(f"bench: {name}: {shown} {unit} (target {op} {target}: {'met' if met else 'missed'})", flush=True)
    return met
