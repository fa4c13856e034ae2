"""The frab/c3voc schedule (schedule.json and schedule.xml) read by Giggity, ConfClerk and EventFahrplan.

The JSON follows ``schedule.schema.json`` and the XML ``schedule.xml.xsd`` from the voc/schedule
repository. GUIDs come from the pages' own UUIDs, so they survive edits and moves.
"""

import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from lxml import etree

from programme.listing import ListedSession

VERSION_FORMAT = "%Y-%m-%d %H:%M"
GENERATOR = {"name": "festival-of-resistance", "version": "1.0"}
DAY_CHANGE = time(6, 0)  # a festival day runs from 06:00 to 05:59 the next morning


def acronym_for(festival) -> str:
    """Lower-case letters and digits, at least four, as both schemas want."""
    tail = re.sub(r"[^a-z0-9_]", "", slugify(festival.slug).replace("-", "_"))
    return f"resistance{tail}"


def _hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _event_slug(acronym: str, session) -> str:
    title = re.sub(r"[^a-z0-9-]", "", slugify(session.slug, allow_unicode=False)).strip("-") or "session"
    return f"{acronym}-{session.pk}-{title}"


def _track_slug(track) -> str | None:
    slug = slugify(track.slug, allow_unicode=False)
    return slug if re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", slug) else None


def _room_slug(stage) -> dict:
    slug = slugify(stage.slug, allow_unicode=False)
    return {"slug": slug} if re.fullmatch(r"[a-z0-9_-]+[a-z0-9]", slug) else {}


def build_schedule(*, programme, sessions: list[ListedSession], programme_url: str) -> dict:
    """The schedule as a dict in the shape of schedule.json; cancelled sessions are left out.

    ``sessions`` are the programme's, listed for export; ``programme_url`` is absolute.
    """
    festival = programme.festival
    tz = festival.tz
    acronym = acronym_for(festival)
    live = [s for s in sessions if not s.cancelled and s.start and s.end]
    stages = sorted({s.stage for s in live if s.stage}, key=lambda st: (st.sort_order or 0, st.name))
    tracks = sorted({s.track for s in live if s.track}, key=lambda t: (t.sort_order or 0, t.name))
    published = [s.last_published_at for s in sessions if s.last_published_at] + [programme.last_published_at]
    version = max(p for p in published if p) if any(published) else timezone.now()
    days = []
    for index, (day, day_start, next_day_start) in enumerate(_day_spans(festival, live), start=1):
        day_end = next_day_start - timedelta(minutes=1)
        rooms: dict[str, list] = {}
        for session in live:
            if day_start <= timezone.localtime(session.start, tz) < next_day_start:
                rooms.setdefault(session.stage.name if session.stage else "", []).append(
                    _event(session, tz=tz, acronym=acronym)
                )
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": _iso(day_start),
                "day_end": _iso(day_end),
                "rooms": rooms,
            }
        )
    conference = {
        "acronym": acronym,
        "title": festival.title,
        "start": festival.start_date.isoformat(),
        "end": festival.end_date.isoformat(),
        "daysCount": len(festival.days),
        "timeslot_duration": "00:05",
        "time_zone_name": festival.time_zone,
        "url": programme_url,
        "rooms": [
            {"name": stage.name, "guid": str(stage.guid), "capacity": stage.capacity, **_room_slug(stage)}
            for stage in stages
        ],
        "tracks": [
            {"name": track.name, "color": track.colour, **({"slug": slug} if (slug := _track_slug(track)) else {})}
            for track in tracks
        ],
        "days": days,
    }
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": GENERATOR,
        "schedule": {
            "version": timezone.localtime(version, tz).strftime(VERSION_FORMAT),
            "base_url": programme_url,
            "conference": conference,
        },
    }


def _day_spans(festival, sessions) -> list[tuple]:
    """(date, start, next day's start) for each festival day, together covering every session exactly once.

    Days change at 06:00, but the clash checks let a session start from midnight on the first day:
    the first day then starts on the hour of the earliest such session.
    """
    tz = festival.tz
    starts = [datetime.combine(day, DAY_CHANGE, tzinfo=tz) for day in festival.days]
    if not starts:
        return []
    earliest = min((timezone.localtime(s.start, tz) for s in sessions), default=starts[0])
    starts[0] = min(starts[0], earliest.replace(minute=0, second=0, microsecond=0))
    ends = starts[1:] + [datetime.combine(festival.days[-1] + timedelta(days=1), DAY_CHANGE, tzinfo=tz)]
    return list(zip(festival.days, starts, ends, strict=True))


def _event(session: ListedSession, *, tz, acronym: str) -> dict:
    start = timezone.localtime(session.start, tz)
    links = []
    if session.livestream_url:
        links.append({"url": session.livestream_url, "title": "Livestream", "type": "media"})
    if session.recording_url:
        links.append({"url": session.recording_url, "title": "Recording", "type": "media"})
    return {
        "id": session.pk,
        "guid": str(session.guid),
        "logo": "",
        "date": _iso(start),
        "start": start.strftime("%H:%M"),
        "end": _iso(timezone.localtime(session.end, tz)),
        "duration": _hhmm(session.end - session.start),
        "room": session.stage.name if session.stage else "",
        "slug": _event_slug(acronym, session),
        "url": session.url,
        "title": session.title,
        "subtitle": "",
        "track": session.track.name if session.track else None,
        "type": session.session_format.slug if session.session_format else "other",
        "language": session.language,
        "abstract": session.summary,
        "description": strip_tags(session.description),
        "recording_license": "",
        "do_not_record": not session.may_be_recorded,
        "persons": [
            {
                "id": person.pk,
                "guid": str(person.guid),
                "name": person.name,
                "url": person.url,
                "biography": person.short_bio,
            }
            for person in session.people
        ],
        "links": links,
        "attachments": [],
    }


def _sub(parent, tag: str, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = str(text)
    return element


def schedule_xml(schedule: dict) -> bytes:
    """The same schedule as schedule.xml."""
    data = schedule["schedule"]
    conference = data["conference"]
    root = etree.Element("schedule")
    _sub(root, "generator", **GENERATOR)
    _sub(root, "url", data["base_url"] + "schedule.xml")
    _sub(root, "version", data["version"])
    conf = _sub(root, "conference")
    for name in ("title", "acronym", "start", "end"):
        _sub(conf, name, conference[name])
    _sub(conf, "days", conference["daysCount"])
    _sub(conf, "timeslot_duration", conference["timeslot_duration"])
    _sub(conf, "base_url", data["base_url"])
    _sub(conf, "url", conference["url"])
    _sub(conf, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        _sub(conf, "track", track["name"], name=track["name"], color=track["color"], slug=track.get("slug"))
    for day in conference["days"]:
        day_element = _sub(
            root, "day", date=day["date"], start=day["day_start"], end=day["day_end"], index=day["index"]
        )
        for room_name, events in day["rooms"].items():
            room_guid = next((r["guid"] for r in conference["rooms"] if r["name"] == room_name), None)
            room = _sub(day_element, "room", name=room_name, guid=room_guid)
            for event in events:
                _event_xml(room, event)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _event_xml(room, event: dict) -> None:
    element = _sub(room, "event", id=event["id"], guid=event["guid"])
    for name in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle"):
        _sub(element, name, event[name])
    _sub(element, "track", event["track"] or "")
    _sub(element, "type", event["type"])
    _sub(element, "language", event["language"])
    _sub(element, "abstract", event["abstract"])
    _sub(element, "description", event["description"])
    recording = _sub(element, "recording")
    _sub(recording, "license", event["recording_license"])
    _sub(recording, "optout", "true" if event["do_not_record"] else "false")
    persons = _sub(element, "persons")
    for person in event["persons"]:
        _sub(persons, "person", person["name"], id=person["id"], guid=person["guid"])
    links = _sub(element, "links")
    for link in event["links"]:
        _sub(links, "link", link["title"], href=link["url"], type=link.get("type"))
    _sub(element, "attachments")
