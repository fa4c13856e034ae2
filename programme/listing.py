"""The read model of a session: what its card, the grid, the lists and the exports show.

``SessionPage.objects...listed()`` builds these in two queries however many sessions there are;
nothing here reads the database.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
    stage: Any
    track: Any
    session_format: Any
    people: tuple[ListedPerson, ...] = ()
