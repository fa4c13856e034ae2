"""An edition with a programme, a speaker index and an open call; proposers, reviewers and organisers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from festival import roles
from festival.demo import upsert_child
from programme.models import ProgrammePage, SessionFormat, Track
from proposals.models import Call, Criterion, Question
from proposals.services import submission
from speakers.models import SpeakerIndexPage
from tests.ticketing.factories import UserFactory


@pytest.fixture
def programme(festival):
    return upsert_child(festival, ProgrammePage, slug="programme", title="Programme")


@pytest.fixture
def speaker_index(festival):
    return upsert_child(festival, SpeakerIndexPage, slug="speakers", title="Speakers")


@pytest.fixture
def talk(festival):
    return SessionFormat.objects.create(edition=festival, name="Talk", slug="talk")


@pytest.fixture
def workshop(festival):
    return SessionFormat.objects.create(edition=festival, name="Workshop", slug="workshop")


@pytest.fixture
def climate(festival):
    return Track.objects.create(edition=festival, name="Climate", slug="climate")


@pytest.fixture
def call(festival, programme, speaker_index, talk, workshop, climate):
    """Open since yesterday, closing in a week; two proposals a person; two criteria; one question."""
    now = timezone.now()
    call = Call.objects.create(
        edition=festival,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        intro="Propose a session!",
        max_per_person=2,
    )
    call.formats.set([talk, workshop])
    call.tracks.set([climate])
    call.save()  # modelcluster keeps the many-to-many in memory until the call is saved
    Criterion.objects.create(call=call, name="Relevance", sort_order=0)
    Criterion.objects.create(call=call, name="Clarity", sort_order=1)
    Question.objects.create(call=call, text="Have you run this before?", kind=Question.Kind.YES_NO, sort_order=0)
    return call


@pytest.fixture
def proposer():
    return submission.proposer_for("rosa@example.org")


@pytest.fixture
def data(call, talk, climate):
    """A good proposal's fields: ``data(title=...)`` changes any."""

    def make(**changes):
        question = call.questions.first()
        fields = {
            "title": "Organising renters",
            "abstract": "How tenants' unions win.",
            "description": "A talk.",
            "session_format": talk,
            "track": climate,
            "length_minutes": 60,
            "bsl": True,
            "step_free": True,
            "access_notes": "",
            "group": "Leeds Tenants' Union",
            "answers": {str(question.pk): True},
        }
        fields.update(changes)
        return fields

    return make


@pytest.fixture
def propose(call, proposer, data):
    """Submit a proposal: ``propose(title=..., co_speakers=[Speaker(...)], by=another_proposer)``."""

    def make(*, co_speakers=(), by=None, **changes):
        return submission.submit(
            call=call,
            proposer=by or proposer,
            data=data(**changes),
            speaker_name="Rosa Luxe",
            co_speakers=list(co_speakers),
        )

    return make


@pytest.fixture
def staff(groups):
    def make(role, username, **fields):
        user = UserFactory(username=username, **fields)
        user.groups.add(groups[role])
        return user

    return make


@pytest.fixture
def reviewer(staff):
    return staff(roles.REVIEWER, "rev", email="rev@example.org")


@pytest.fixture
def organiser(staff):
    return staff(roles.ORGANISER, "olu", email="olu@festival.invalid")
