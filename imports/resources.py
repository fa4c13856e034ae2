"""The columns of each import, as django-import-export resources: one field per column, its widget
turning the cell into a value or raising ValueError with a message for the organiser.

The resources declare and clean; the services (``imports.services``) match rows to records and
write them, in bulk where they can (import-export's own ``import_data`` saves one row at a time,
and cannot place Wagtail pages in the page tree).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from ticketing.names import clean_name

DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")
YES = {"yes", "y", "true", "1", "x", "✓"}
NO = {"no", "n", "false", "0", ""}


class TextWidget(widgets.Widget):
    """Trimmed text, at most ``max_length`` characters; ``required`` refuses a blank cell."""

    def __init__(self, *, max_length: int, required: bool = False, name: bool = False):
        super().__init__()
        self.max_length, self.required, self.name = max_length, required, name

    def clean(self, value, row=None, **kwargs):
        text = clean_name(str(value or "")) if self.name else " ".join(str(value or "").split())
        if self.required and not text:
            raise ValueError(_("This is needed."))
        if len(text) > self.max_length:
            raise ValueError(_("At most %(limit)s characters (this has %(count)s).") % {"limit": self.max_length,
                                                                                       "count": len(text)})  # fmt: skip
        return text


class EmailWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        email = str(value or "").strip()
        if not email:
            raise ValueError(_("This is needed."))
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValueError(_("“%(email)s” is not an email address.") % {"email": email[:80]}) from exc
        return email


class SlugWidget(widgets.Widget):
    """A page's address part: letters, digits and hyphens (blank: made from the row's name column)."""

    def __init__(self, *, from_column: str):
        super().__init__()
        self.from_column = from_column

    def clean(self, value, row=None, **kwargs):
        slug = str(value or "").strip()
        if not slug:
            return slugify(str((row or {}).get(self.from_column) or ""))[:255]
        if slug != slugify(slug) or len(slug) > 255:
            raise ValueError(_("Use only lower-case letters, digits and hyphens, e.g. “%(example)s”.")
                             % {"example": slugify(slug)[:60] or "jo-bloggs"})  # fmt: skip
        return slug


class YesNoWidget(widgets.Widget):
    def __init__(self, *, default: bool):
        super().__init__()
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text == "":
            return self.default
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("Write yes or no."))


class WhenWidget(widgets.Widget):
    """A date and time in the edition's zone: ``2026-10-16 14:30`` (or an Excel date-time cell)."""

    def __init__(self, *, tz, required: bool = True):
        super().__init__()
        self.tz, self.required = tz, required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date | time) or not str(value or "").strip():
            if not value and not self.required:
                return None
            raise ValueError(_("Give a date and a time, e.g. 2026-10-16 14:30."))
        else:
            moment = _parse(str(value).strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment


def _parse(text: str) -> datetime:
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(
        _("“%(text)s” is not a date and time we can read; write e.g. 2026-10-16 14:30.") % {"text": text[:40]}
    )


class NameWidget(widgets.Widget):
    """One of ``choices`` (name -> object) by its name, in any case; ``what`` names the kind for messages."""

    def __init__(self, *, choices: dict, what: str, required: bool = True):
        super().__init__()
        self.by_name = {name.casefold(): obj for name, obj in choices.items()}
        self.names = sorted(choices)
        self.what, self.required = what, required

    def clean(self, value, row=None, **kwargs):
        text = " ".join(str(value or "").split())
        if not text:
            if self.required:
                raise ValueError(_("This is needed."))
            return None
        found = self.by_name.get(text.casefold())
        if found is None:
            known = ", ".join(self.names) or "none"
            raise ValueError(
                _("There is no %(what)s called “%(name)s”. Known: %(names)s.")
                % {"what": self.what, "name": text[:60], "names": known}
            )
        return found


class SlugListWidget(widgets.Widget):
    """Speakers' slugs separated by semicolons (or commas), each known in ``choices`` (slug -> page)."""

    def __init__(self, *, choices: dict):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        slugs = [s.strip() for s in str(value or "").replace(",", ";").split(";") if s.strip()]
        unknown = [s for s in slugs if s not in self.choices]
        if unknown:
            raise ValueError(_("No speaker with the slug %(slugs)s in this edition (import the speakers first).")
                             % {"slugs": ", ".join(f"“{s[:60]}”" for s in unknown)})  # fmt: skip
        if len(set(slugs)) != len(slugs):
            raise ValueError(_("The same speaker is listed twice."))
        return [self.choices[s] for s in slugs]


class RowResource(resources.Resource):
    """Cleans one row at a time; ``required`` lists the columns a file must have."""

    required: tuple[str, ...] = ()

    def headings(self) -> tuple[list[str], list[str]]:
        columns = [field.column_name for field in self.get_import_fields()]
        return [c for c in columns if c in self.required], [c for c in columns if c not in self.required]

    def clean_row(self, row: dict) -> tuple[dict, dict[str, list[str]]]:
        """(attribute -> value, column -> messages) for one row of the table."""
        values, errors = {}, {}
        if row.get("__extra__"):
            errors["__all__"] = [_("This row has more cells than there are columns.")]
        for field in self.get_import_fields():
            if field.column_name not in row:
                if field.column_name != "slug":
                    continue  # an optional column the file leaves out: an update keeps what the page has
                row = {**row, "slug": ""}  # the key is always worked out, from the name if need be
            try:
                values[field.attribute] = field.clean(row)
            except ValueError as exc:
                errors[field.column_name] = [str(exc)]
        return values, errors


def _column(name: str, widget: widgets.Widget, attribute: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute or name, column_name=name, widget=widget)


class SpeakerResource(RowResource):
    required = ("name",)

    def __init__(self):
        super().__init__()
        self.fields = {
            "name": _column("name", TextWidget(max_length=255, required=True, name=True), "title"),
            "slug": _column("slug", SlugWidget(from_column="name")),
            "pronouns": _column("pronouns", TextWidget(max_length=40)),
            "organisation": _column("organisation", TextWidget(max_length=200)),
            "short_bio": _column("short_bio", TextWidget(max_length=300)),
        }


class SessionResource(RowResource):
    required = ("title", "start", "end", "stage", "format")

    def __init__(self, *, tz, stages: dict, tracks: dict, formats: dict, speakers: dict):
        super().__init__()
        self.fields = {
            "title": _column("title", TextWidget(max_length=255, required=True)),
            "slug": _column("slug", SlugWidget(from_column="title")),
            "start": _column("start", WhenWidget(tz=tz)),
            "end": _column("end", WhenWidget(tz=tz)),
            "stage": _column("stage", NameWidget(choices=stages, what=_("stage"))),
            "format": _column("format", NameWidget(choices=formats, what=_("format")), "session_format"),
            "track": _column("track", NameWidget(choices=tracks, what=_("track"), required=False)),
            "speakers": _column("speakers", SlugListWidget(choices=speakers)),
            "summary": _column("summary", TextWidget(max_length=300)),
            "bsl": _column("bsl", YesNoWidget(default=False)),
            "captions": _column("captions", YesNoWidget(default=False)),
            "step_free": _column("step_free", YesNoWidget(default=True)),
            "cancelled": _column("cancelled", YesNoWidget(default=False)),
        }


class ComplimentaryResource(RowResource):
    required = ("name", "email", "ticket_type")

    def __init__(self, *, ticket_types: dict):
        super().__init__()
        self.fields = {
            "name": _column("name", TextWidget(max_length=200, required=True, name=True), "attendee_name"),
            "email": _column("email", EmailWidget(), "attendee_email"),
            "ticket_type": _column(
                "ticket_type", NameWidget(choices=ticket_types, what=_("complimentary ticket type"))
            ),
            "pronouns": _column("pronouns", TextWidget(max_length=40)),
        }
