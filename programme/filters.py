"""What an attendee asks of the programme: filters from a query string, and a starred list's ids."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from festival.models import FestivalPage

ACCESS_FEATURES = ("bsl", "captions", "step_free")  # SessionPage's access fields
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

    def known(self, *, tracks: set[str], formats: set[str]) -> "Filters":
        """These filters without a track or format slug that is not among ``tracks`` or ``formats``."""
        return Filters(
            day=self.day,
            track=self.track if self.track in tracks else "",
            format=self.format if self.format in formats else "",
            access=self.access,
        )


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


def parse_ids(raw: str) -> list[int]:
    """A comma-separated list of page ids; anything that is not a small positive number is dropped."""
    ids = []
    for part in raw.split(",")[:500]:
        part = part.strip()
        if part.isdigit() and len(part) < 12:
            ids.append(int(part))
    return ids
