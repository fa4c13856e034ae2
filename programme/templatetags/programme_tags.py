"""The programme's template tags: schema.org Event JSON-LD, session cards, and a speaker's sessions."""

import json

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from programme import cards, featured, placement
from programme.models import SessionPage

register = template.Library()

EVENT_STATUS = "https://schema.org/EventScheduled"


def _script(data: dict) -> str:
    # Escape "<", ">" and "&" so that no string in the data can close the script element.
    body = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{body}</script>')  # noqa: S308 - escaped above


def _place(festival, room: str = "") -> dict:
    place = {"@type": "Place", "name": f"{room}, {festival.venue_name}" if room else festival.venue_name}
    if festival.venue_address:
        place["address"] = {"@type": "PostalAddress", "streetAddress": " ".join(festival.venue_address.split())}
    return place


def festival_event(festival, request=None) -> dict:
    statuses = {"postponed": "https://schema.org/EventPostponed"}
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": festival.title,
        "startDate": festival.start_date.isoformat(),
        "endDate": festival.end_date.isoformat(),
        "eventStatus": statuses.get(festival.status, EVENT_STATUS),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(festival),
        "url": festival.get_full_url(request),
        "description": festival.tagline,
        "organizer": {"@type": "Organization", "name": "Festival of Resistance"},
    }


@register.simple_tag(takes_context=True)
def festival_jsonld(context, festival):
    """The edition as a schema.org Event."""
    return _script(festival_event(festival, context.get("request")))


@register.simple_tag(takes_context=True)
def session_jsonld(context, session, festival, people, moved=False):
    """A session as a schema.org Event, inside the edition (superEvent), with its performers."""
    if festival is None or session.start is None or session.end is None:
        return ""
    request = context.get("request")
    tz = festival.tz
    if session.cancelled:
        status = "https://schema.org/EventCancelled"
    elif moved:
        status = "https://schema.org/EventRescheduled"
    else:
        status = EVENT_STATUS
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "description": session.summary,
        "startDate": timezone.localtime(session.start, tz).isoformat(),
        "endDate": timezone.localtime(session.end, tz).isoformat(),
        "eventStatus": status,
        "eventAttendanceMode": "https://schema.org/MixedEventAttendanceMode"
        if session.livestream_url
        else "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(festival, session.stage.name if session.stage_id else ""),
        "url": session.get_full_url(request),
        "inLanguage": session.language,
        "superEvent": {
            "@type": "Event",
            "name": festival.title,
            "startDate": festival.start_date.isoformat(),
            "endDate": festival.end_date.isoformat(),
            "url": festival.get_full_url(request),
            "location": _place(festival),
        },
        "performer": [
            {"@type": "Person", "name": speaker.title, "url": speaker.get_full_url(request)}
            for _link, speaker in people
        ],
    }
    if session.livestream_url:
        data["location"] = [data["location"], {"@type": "VirtualLocation", "url": session.livestream_url}]
    return _script(data)


@register.simple_tag
def session_cards(entries, show_day=False):
    """The cards (see programme.cards) for grid slots or listed sessions, in the current time zone."""
    return cards.session_cards(entries, tz=timezone.get_current_timezone(), show_day=show_day)


@register.filter
def grid_class(stage_count: int) -> str:
    """The class of a day's grid with ``stage_count`` stage columns (programme.placement)."""
    return placement.grid_class(stage_count)


@register.filter
def column_class(column: int) -> str:
    return placement.slot_classes(column=column, row_start=1, row_end=2).split()[0]


@register.filter
def row_class(row: int) -> str:
    return placement.row_class(row)


@register.simple_tag
def star_button(session):
    return cards.star_button(session)


@register.simple_tag(takes_context=True)
def speaker_sessions(context, speaker):
    """The live sessions ``speaker`` is on, in time order, as their cards show them: a speaker's page
    lists them through the programme, which builds on speakers (not the reverse)."""
    return SessionPage.objects.of_speaker(speaker).listed(request=context.get("request"))


@register.simple_tag(takes_context=True)
def featured_sessions(context, value, edition):
    """The sessions a featured-sessions block shows (``programme.featured``), as cards list them."""
    return featured.featured_sessions(
        edition=edition,
        chosen=list(value.get("sessions") or []),
        count=value.get("count") or 3,
        seen_from=context.get("page"),
        request=context.get("request"),
    )


@register.simple_tag(takes_context=True)
def happening_now(context, edition):
    """What a happening-now block shows while ``edition`` is on, else None."""
    return featured.happening_now(edition=edition, request=context.get("request"))
