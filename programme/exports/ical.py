"""iCalendar files for a programme, one session, one speaker or a starred list."""

from datetime import UTC

import icalendar
from django.utils import timezone
from django.utils.html import strip_tags

from programme.listing import ListedSession

UID_DOMAIN = "festival-of-resistance"


def session_uid(session) -> str:
    """A UID that stays the same however often the session is edited or moved."""
    return f"{session.guid}@{UID_DOMAIN}"


def calendar_for(*, festival, sessions: list[ListedSession], name: str) -> bytes:
    """An iCalendar file with one event per session, in the festival's time zone; cancelled ones say so.

    ``sessions`` are listed for export (``listed(for_export=True)``).
    """
    tz = festival.tz
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Festival of Resistance//Programme//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", festival.time_zone)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(session.start, tz).replace(microsecond=0))
        event.add("dtend", timezone.localtime(session.end, tz).replace(microsecond=0))
        event.add("summary", session.title)
        people = ", ".join(person.name for person in session.people)
        description = "\n\n".join(part for part in (session.summary, people, strip_tags(session.description)) if part)
        if description:
            event.add("description", description)
        location = ", ".join(
            part for part in (session.stage.name if session.stage else "", festival.venue_name) if part
        )
        event.add("location", location)
        event.add("url", session.url)
        event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
        categories = [c.name for c in (session.session_format, session.track) if c is not None]
        if categories:
            event.add("categories", categories)
        if session.last_published_at:
            event.add("last-modified", session.last_published_at.astimezone(UTC).replace(microsecond=0))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
