"""Importing an edition's speakers and sessions as Wagtail pages, from a table (``imports.files``).

A row is matched to a page by its slug under the edition's speakers page or programme (blank: made
from the name or title), so importing the same file again updates those pages rather than adding
more. A row becomes a new revision of its page, a draft, or published when the organiser asks: a
session published through its own ``publish``, so the clash rules (``programme.clashes``) apply, and
a clash is that row's error.

All or nothing: every row runs inside one transaction, each in a savepoint of its own so one bad row
does not hide the next one's error; if any row fails, or this is the preview (``commit=False``), the
whole transaction is rolled back. The preview so sees exactly what confirming would do, clashes
included.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from festival.models import FestivalPage
from imports.files import Table
from imports.resources import SessionResource, SpeakerResource
from imports.services.results import CREATE, UPDATE, ImportResult, RowResult, mark_duplicates
from programme import clashes
from programme.models import ProgrammePage, SessionFormat, SessionPage, SessionSpeaker, Stage, Track
from speakers.models import SpeakerIndexPage, SpeakerPage

SPEAKER_COLUMNS = {"title": "name", "slug": "slug"}
SESSION_COLUMNS = {"session_format": "format", "slug": "slug"}


def speaker_headings() -> tuple[list[str], list[str]]:
    return SpeakerResource().headings()


def session_headings() -> tuple[list[str], list[str]]:
    return SessionResource(tz=None, stages={}, tracks={}, formats={}, speakers={}).headings()


def import_speakers(*, festival: FestivalPage, table: Table, user, publish: bool, commit: bool) -> ImportResult:
    """Create or update a SpeakerPage per row under the edition's speakers page."""
    index = SpeakerIndexPage.objects.child_of(festival).first()
    if index is None:
        return ImportResult(
            problems=[_("%(edition)s has no speakers page yet: add one first.") % {"edition": festival.title}]
        )
    resource = SpeakerResource()
    existing = {page.slug: page for page in SpeakerPage.objects.child_of(index)}
    rows, cleaned = _clean(resource, table)
    mark_duplicates(rows, [values.get("slug") or None for values in cleaned], column="slug",
                    message=_("The same speaker is already on row %(row)s."))  # fmt: skip
    for row, values in zip(rows, cleaned, strict=True):
        row.label = values.get("title", "")
        row.action = UPDATE if values.get("slug") in existing else CREATE
        row.detail = values.get("slug", "")

    def write(row: RowResult, values: dict) -> None:
        page = existing.get(values["slug"])
        if page is None:
            page = SpeakerPage(live=False, **values)
            index.add_child(instance=page)  # Wagtail checks the title and slug here; the columns were checked
            _save(page, user=user, publish=publish, checked=True)
        else:
            page = page.get_latest_revision_as_object()
            for name, value in values.items():
                setattr(page, name, value)
            _save(page, user=user, publish=publish)

    return _run(rows, cleaned, write, columns=SPEAKER_COLUMNS, commit=commit)


def import_sessions(*, festival: FestivalPage, table: Table, user, publish: bool, commit: bool) -> ImportResult:
    """Create or update a SessionPage per row under the edition's programme; speakers by their slugs."""
    programme = ProgrammePage.objects.child_of(festival).first()
    if programme is None:
        return ImportResult(
            problems=[_("%(edition)s has no programme page yet: add one first.") % {"edition": festival.title}]
        )
    index = SpeakerIndexPage.objects.child_of(festival).first()
    speakers = {page.slug: page for page in SpeakerPage.objects.child_of(index)} if index else {}
    resource = SessionResource(
        tz=festival.tz,
        stages={stage.name: stage for stage in Stage.objects.filter(edition=festival)},
        tracks={track.name: track for track in Track.objects.filter(edition=festival)},
        formats={fmt.name: fmt for fmt in SessionFormat.objects.filter(edition=festival)},
        speakers=speakers,
    )
    existing = {page.slug: page for page in SessionPage.objects.child_of(programme)}
    rows, cleaned = _clean(resource, table)
    mark_duplicates(rows, [values.get("slug") or None for values in cleaned], column="slug",
                    message=_("The same session is already on row %(row)s."))  # fmt: skip
    for row, values in zip(rows, cleaned, strict=True):
        row.label = values.get("title", "")
        row.action = UPDATE if values.get("slug") in existing else CREATE
        row.detail = values.get("slug", "")

    def write(row: RowResult, values: dict) -> None:
        values = dict(values)
        people = values.pop("speakers", None)
        page = existing.get(values["slug"])
        if page is None:
            page = SessionPage(live=False, **values)
        else:
            page = page.get_latest_revision_as_object()
            for name, value in values.items():
                setattr(page, name, value)
        if people is not None:
            page.speaker_links = [SessionSpeaker(speaker=speaker, sort_order=n) for n, speaker in enumerate(people)]
        if page.pk is None:
            page._parent_for_clean = programme
            # Wagtail checks only a draft's title and slug when it first saves it, and the database would
            # refuse a session ending before it starts: the session's own rules first, as its form does.
            clashes.check_session(page, clashes=False)
            programme.add_child(instance=page)  # Wagtail checks the title and slug here
            _save(page, user=user, publish=publish, checked=True)
        else:
            _save(page, user=user, publish=publish)

    return _run(rows, cleaned, write, columns=SESSION_COLUMNS, commit=commit)


def _clean(resource, table: Table) -> tuple[list[RowResult], list[dict]]:
    rows, cleaned = [], []
    for number, raw in table.rows:
        values, errors = resource.clean_row(raw)
        row = RowResult(number=number)
        for column, messages in errors.items():
            for message in messages:
                row.add(column, message)
        rows.append(row)
        cleaned.append(values)
    return rows, cleaned


def _save(page, *, user, publish: bool, checked: bool = False) -> None:
    """A new revision of ``page`` (checked as Wagtail checks it, unless it was just ``checked``), published
    if asked."""
    revision = page.save_revision(user=user, log_action=True, clean=not checked)
    if publish:
        revision.publish(user=user)


def _run(rows: list[RowResult], cleaned: list[dict], write, *, columns: dict, commit: bool) -> ImportResult:
    """Write each clean row in its own savepoint inside one transaction; keep it only if all went well and
    ``commit``. Rows with errors already are skipped, but the others are still tried, so that the checks
    only saving can make (a clash, a time outside the festival) are listed for every row at once."""
    result = ImportResult(rows=rows)
    with transaction.atomic():
        for row, values in zip(rows, cleaned, strict=True):
            if row.errors:
                continue
            try:
                with transaction.atomic():
                    write(row, values)
            except ValidationError as error:
                for field, messages in _messages(error).items():
                    for message in messages:
                        row.add(columns.get(field, field if field == "__all__" else field), message)
            except DatabaseError:
                row.add("__all__", _("This row could not be saved (it conflicts with another page)."))
        result.committed = commit and result.ok
        if not result.committed:
            transaction.set_rollback(True)
    return result


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": list(error.messages)}
