"""Programme fixtures: an edition's stages, tracks, formats, programme, speakers and sessions."""

from datetime import datetime

import pytest
from django.utils.text import slugify

from festival.demo import upsert_child
from programme.models import ProgrammePage, SessionFormat, SessionPage, SessionSpeaker, Stage, Track
from speakers.models import SpeakerIndexPage, SpeakerPage

LONDON = "Europe/London"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in October 2026, in the festival's time zone."""
    from zoneinfo import ZoneInfo

    return datetime(2026, 10, day, hour, minute, tzinfo=ZoneInfo(LONDON))


@pytest.fixture
def stages(festival):
    return [
        Stage.objects.create(edition=festival, name="Main Hall", slug="main-hall", capacity=900, sort_order=0),
        Stage.objects.create(
            edition=festival, name="Tolpuddle Room", slug="tolpuddle-room", capacity=200, sort_order=1
        ),
    ]


@pytest.fixture
def tracks(festival):
    return [
        Track.objects.create(edition=festival, name="Climate and land", slug="climate", colour="#1e6b34", sort_order=0),
        Track.objects.create(edition=festival, name="Work and unions", slug="work", colour="#a4161a", sort_order=1),
    ]


@pytest.fixture
def formats(festival):
    return {
        slug: SessionFormat.objects.create(edition=festival, name=slug.title(), slug=slug, sort_order=n)
        for n, slug in enumerate(["talk", "panel", "workshop", "film", "assembly"])
    }


@pytest.fixture
def programme(festival):
    return upsert_child(festival, ProgrammePage, slug="programme", title="Programme")


@pytest.fixture
def speaker_index(festival):
    return upsert_child(festival, SpeakerIndexPage, slug="speakers", title="Speakers")


@pytest.fixture
def make_speaker(speaker_index):
    def make(name: str, **fields) -> SpeakerPage:
        return upsert_child(speaker_index, SpeakerPage, slug=name.lower().replace(" ", "-"), title=name, **fields)

    return make


@pytest.fixture
def make_session(programme, stages, tracks, formats):
    """A live session; ``speakers`` is a list of SpeakerPage or (SpeakerPage, role)."""

    def make(title: str, *, start, end, stage=None, speakers=(), publish=False, **fields) -> SessionPage:
        links = []
        for order, entry in enumerate(speakers):
            speaker, role = entry if isinstance(entry, tuple) else (entry, SessionSpeaker.Role.SPEAKER)
            links.append(SessionSpeaker(speaker=speaker, role=role, sort_order=order))
        fields.setdefault("session_format", formats["talk"])
        fields.setdefault("track", tracks[0])
        session = SessionPage(
            title=title,
            slug=slugify(title),
            start=start,
            end=end,
            stage=stage or stages[0],
            speaker_links=links,
            **fields,
        )
        programme.add_child(instance=session)  # live, and checked for clashes on save
        if publish:  # through Wagtail's publishing, so the changes log sees it
            session.save_revision().publish()
        session.refresh_from_db()
        return session

    return make
