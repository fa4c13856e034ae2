"""The read model of a session: what its card, the grid, the lists and the exports show.

``SessionPage.objects....listed()`` reads the rows, in two queries however many sessions there are;
``from_rows`` shapes them here without reading the database.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils.encoding import iri_to_uri
from wagtail.coreutils import WAGTAIL_APPEND_SLASH
from wagtail.models import Page

from programme.snippets import SessionFormat, Stage, Track


@dataclass(frozen=True, slots=True)
class ListedPerson:
    """A live speaker on a listed session. ``guid``, ``short_bio`` and ``url`` (absolute) are read for exports only."""

    pk: int
    name: str
    role: str
    guid: uuid.UUID | None = None
    short_bio: str = ""
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ListedSession:
    """A session as cards and exports give it, with its address for the request it was read for.

    ``stage``, ``track`` and ``session_format`` are the snippets (None when the session has none);
    ``people`` are its live speakers, in order. The fields after ``people`` are read for exports only
    (a card shows none of them, and the programme lists hundreds of cards); ``description`` is the rich
    text as stored.
    """

    pk: int
    title: str
    slug: str
    url: str
    start: datetime
    end: datetime | None
    bsl: bool
    captions: bool
    step_free: bool
    cancelled: bool
    stage: Stage | None
    track: Track | None
    session_format: SessionFormat | None
    people: tuple[ListedPerson, ...] = ()
    guid: uuid.UUID | None = None
    summary: str = ""
    description: str = ""
    language: str = ""
    may_be_recorded: bool = True
    livestream_url: str = ""
    recording_url: str = ""
    last_published_at: datetime | None = None


CARD_FIELDS = (
    *("pk", "title", "slug", "url_path", "start", "end", "bsl", "captions", "step_free", "cancelled"),
    *("stage_id", "stage__name", "stage__slug", "stage__guid", "stage__capacity", "stage__sort_order"),
    *("track_id", "track__name", "track__slug", "track__colour", "track__sort_order"),
    *("session_format_id", "session_format__name", "session_format__slug"),
)
EXPORT_FIELDS = (
    *("guid", "summary", "description", "language", "may_be_recorded", "livestream_url", "recording_url"),
    "last_published_at",
)
CARD_SPEAKER_FIELDS = ("page_id", "speaker_id", "speaker__title", "role")
EXPORT_SPEAKER_FIELDS = (*CARD_SPEAKER_FIELDS, "speaker__guid", "speaker__short_bio", "speaker__url_path")


def from_rows(rows: list[dict], links: list[tuple], *, request, for_export: bool) -> list[ListedSession]:
    """``ListedSession`` values from session rows (``CARD_FIELDS``, and ``EXPORT_FIELDS`` ``for_export``) and
    their shown speaker links (``CARD_SPEAKER_FIELDS`` or ``EXPORT_SPEAKER_FIELDS``, in order).

    Addresses are for ``request``'s site: absolute ``for_export`` (sessions' and speakers'), else as
    ``Page.get_url`` gives them (sessions' only: cards do not link their speakers).
    """
    url_paths = [row["url_path"] for row in rows] + ([link[6] for link in links] if for_export else [])
    urls = child_urls(url_paths, request=request, full=for_export)
    people: dict[int, list[ListedPerson]] = {}
    for link in links:
        page_id, speaker_id, name, role = link[:4]
        if for_export:
            person = ListedPerson(speaker_id, name, role, guid=link[4], short_bio=link[5], url=urls[link[6]])
        else:
            person = ListedPerson(speaker_id, name, role)
        people.setdefault(page_id, []).append(person)
    snippets = _Snippets()
    sessions = []
    for row in rows:
        extra = {name: row[name] for name in EXPORT_FIELDS} if for_export else {}
        sessions.append(
            ListedSession(
                pk=row["pk"],
                title=row["title"],
                slug=row["slug"],
                url=urls[row["url_path"]],
                start=row["start"],
                end=row["end"],
                bsl=row["bsl"],
                captions=row["captions"],
                step_free=row["step_free"],
                cancelled=row["cancelled"],
                stage=snippets.get(Stage, row, "stage", ("name", "slug", "guid", "capacity", "sort_order")),
                track=snippets.get(Track, row, "track", ("name", "slug", "colour", "sort_order")),
                session_format=snippets.get(SessionFormat, row, "session_format", ("name", "slug")),
                people=tuple(people.get(row["pk"], ())),
                **extra,
            )
        )
    return sessions


class _Snippets:
    """One stage, track or format object per primary key across the rows of a listing."""

    def __init__(self):
        self.seen: dict[tuple, object] = {}

    def get(self, model, row: dict, name: str, fields: tuple[str, ...]):
        pk = row[f"{name}_id"]
        if pk is None:
            return None
        if (model, pk) not in self.seen:
            self.seen[model, pk] = model(pk=pk, **{field: row[f"{name}__{field}"] for field in fields})
        return self.seen[model, pk]


def child_urls(url_paths: list[str], *, request, full: bool) -> dict[str, str]:
    """The addresses, for ``request``'s site, of the pages at ``url_paths``: each its parent's (Wagtail's
    ``get_url``, or ``get_full_url`` with ``full``) followed by its slug, as Wagtail routes a page.

    Asking Wagtail for each of hundreds of pages would mean a page object for each, which costs more
    than the programme page's whole time budget; parents are few (one programme, one speaker index).
    Slugs may be Unicode: an address must be a URI.
    """
    bases = {}
    urls = {}
    for url_path in url_paths:
        parent_path, slug = url_path.rstrip("/").rsplit("/", 1)
        if parent_path not in bases:
            parent = Page(url_path=parent_path + "/")
            bases[parent_path] = ((parent.get_full_url(request) if full else parent.get_url(request)) or "").rstrip("/")
        url = f"{bases[parent_path]}/{iri_to_uri(slug)}"
        urls[url_path] = f"{url}/" if WAGTAIL_APPEND_SLASH else url
    return urls
