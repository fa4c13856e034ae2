"""The programme laid out by day and stage: rows are five-minute steps, columns are stages.

It shapes ``ListedSession`` values that the page has read; nothing here reads the database.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from festival.models import FestivalPage
from programme.filters import Filters
from programme.listing import ListedSession

SLOT_MINUTES = 5


@dataclass
class Slot:
    """A session placed on a day's grid."""

    session: ListedSession
    column: int
    row_start: int
    row_end: int


@dataclass
class Day:
    """A day's grid; ``displaced`` are cancelled sessions whose time and stage another session now has,
    listed beside the grid rather than drawn under their replacement."""

    date: date
    stages: list = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    hours: list[tuple[int, datetime]] = field(default_factory=list)
    rows: int = 0
    displaced: list[ListedSession] = field(default_factory=list)


@dataclass
class Schedule:
    festival: FestivalPage
    days: list[Day]
    tracks: list
    formats: list
    filters: Filters
    session_count: int
    waiting: list[ListedSession] = field(default_factory=list)  # to be rescheduled: no time, listed apart


def lay_out(festival: FestivalPage, sessions: list[ListedSession], *, tracks, formats, filters: Filters) -> Schedule:
    """``sessions`` (in time order, already filtered) on the grid of each day ``filters`` asks for."""
    tz = festival.tz
    by_day: dict[date, list] = {}
    for session in sessions:
        by_day.setdefault(timezone.localtime(session.start, tz).date(), []).append(session)
    wanted = [filters.day] if filters.day else festival.days
    days = [_place(day, by_day.get(day, []), tz) for day in wanted]
    return Schedule(
        festival=festival, days=days, tracks=tracks, formats=formats, filters=filters, session_count=len(sessions)
    )


def _stage_id(session: ListedSession) -> int | None:
    return session.stage.pk if session.stage else None


def _displaced(sessions: list) -> list:
    """Cancelled sessions that overlap a session going ahead on the same stage."""
    going_ahead: dict = {}
    for s in sessions:
        if not s.cancelled:
            going_ahead.setdefault(_stage_id(s), []).append(s)
    return [
        s
        for s in sessions
        if s.cancelled and any(o.start < s.end and s.start < o.end for o in going_ahead.get(_stage_id(s), []))
    ]


def _place(day: date, sessions: list, tz) -> Day:
    if not sessions:
        return Day(date=day)
    displaced = _displaced(sessions)
    displaced_pks = {s.pk for s in displaced}
    sessions = [s for s in sessions if s.pk not in displaced_pks]
    stages = sorted({s.stage for s in sessions if s.stage}, key=lambda st: (st.sort_order or 0, st.name))
    columns = {stage.pk: index + 2 for index, stage in enumerate(stages)}
    first = min(timezone.localtime(s.start, tz) for s in sessions).replace(minute=0, second=0, microsecond=0)
    last = max(timezone.localtime(s.end, tz) for s in sessions)

    def row(moment: datetime) -> int:
        return int((timezone.localtime(moment, tz) - first).total_seconds() // (SLOT_MINUTES * 60)) + 2

    rows = row(last) + (1 if last.minute % SLOT_MINUTES else 0)
    slots = [
        Slot(
            session=s,
            column=columns.get(_stage_id(s), 2),
            row_start=row(s.start),
            row_end=max(row(s.end), row(s.start) + 1),
        )
        for s in sessions
    ]
    hours = []
    moment = first
    while moment < last:
        hours.append((row(moment), moment))
        moment += timedelta(hours=1)
    return Day(date=day, stages=stages, slots=slots, hours=hours, rows=rows, displaced=displaced)
