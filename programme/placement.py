"""Where a card sits on the programme grid, as class names rather than style attributes.

The public pages' Content-Security-Policy should not need inline styles, so the grid's placement is
a fixed set of classes in ``static/css/programme-grid.css``, written by this module
(``python -m programme.placement > static/css/programme-grid.css``; a test keeps the two equal):
``grid--stages-N`` (a day with N stage columns), ``gc-N`` (the column), ``gr-N`` and ``ge-N`` (the
first row and the row line it ends at). Rows are five-minute steps, so a whole day fits.
"""

MAX_STAGES = 24
MAX_ROW = 2 + 24 * 12  # the header row, then a day of five-minute steps


def grid_class(stages: int) -> str:
    return f"grid--stages-{max(1, min(stages, MAX_STAGES))}"


def slot_classes(*, column: int, row_start: int, row_end: int) -> str:
    """The classes that put a card in ``column`` from row ``row_start`` up to the line ``row_end``."""
    column = max(2, min(column, MAX_STAGES + 1))
    row_start = max(2, min(row_start, MAX_ROW))
    row_end = max(row_start + 1, min(row_end, MAX_ROW + 1))
    return f"gc-{column} gr-{row_start} ge-{row_end}"


def row_class(row: int) -> str:
    return f"gr-{max(2, min(row, MAX_ROW))}"


def stylesheet() -> str:
    """The text of ``static/css/programme-grid.css``."""
    lines = [
        "/* Written by programme/placement.py: python -m programme.placement > static/css/programme-grid.css */",
        "@media (min-width: 64rem) {",
    ]
    lines += [
        f".grid--stages-{n} {{ grid-template-columns: 3.5rem repeat({n}, minmax(10rem, 1fr)); }}"
        for n in range(1, MAX_STAGES + 1)
    ]
    lines += [f".gc-{n} {{ grid-column: {n}; }}" for n in range(2, MAX_STAGES + 2)]
    lines += [f".gr-{n} {{ grid-row-start: {n}; }}" for n in range(2, MAX_ROW + 1)]
    lines += [f".ge-{n} {{ grid-row-end: {n}; }}" for n in range(3, MAX_ROW + 2)]
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(stylesheet(), end="")
