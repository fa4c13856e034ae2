"""Publishing a clash is refused, with a message that names the other session."""

import pytest
from django.core.exceptions import ValidationError

from programme.models import SessionPage, SessionSpeaker

from .conftest import at


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_stage_double_booking_is_refused_naming_the_other_session(make_session, stages):
    make_session("Who owns the weather", start=at(16, 10), end=at(16, 11), stage=stages[0])
    clash = SessionPage(title="Rent strikes", start=at(16, 10, 30), end=at(16, 11, 30), stage=stages[0])

    with pytest.raises(ValidationError) as excinfo:
        make_session_page_clean(clash, stages)

    assert codes(excinfo.value) == {"stage": ["stage_clash"]}
    assert "“Who owns the weather”" in excinfo.value.message_dict["stage"][0]
    assert "Main Hall" in excinfo.value.message_dict["stage"][0]


def make_session_page_clean(session, stages):
    """Run SessionPage.clean()'s clash checks the way the admin form does, with the parent known."""
    from programme.clashes import check_session
    from programme.models import ProgrammePage

    session._parent_for_clean = ProgrammePage.objects.get()
    check_session(session)


def test_speaker_in_two_places_at_once_is_refused(make_session, make_speaker, stages):
    ada = make_speaker("Ada Okafor")
    make_session("Building a union", start=at(16, 10), end=at(16, 11), stage=stages[0], speakers=[ada])
    clash = SessionPage(title="Housing panel", start=at(16, 10, 45), end=at(16, 12), stage=stages[1])
    clash.speaker_links = [SessionSpeaker(speaker=ada, role=SessionSpeaker.Role.CHAIR)]

    with pytest.raises(ValidationError) as excinfo:
        make_session_page_clean(clash, stages)

    assert codes(excinfo.value) == {"__all__": ["speaker_clash"]}
    assert excinfo.value.message_dict["__all__"][0].startswith("Ada Okafor is already on “Building a union”")


def test_session_that_ends_before_it_starts_is_refused(programme, stages):
    session = SessionPage(title="Backwards", start=at(16, 11), end=at(16, 10), stage=stages[0])

    with pytest.raises(ValidationError) as excinfo:
        make_session_page_clean(session, stages)

    assert codes(excinfo.value) == {"end": ["ends_before_start"]}


def test_session_outside_the_festival_dates_is_refused(programme, stages):
    session = SessionPage(title="Too early", start=at(15, 10), end=at(15, 11), stage=stages[0])

    with pytest.raises(ValidationError) as excinfo:
        make_session_page_clean(session, stages)

    assert codes(excinfo.value) == {"start": ["outside_festival"]}


def test_back_to_back_sessions_and_other_stages_are_fine(make_session, make_speaker, stages):
    ada = make_speaker("Ada Okafor")
    make_session("First", start=at(16, 10), end=at(16, 11), stage=stages[0], speakers=[ada])

    second = make_session("Second", start=at(16, 11), end=at(16, 12), stage=stages[0], speakers=[ada])
    third = make_session("Third", start=at(16, 10), end=at(16, 11), stage=stages[1])

    assert [second.live, third.live] == [True, True]


def test_a_cancelled_session_frees_its_slot(make_session, stages):
    first = make_session("Cancelled one", start=at(16, 10), end=at(16, 11), stage=stages[0])
    first.cancelled = True
    first.save_revision().publish()

    replacement = make_session("Replacement", start=at(16, 10), end=at(16, 11), stage=stages[0])

    assert replacement.live is True


def test_publishing_an_old_revision_that_now_clashes_is_refused(make_session, stages):
    session = make_session("Movable", start=at(16, 14), end=at(16, 15), stage=stages[0])
    session.start, session.end = at(16, 10), at(16, 11)
    pending = session.save_revision()  # a draft move, fine when saved
    make_session("Took the slot", start=at(16, 10), end=at(16, 11), stage=stages[0])

    with pytest.raises(ValidationError) as excinfo:
        pending.publish()

    assert codes(excinfo.value) == {"stage": ["stage_clash"]}
    session.refresh_from_db()
    assert session.start == at(16, 14)


def test_the_database_refuses_an_end_before_the_start(make_session, stages):
    from django.db import IntegrityError, transaction

    session = make_session("Guarded", start=at(16, 10), end=at(16, 11), stage=stages[0])

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionPage.objects.filter(pk=session.pk).update(end=at(16, 9))
