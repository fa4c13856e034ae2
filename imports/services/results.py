"""What an import found or did, row by row, for the preview and the confirmation alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

CREATE, UPDATE = "create", "update"
PREVIEW_ROWS = 200  # rows shown in the preview table; every bad row is listed however many


@dataclass
class RowResult:
    """One row of the file: what it would do (``action``), to what (``label``), or what is wrong with it."""

    number: int
    label: str = ""
    action: str = ""
    detail: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    @property
    def messages(self) -> list[str]:
        """Each error as one line naming its column (``__all__`` for the row as a whole)."""
        return [message if column == "__all__" else f"{column}: {message}"
                for column, messages in self.errors.items() for message in messages]  # fmt: skip


@dataclass
class ImportResult:
    """The rows and any problem of the import as a whole (no room left, no programme page)."""

    rows: list[RowResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def bad_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.bad_rows

    @property
    def created(self) -> int:
        return sum(row.action == CREATE for row in self.rows)

    @property
    def updated(self) -> int:
        return sum(row.action == UPDATE for row in self.rows)

    @property
    def shown_rows(self) -> list[RowResult]:
        return self.rows[:PREVIEW_ROWS]

    def summary(self) -> str:
        if not self.ok:
            return _("%(bad)s of %(total)s rows have errors; nothing has been written.") % {
                "bad": len(self.bad_rows),
                "total": len(self.rows),
            }
        return _("%(created)s to create, %(updated)s to update.") % {"created": self.created, "updated": self.updated}


def mark_duplicates(rows: list[RowResult], keys: list, *, column: str, message: str) -> None:
    """A row whose key (not None) an earlier row has is an error naming the earlier row."""
    seen: dict = {}
    for row, key in zip(rows, keys, strict=True):
        if key is None:
            continue
        if key in seen:
            row.add(column, message % {"row": seen[key]})
        else:
            seen[key] = row.number
