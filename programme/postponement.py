"""An edition's programme when the edition is postponed: every session moved by the same number of
days, or marked "to be rescheduled" (no time, off the grid, still listed).

Rows are changed directly, with the revisions a session's editor starts from (its latest and live
ones) and the snapshot the changes log compares against, so the next edit neither undoes the move
nor reports every session as moved: the postponement itself is the news, told by email.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F

from festival.models import FestivalPage
from programme import caching
from programme.models import SessionPage, SessionSnapshot


def sessions_of(festival: FestivalPage):
    """Every session of the edition's programme, live or draft."""
    return SessionPage.objects.descendant_of(festival)


def shift_programme(festival: FestivalPage, *, days: int) -> int:
    """Move every timed session of ``festival`` by ``days`` days; the number moved."""
    sessions = sessions_of(festival).filter(start__isnull=False)
    pks = list(sessions.values_list("pk", flat=True))
    if not pks or days == 0:
        return len(pks)
    delta = timedelta(days=days)
    for rows in (SessionPage.objects.filter(pk__in=pks), SessionSnapshot.objects.filter(session_id__in=pks)):
        # Both ends in one statement: the database checks that a session ends after it starts.
        rows.filter(start__isnull=False, end__isnull=False).update(start=F("start") + delta, end=F("end") + delta)
        rows.filter(start__isnull=False, end__isnull=True).update(start=F("start") + delta)
        rows.filter(start__isnull=True, end__isnull=False).update(end=F("end") + delta)
    for session in SessionPage.objects.filter(pk__in=pks).select_related("latest_revision", "live_revision"):
        _edit_revisions(session, lambda content: _shifted(content, delta))
    caching.invalidate()
    return len(pks)


def mark_to_be_rescheduled(festival: FestivalPage) -> int:
    """Take every session of ``festival`` off the grid, with no time, marked to be rescheduled; the number marked."""
    pks = list(sessions_of(festival).values_list("pk", flat=True))
    SessionPage.objects.filter(pk__in=pks).update(start=None, end=None, to_be_rescheduled=True)
    for session in SessionPage.objects.filter(pk__in=pks).select_related("latest_revision", "live_revision"):
        _edit_revisions(session, _unscheduled)
    caching.invalidate()
    return len(pks)


def _edit_revisions(session: SessionPage, change) -> None:
    seen = set()
    for revision in (session.latest_revision, session.live_revision):
        if revision is None or revision.pk in seen:
            continue
        seen.add(revision.pk)
        revision.content = change(dict(revision.content or {}))
        revision.save(update_fields=["content"])


def _shifted(content: dict, delta: timedelta) -> dict:
    for key in ("start", "end"):
        value = content.get(key)
        if isinstance(value, str) and value:
            content[key] = (datetime.fromisoformat(value) + delta).isoformat()
    return content


def _unscheduled(content: dict) -> dict:
    content.update(start=None, end=None, to_be_rescheduled=True)
    return content
