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
    """A live speaker on a listed session; ``url`` is absolute, or None unless the listing asked for it."""

    pk: int
    guid: uuid.UUID
    name: str
    role: str
    short_bio: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ListedSession:
    """A session as cards and exports give it, with its address for the request it was read for.

    ``stage``, ``track`` and ``session_format`` are the snippets (None when the session has none);
    ``people`` are its live speakers, in order. ``description`` is the rich text as stored.
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
    bsl: bool
    captions: bool
    step_free: bool
    may_be_recorded: bool
    livestream_url: str
    recording_url: str
    cancelled: bool
    last_published_at: datetime | None
    stage: Stage | None
    track: Track | None
    session_format: SessionFormat | None
    people: tuple[ListedPerson, ...] = ()


SESSION_FIELDS = (
    *("pk", "guid", "title", "slug", "url_path", "start", "end", "summary", "description", "language"),
    *("bsl", "captions", "step_free", "may_be_recorded", "livestream_url", "recording_url", "cancelled"),
    "last_published_at",
    *("stage_id", "stage__name", "stage__slug", "stage__guid", "stage__capacity", "stage__sort_order"),
    *("track_id", "track__name", "track__slug", "track__colour", "track__sort_order"),
    *("session_format_id", "session_format__name", "session_format__slug"),
)
SPEAKER_FIELDS = (
    *("page_id", "speaker_id", "speaker__guid", "speaker__title", "role", "speaker__short_bio"),
    "speaker__url_path",
)
_SNIPPET_FIELDS = {
    "stage": ("name", "slug", "guid", "capacity", "sort_order"),
    "track": ("name", "slug", "colour", "sort_order"),
    "session_format": ("name", "slug"),
}


def from_rows(rows: list[dict], links: list[tuple], *, request, full_urls: bool) -> list[ListedSession]:
    """``ListedSession`` values from session rows (``SESSION_FIELDS``) and their shown speaker links
    (``SPEAKER_FIELDS``, in order), with addresses for ``request``'s site (see ``listed``)."""
    url_paths = [row["url_path"] for row in rows] + ([link[-1] for link in links] if full_urls else [])
    urls = child_urls(url_paths, request=request, full=full_urls)
    people: dict[int, list[ListedPerson]] = {}
    for page_id, speaker_id, guid, name, role, short_bio, url_path in links:
        url = urls[url_path] if full_urls else None
        people.setdefault(page_id, []).append(ListedPerson(speaker_id, guid, name, role, short_bio, url))
    snippets: dict[tuple, object] = {}
    return [_listed_session(row, urls, people, snippets) for row in rows]


def child_urls(url_paths: list[str], *, request, full: bool) -> dict[str, str]:
    """The addresses, for ``request``'s site, of the pages at ``url_paths``: each its parent's (Wagtail's
    ``get_url``, or ``get_full_url`` with ``full``) followed by its slug, as Wagtail routes a page.

    Asking Wagtail for each of hundreds of pages would mean a page object for each, which costs more
    than the programme page's whole time budget; parents are few (one programme, one speaker index).
    Slugs may be Unicode: an address must be a URI.
    """
    bases = {}
    for parent_path in {_parent_url_path(url_path) for url_path in url_paths}:
        parent = Page(url_path=parent_path)
        bases[parent_path] = (parent.get_full_url(request) if full else parent.get_url(request)) or ""
    urls = {}
    for url_path in url_paths:
        parent_path = _parent_url_path(url_path)
        url = bases[parent_path].rstrip("/") + "/" + iri_to_uri(url_path[len(parent_path) :].rstrip("/"))
        urls[url_path] = f"{url}/" if WAGTAIL_APPEND_SLASH else url
    return urls


def _parent_url_path(url_path: str) -> str:
    return url_path.rstrip("/").rsplit("/", 1)[0] + "/"


def _listed_session(row: dict, urls: dict, people: dict, snippets: dict) -> ListedSession:
    """A ``ListedSession`` from a row of ``SESSION_FIELDS``, its address among ``urls`` and its people among
    ``people``; ``snippets`` keeps one stage, track and format object per primary key across the rows."""
    related = {}
    for name, model in (("stage", Stage), ("track", Track), ("session_format", SessionFormat)):
        pk = row.pop(f"{name}_id")
        values = {field: row.pop(f"{name}__{field}") for field in _SNIPPET_FIELDS[name]}
        if pk is not None and (name, pk) not in snippets:
            snippets[name, pk] = model(pk=pk, **values)
        related[name] = snippets.get((name, pk))
    url = urls[row.pop("url_path")]
    return ListedSession(url=url, people=tuple(people.get(row["pk"], ())), **row, **related)
