"""Reading an uploaded spreadsheet (CSV or XLSX) into a heading row and numbered rows of text.

Everything that can be wrong with the file as a whole is refused here with a ``FileProblem``
whose message says what to do: too big, empty, not a spreadsheet, not UTF-8, a delimiter other
than a comma, headings missing or unknown. Rows are numbered as the spreadsheet shows them (the
heading row is row 1), so an organiser can find a bad row in their own file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 5 * 2**20  # 5 MB: 10,000 attendees take about 600 kB as CSV
MAX_ROWS = 20_000
XLSX_MAGIC = b"PK\x03\x04"
OTHER_DELIMITERS = (";", "\t", "|")


class FileProblem(Exception):
    """The file as a whole cannot be read; ``message`` says why, for the organiser."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """The file's headings (normalised: lower case, spaces as underscores) and its rows, each
    ``(row number, {heading: value})``; blank rows are left out."""

    headings: list[str]
    rows: list[tuple[int, dict]]


def normalise_heading(text) -> str:
    return "_".join(str(text or "").strip().lower().replace("-", " ").split())


def read_table(content: bytes, filename: str, *, required: list[str], optional: list[str]) -> Table:
    """The table in ``content`` (CSV, or XLSX by its first bytes), its headings checked against
    ``required`` and ``optional``. Raises FileProblem."""
    if len(content) > MAX_BYTES:
        raise FileProblem(
            _("The file is %(size)s MB; the most we take is %(limit)s MB. Split it into smaller files.")
            % {"size": f"{len(content) / 2**20:.1f}", "limit": MAX_BYTES // 2**20}
        )
    if not content.strip():
        raise FileProblem(_("The file is empty. Choose a CSV or Excel file with a heading row and one row per line."))
    if content.startswith(XLSX_MAGIC):
        raw_rows = _xlsx_rows(content)
    elif filename.lower().endswith((".xlsx", ".xls", ".ods")) or b"\x00" in content[:4096]:
        raise FileProblem(
            _("This file is not a spreadsheet we can read. Save it as CSV (UTF-8) or as an Excel workbook (.xlsx).")
        )
    else:
        raw_rows = _csv_rows(_decode(content))
    return _table(raw_rows, required=required, optional=optional)


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a byte order mark); anything else is refused with how to fix it."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise FileProblem(
            _(
                "The file is not in UTF-8 (the first character we could not read is on line %(line)s). "
                "In Excel choose Save As → “CSV UTF-8 (Comma delimited)”; in LibreOffice tick "
                "“Edit filter settings” and pick Unicode (UTF-8)."
            )
            % {"line": line}
        ) from exc


def _csv_rows(text: str) -> list[list]:
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for delimiter in OTHER_DELIMITERS:
            if delimiter in first_line:
                shown = {"\t": _("tabs"), ";": _("semicolons"), "|": _("vertical bars")}[delimiter]
                raise FileProblem(
                    _(
                        "The columns are separated by %(delimiter)s; we need commas. "
                        "Save the file as CSV (comma delimited)."
                    )
                    % {"delimiter": shown}
                )
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileProblem(_("The file is not valid CSV (%(error)s).") % {"error": exc}) from exc


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(
            _("This file is not a spreadsheet we can read. Save it as CSV (UTF-8) or as an Excel workbook (.xlsx).")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell(value):
    """An XLSX cell as text, but dates and times kept as they are (the column's reader knows their zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(raw_rows: list[list], *, required: list[str], optional: list[str]) -> Table:
    while raw_rows and not any(str(v).strip() for v in raw_rows[-1]):
        raw_rows.pop()
    if not raw_rows:
        raise FileProblem(_("The file is empty. Choose a CSV or Excel file with a heading row and one row per line."))
    headings = [normalise_heading(h) for h in raw_rows[0]]
    while headings and not headings[-1]:
        headings.pop()
    known = set(required) | set(optional)
    missing = [h for h in required if h not in headings]
    unknown = [h for h in headings if h and h not in known]
    problems = []
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("Columns we do not know: %(names)s.") % {"names": ", ".join(unknown)})
    if "" in headings:
        problems.append(_("A column has no heading."))
    if len(set(headings)) != len(headings):
        problems.append(_("A heading appears twice."))
    if problems:
        expected = ", ".join([*required, *(f"{h} ({_('optional')})" for h in optional)])
        raise FileProblem(
            " ".join([*problems, _("The first row must name the columns: %(names)s.") % {"names": expected}])
        )
    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        if not any(str(v).strip() for v in raw):
            continue
        cells = [v.strip() if isinstance(v, str) else v for v in raw]
        if len(cells) > len(headings) and any(str(v).strip() for v in cells[len(headings) :]):
            row = {"__extra__": True}
        else:
            row = {}
        cells += [""] * (len(headings) - len(cells))
        row.update(zip(headings, cells, strict=False))
        rows.append((number, row))
    if not rows:
        raise FileProblem(_("The file has a heading row but no rows under it."))
    if len(rows) > MAX_ROWS:
        raise FileProblem(
            _("The file has %(count)s rows; the most we take at once is %(limit)s. Split it into smaller files.")
            % {"count": f"{len(rows):,}", "limit": f"{MAX_ROWS:,}"}
        )
    return Table(headings=headings, rows=rows)
