"""Schedule queries: every page and export gets its sessions from here, in a fixed number of queries."""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.images import get_image_model

from festival.models import FestivalPage
from speakers.privacy import links_to_visible, visible_from

ACCESS_FEATURES = {
    "bsl": _("BSL interpretation"),
    "captions": _("Live captions"),
    "step_free": _("Step-free access"),
}
SLOT_MINUTES = 5
SPEAKER_PHOTO = "fill-160x160"
SPEAKER_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "live",
    "guid",
    "short_bio",
    "locale_id",
    "translation_key",
    "content_type_id",
)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


@dataclass(frozen=True)
class Filters:
    """What an attendee asked to see; unknown values are dropped, never an error."""

    day: date | None = None
    track: str = ""
    format: str = ""
    access: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.day or self.track or self.format or self.access)


def parse_filters(params: Mapping, *, festival: FestivalPage) -> Filters:
    """Read filters from a query string; anything malformed or unknown is ignored."""
    day = None
    raw_day = str(params.get("day", ""))
    try:
        candidate = date.fromisoformat(raw_day) if len(raw_day) == 10 else None
    except ValueError:
        candidate = None
    if candidate and festival.start_date <= candidate <= festival.end_date:
        day = candidate
    track = str(params.get("track", ""))
    fmt = str(params.get("format", ""))
    getlist = getattr(params, "getlist", lambda key: [params[key]] if key in params else [])
    access = tuple(sorted({value for value in getlist("access") if value in ACCESS_FEATURES}))
    return Filters(
        day=day,
        track=track if _SLUG.match(track) else "",
        format=fmt if _SLUG.match(fmt) else "",
        access=access,
    )


def shown_speaker_links(**filters):
    """A session's speaker links that may be shown wherever the session is: live speakers (a draft
    speaker's page would 404) whose page is not private to whoever sees the session."""
    from programme.models import SessionSpeaker

    links = SessionSpeaker.objects.filter(speaker__live=True, **filters)
    return links_to_visible(links, linked="speaker", listed_on="page")


def _with_speakers(queryset):
    # Only the speakers shown, and only the speaker columns that cards and exports use: whole
    # page rows for hundreds of links are slow.
    links = (
        shown_speaker_links()
        .select_related("speaker")
        .only("page_id", "speaker_id", "role", "sort_order", *(f"speaker__{name}" for name in SPEAKER_FIELDS))
        .order_by("sort_order")
    )
    return queryset.select_related("stage", "track", "session_format").prefetch_related(
        Prefetch("speaker_links", queryset=links, to_attr="loaded_speaker_links")
    )


def speaker_links_of(session) -> list:
    """A session's speaker links: the live ones loaded with the schedule, else from the page (or its preview)."""
    loaded = getattr(session, "loaded_speaker_links", None)
    return loaded if loaded is not None else list(session.speaker_links.all())


def _live_sessions(programme, *, filters: Filters | None = None):
    """The queryset of a programme's live, timed sessions that match ``filters``, in no order yet."""
    from programme.models import SessionPage

    queryset = SessionPage.objects.live().child_of(programme).filter(start__isnull=False, end__isnull=False)
    queryset = visible_from(queryset, programme)  # not a private session
    if filters is not None:
        if filters.day:
            tz = programme.festival.tz
            day_start = datetime.combine(filters.day, datetime.min.time(), tzinfo=tz)
            queryset = queryset.filter(start__gte=day_start, start__lt=day_start + timedelta(days=1))
        if filters.track:
            queryset = queryset.filter(track__slug=filters.track)
        if filters.format:
            queryset = queryset.filter(session_format__slug=filters.format)
        for feature in filters.access:
            queryset = queryset.filter(**{feature: True})
    return queryset


TIME_ORDER = ("start", "stage__sort_order", "stage__name", "pk")


@dataclass(frozen=True, slots=True)
class ListedSession:
    """A session as its card shows it: plain values, read in two queries however many sessions there are.

    The programme lists hundreds of sessions, and building a page object (and its speakers' pages) for
    each costs far more than the card does. Stage, track and format values are None when the session has
    none; ``people`` are the live speakers' (name, role), in order.
    """

    pk: int
    title: str
    url: str
    start: datetime
    end: datetime
    stage_id: int | None = None
    stage_name: str | None = None
    stage_order: int | None = None
    track_name: str | None = None
    track_colour: str | None = None
    format_name: str | None = None
    bsl: bool = False
    captions: bool = False
    step_free: bool = False
    cancelled: bool = False
    people: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_page(cls, session, *, url: str) -> "ListedSession":
        """The card's values from a session page (with stage, track and format loaded, as ``sessions_for`` does)."""
        stage, track, session_format = (
            session.stage if session.stage_id else None,
            session.track if session.track_id else None,
            session.session_format if session.session_format_id else None,
        )
        return cls(
            pk=session.pk,
            title=session.title,
            url=url,
            start=session.start,
            end=session.end,
            stage_id=session.stage_id,
            stage_name=stage.name if stage else None,
            stage_order=stage.sort_order if stage else None,
            track_name=track.name if track else None,
            track_colour=track.colour if track else None,
            format_name=session_format.name if session_format else None,
            bsl=session.bsl,
            captions=session.captions,
            step_free=session.step_free,
            cancelled=session.cancelled,
            people=tuple((link.speaker.title, link.role) for link in speaker_links_of(session) if link.speaker_id),
        )


def _child_url(parent_url: str, slug: str) -> str:
    """A child page's URL from its parent's, as ``Page.get_url`` builds it (the child's path adds its slug)."""
    url = f"{parent_url.rstrip('/')}/{iri_to_uri(slug)}"
    return f"{url}/" if WAGTAIL_APPEND_SLASH else url


def listed_sessions(programme, *, filters: Filters | None = None, request=None) -> list[ListedSession]:
    """The live sessions of a programme as their cards show them, in time order, in two queries.

    Links are built from the programme's own URL (resolved once, for ``request``'s site), since every
    session is a child of the programme.
    """

    rows = list(
        _live_sessions(programme, filters=filters)
        .order_by(*TIME_ORDER)
        .values(
            *("pk", "title", "slug", "start", "end", "stage_id", "bsl", "captions", "step_free", "cancelled"),
            stage_name=F("stage__name"),
            stage_order=F("stage__sort_order"),
            track_name=F("track__name"),
            track_colour=F("track__colour"),
            format_name=F("session_format__name"),
        )
    )
    if not rows:
        return []
    people: dict[int, list[tuple[str, str]]] = {}
    links = (
        shown_speaker_links(page_id__in=[row["pk"] for row in rows])
        .order_by("sort_order", "pk")
        .values_list("page_id", "speaker__title", "role")
    )
    for page_id, name, role in links:
        people.setdefault(page_id, []).append((name, role))
    base = programme.get_url(request) or ""
    sessions = []
    for row in rows:
        url = _child_url(base, row.pop("slug"))
        sessions.append(ListedSession(url=url, people=tuple(people.get(row["pk"], ())), **row))
    return sessions


@dataclass(frozen=True, slots=True)
class StageColumn:
    """A stage that heads a column of a day's grid."""

    pk: int
    name: str
    sort_order: int | None


@dataclass
class Slot:
    """A session placed on a day's grid: rows are five-minute steps, columns are stages."""

    session: ListedSession
    column: int
    row_start: int
    row_end: int


@dataclass
class Day:
    """A day's grid; ``displaced`` are cancelled sessions whose time and stage another session now has,
    listed beside the grid rather than drawn under their replacement."""

    date: date
    stages: list[StageColumn] = field(default_factory=list)
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


def _displaced(sessions: list) -> list:
    """Cancelled sessions that overlap a session going ahead on the same stage."""
    going_ahead: dict = {}
    for s in sessions:
        if not s.cancelled:
            going_ahead.setdefault(s.stage_id, []).append(s)
    return [
        s
        for s in sessions
        if s.cancelled and any(o.start < s.end and s.start < o.end for o in going_ahead.get(s.stage_id, []))
    ]


def _place(day: date, sessions: list, tz) -> Day:
    if not sessions:
        return Day(date=day)
    displaced = _displaced(sessions)
    displaced_pks = {s.pk for s in displaced}
    sessions = [s for s in sessions if s.pk not in displaced_pks]
    stages = sorted(
        {StageColumn(s.stage_id, s.stage_name, s.stage_order) for s in sessions if s.stage_id},
        key=lambda st: (st.sort_order or 0, st.name),
    )
    columns = {stage.pk: index + 2 for index, stage in enumerate(stages)}
    first = min(timezone.localtime(s.start, tz) for s in sessions).replace(minute=0, second=0, microsecond=0)
    last = max(timezone.localtime(s.end, tz) for s in sessions)

    def row(moment: datetime) -> int:
        return int((timezone.localtime(moment, tz) - first).total_seconds() // (SLOT_MINUTES * 60)) + 2

    rows = row(last) + (1 if last.minute % SLOT_MINUTES else 0)
    slots = [
        Slot(
            session=s,
            column=columns.get(s.stage_id, 2),
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


def schedule_for(programme, *, filters: Filters | None = None, request=None) -> Schedule:
    """The programme laid out by day and stage; unknown track or format filters are dropped.

    Session links are for ``request``'s site, as ``Page.get_url`` gives them.
    """
    from programme.models import SessionFormat, Track

    festival = programme.festival
    tz = festival.tz
    tracks = list(Track.objects.all())
    formats = list(SessionFormat.objects.all())
    filters = filters or Filters()
    if filters.track and filters.track not in {t.slug for t in tracks}:
        filters = Filters(day=filters.day, format=filters.format, access=filters.access)
    if filters.format and filters.format not in {f.slug for f in formats}:
        filters = Filters(day=filters.day, track=filters.track, access=filters.access)
    sessions = listed_sessions(programme, filters=filters, request=request)
    by_day: dict[date, list] = {}
    for session in sessions:
        by_day.setdefault(timezone.localtime(session.start, tz).date(), []).append(session)
    wanted = [filters.day] if filters.day else festival.days
    days = [_place(day, by_day.get(day, []), tz) for day in wanted]
    return Schedule(
        festival=festival, days=days, tracks=tracks, formats=formats, filters=filters, session_count=len(sessions)
    )


def now_and_next(programme, *, at: datetime, horizon: timedelta = timedelta(hours=2)) -> dict:
    """Sessions on now, and those starting within ``horizon`` (or the next few if nothing is on soon)."""
    from programme.models import SessionPage

    base = visible_from(SessionPage.objects.live().child_of(programme).filter(cancelled=False), programme)
    base = _with_speakers(base)
    on_now = list(base.filter(start__lte=at, end__gt=at).order_by("start", "stage__sort_order", "pk"))
    upcoming = base.filter(start__gt=at).order_by("start", "stage__sort_order", "pk")
    coming_up = list(upcoming.filter(start__lte=at + horizon))
    if not coming_up:
        coming_up = list(upcoming[:6])
    return {"at": at, "on_now": on_now, "coming_up": coming_up}


def parse_ids(raw: str) -> list[int]:
    """A comma-separated list of page ids; anything that is not a small positive number is dropped."""
    ids = []
    for part in raw.split(",")[:500]:
        part = part.strip()
        if part.isdigit() and len(part) < 12:
            ids.append(int(part))
    return ids


def _people(session, *, preview: bool) -> list[tuple]:
    """(link, speaker) pairs with photos and their renditions loaded: two queries, however many speakers."""
    from speakers.models import SpeakerPage

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=SPEAKER_PHOTO)
    if preview or not session.pk:  # a preview's speaker list lives in memory, not yet in the database
        links = [link for link in session.speaker_links.all() if link.speaker_id]
        speakers = SpeakerPage.objects.filter(pk__in=[link.speaker_id for link in links]).select_related("photo")
        speakers = speakers.prefetch_related(
            Prefetch("photo__renditions", queryset=renditions, to_attr="prefetched_renditions")
        )
        by_pk = {speaker.pk: speaker for speaker in speakers}
        return [(link, by_pk[link.speaker_id]) for link in links if link.speaker_id in by_pk]
    links = (
        shown_speaker_links(page=session)
        .select_related("speaker", "speaker__photo")
        .prefetch_related(Prefetch("speaker__photo__renditions", queryset=renditions, to_attr="prefetched_renditions"))
        .order_by("sort_order", "pk")
    )
    return [(link, link.speaker) for link in links]


def session_detail(session, *, programme=None, preview: bool = False) -> dict:
    """What a session page shows: its edition, its programme (read here unless routing found it) and its
    speakers with their photos."""
    from programme.models import ProgrammePage, SessionSnapshot

    if programme is None:
        parent = session.get_parent() if session.path else getattr(session, "_parent_for_clean", None)
        programme = parent.specific if parent is not None else None
    festival = programme.festival if isinstance(programme, ProgrammePage) else None
    try:
        moved = bool(session.pk) and session.snapshot.moved
    except SessionSnapshot.DoesNotExist:
        moved = False
    return {"programme": programme, "festival": festival, "people": _people(session, preview=preview), "moved": moved}


def sessions_for_speaker(speaker) -> list:
    """The live sessions a speaker is on, in time order."""
    from programme.models import SessionPage

    queryset = SessionPage.objects.live().filter(speaker_links__speaker=speaker, start__isnull=False).distinct()
    queryset = visible_from(queryset, speaker)
    return list(_with_speakers(queryset).order_by("start", "pk"))


@dataclass(frozen=True, slots=True)
class ExportedStage:
    pk: int
    name: str
    slug: str
    guid: uuid.UUID
    capacity: int | None
    sort_order: int | None


@dataclass(frozen=True, slots=True)
class ExportedTrack:
    pk: int
    name: str
    slug: str
    colour: str
    sort_order: int | None


@dataclass(frozen=True, slots=True)
class ExportedFormat:
    pk: int
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class ExportedPerson:
    """A live speaker on an exported session; ``url`` is absolute."""

    pk: int
    guid: uuid.UUID
    name: str
    url: str
    short_bio: str


@dataclass(frozen=True, slots=True)
class ExportedSession:
    """A session as the calendar and frab exports give it: plain values, with absolute URLs.

    ``stage``, ``track`` and ``session_format`` are None when the session has none; ``people`` are its
    live speakers, in order. ``description`` is the rich text as stored.
    """

    pk: int
    guid: uuid.UUID
    title: str
    slug: str
    url: str
    start: datetime
    end: datetime | None
    summary: str
    description: str
    language: str
    may_be_recorded: bool
    livestream_url: str
    recording_url: str
    cancelled: bool
    last_published_at: datetime | None
    stage: ExportedStage | None
    track: ExportedTrack | None
    session_format: ExportedFormat | None
    people: tuple[ExportedPerson, ...]


_EXPORTED_FIELDS = (
    *("pk", "guid", "title", "slug", "url_path", "start", "end", "summary", "description", "language"),
    *("may_be_recorded", "livestream_url", "recording_url", "cancelled", "last_published_at"),
    *("stage_id", "stage__name", "stage__slug", "stage__guid", "stage__capacity", "stage__sort_order"),
    *("track_id", "track__name", "track__slug", "track__colour", "track__sort_order"),
    *("session_format_id", "session_format__name", "session_format__slug"),
)


def absolute_urls(request, url_paths: Mapping[int, str]) -> dict[int, str]:
    """Absolute URLs, for ``request``'s site, of the pages whose ``url_path`` is given by primary key.

    A page under the site's root gets the site's root URL and its path below the root; the few under
    another site's root are loaded together, in one query, and asked for their own URL. Slugs may be
    Unicode (Welsh, accented names): an address in an export must be a URI, as Wagtail's own are.
    """
    from wagtail.models import Page, Site

    site = Site.find_for_request(request)
    root_path, root_url = site.root_page.url_path, site.root_url
    urls, elsewhere = {}, []
    for pk, url_path in url_paths.items():
        if url_path.startswith(root_path):
            urls[pk] = root_url + iri_to_uri("/" + url_path[len(root_path) :])
        else:
            elsewhere.append(pk)
    if elsewhere:
        for page in Page.objects.filter(pk__in=elsewhere):
            urls[page.pk] = page.get_full_url(request)
    return urls


def _exported(queryset, *, order: tuple[str, ...], request) -> list[ExportedSession]:
    """``queryset``'s sessions as exports give them, in two queries (three with pages of another site)."""
    rows = list(queryset.order_by(*order).values(*_EXPORTED_FIELDS))
    if not rows:
        return []
    links = list(
        shown_speaker_links(page_id__in=[row["pk"] for row in rows])
        .order_by("sort_order", "pk")
        .values_list(
            "page_id", "speaker_id", "speaker__guid", "speaker__title", "speaker__url_path", "speaker__short_bio"
        )
    )
    urls = absolute_urls(
        request, {**{row["pk"]: row["url_path"] for row in rows}, **{link[1]: link[4] for link in links}}
    )
    people: dict[int, list[ExportedPerson]] = {}
    for page_id, speaker_id, guid, name, _url_path, short_bio in links:
        people.setdefault(page_id, []).append(ExportedPerson(speaker_id, guid, name, urls[speaker_id], short_bio))
    stages: dict[int, ExportedStage] = {}
    tracks: dict[int, ExportedTrack] = {}
    formats: dict[int, ExportedFormat] = {}
    sessions = []
    for row in rows:
        stage_id, track_id, format_id = row["stage_id"], row["track_id"], row["session_format_id"]
        if stage_id is not None and stage_id not in stages:
            stages[stage_id] = ExportedStage(
                stage_id,
                row["stage__name"],
                row["stage__slug"],
                row["stage__guid"],
                row["stage__capacity"],
                row["stage__sort_order"],
            )
        if track_id is not None and track_id not in tracks:
            tracks[track_id] = ExportedTrack(
                track_id, row["track__name"], row["track__slug"], row["track__colour"], row["track__sort_order"]
            )
        if format_id is not None and format_id not in formats:
            formats[format_id] = ExportedFormat(format_id, row["session_format__name"], row["session_format__slug"])
        sessions.append(
            ExportedSession(
                pk=row["pk"],
                guid=row["guid"],
                title=row["title"],
                slug=row["slug"],
                url=urls[row["pk"]],
                start=row["start"],
                end=row["end"],
                summary=row["summary"],
                description=row["description"],
                language=row["language"],
                may_be_recorded=row["may_be_recorded"],
                livestream_url=row["livestream_url"],
                recording_url=row["recording_url"],
                cancelled=row["cancelled"],
                last_published_at=row["last_published_at"],
                stage=stages.get(stage_id),
                track=tracks.get(track_id),
                session_format=formats.get(format_id),
                people=tuple(people.get(row["pk"], ())),
            )
        )
    return sessions


def exported_sessions(programme, *, request) -> list[ExportedSession]:
    """The live, timed sessions of a programme as exports give them, in time order, in two queries."""
    return _exported(_live_sessions(programme), order=TIME_ORDER, request=request)


def exported_sessions_by_ids(programme, ids: list[int], *, request, seen_from=None) -> list[ExportedSession]:
    """The live sessions of a programme among ``ids`` (a starred list, or one session), in time order.

    ``seen_from`` is the page whose export this is (the programme, or the one session), whose
    restrictions the request has passed."""
    from programme.models import SessionPage

    queryset = SessionPage.objects.live().child_of(programme).filter(pk__in=ids[:500], start__isnull=False)
    queryset = visible_from(queryset, seen_from or programme)
    return _exported(queryset, order=("start", "pk"), request=request)


def exported_sessions_for_speaker(speaker, *, request) -> list[ExportedSession]:
    """The live sessions a speaker is on, in any programme, in time order."""
    from programme.models import SessionPage, SessionSpeaker

    on = SessionSpeaker.objects.filter(speaker=speaker).values("page_id")
    queryset = SessionPage.objects.live().filter(pk__in=on, start__isnull=False)
    queryset = visible_from(queryset, speaker)
    return _exported(queryset, order=("start", "pk"), request=request)
