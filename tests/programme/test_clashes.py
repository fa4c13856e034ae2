"""Publishing a clash is refused, with a message that names the other session."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import GroupApprovalTask, PageLogEntry, Workflow, WorkflowTask

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


@pytest.fixture
def taken(make_session, stages):
    """A live session holding Main Hall on Friday morning."""
    return make_session("Who owns the weather", start=at(16, 10), end=at(16, 11), stage=stages[0])


def draft_session(programme, stages, formats, title="Rent strikes", **fields) -> SessionPage:
    fields = {"start": at(16, 10, 30), "end": at(16, 11, 30), "stage": stages[0], **fields}
    session = SessionPage(title=title, slug=title.lower().replace(" ", "-"), live=False, **fields)
    session.session_format = formats["talk"]
    programme.add_child(instance=session)
    return session


def test_a_draft_that_clashes_saves_fine(programme, taken, stages, formats):
    session = draft_session(programme, stages, formats)

    revision = session.save_revision()

    assert (session.live, revision.as_object().start) == (False, at(16, 10, 30))


def test_a_draft_move_of_a_live_session_into_a_clash_saves_fine(make_session, taken, stages):
    session = make_session("Movable", start=at(16, 14), end=at(16, 15), stage=stages[0])
    session.start, session.end = at(16, 10), at(16, 11)

    session.save_revision()

    session.refresh_from_db()
    assert (session.start, session.has_unpublished_changes) == (at(16, 14), True)


def test_publishing_a_clashing_draft_is_refused_naming_the_other_session(programme, taken, stages, formats):
    session = draft_session(programme, stages, formats)
    revision = session.save_revision()

    with pytest.raises(ValidationError) as excinfo:
        revision.publish()

    assert codes(excinfo.value) == {"stage": ["stage_clash"]}
    assert "“Who owns the weather”" in excinfo.value.message_dict["stage"][0]
    session.refresh_from_db()
    assert session.live is False


def test_a_clashing_scheduled_revision_is_skipped_and_unscheduled_with_a_warning(
    client, programme, taken, stages, formats, caplog
):
    due = timezone.now() - timedelta(minutes=5)
    clashing = draft_session(programme, stages, formats)
    clashing.save_revision(approved_go_live_at=due)
    fine = draft_session(programme, stages, formats, title="Strike school", stage=stages[1])
    fine.save_revision(approved_go_live_at=due)

    with caplog.at_level(logging.WARNING, logger="programme"):
        call_command("publish_scheduled")

    clashing.refresh_from_db()
    fine.refresh_from_db()
    assert (clashing.live, fine.live) == (False, True)
    assert clashing.revisions.filter(approved_go_live_at__isnull=False).exists() is False
    assert [r.levelname for r in caplog.records if "Rent strikes" in r.getMessage()] == ["WARNING"]
    assert "“Who owns the weather”" in caplog.text
    assert PageLogEntry.objects.filter(page=clashing, action="programme.publish.clash").count() == 1
    client.force_login(User.objects.create_superuser("boss", "boss@festival.invalid", "pw"))
    history = client.get(f"/admin/pages/{clashing.pk}/history/")
    assert "Scheduled publishing refused, so unscheduled: Main Hall is already booked" in history.text


@pytest.mark.parametrize(
    ("headers", "answer"), [({}, 302), ({"x-requested-with": "XMLHttpRequest"}, 403)], ids=["page", "modal"]
)
def test_approving_a_clashing_session_in_a_workflow_is_refused_not_a_server_error(
    client, programme, taken, stages, formats, headers, answer
):
    session = draft_session(programme, stages, formats)
    session.save_revision()
    workflow = Workflow.objects.create(name="Programme sign-off")
    task = GroupApprovalTask.objects.create(name="Organisers approve")
    task.groups.set([Group.objects.create(name="Organisers")])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    moderator = User.objects.create_superuser("boss", "boss@festival.invalid", "pw")
    state = workflow.start(session, moderator)
    client.force_login(moderator)

    response = client.post(
        f"/admin/pages/workflow/action/{session.pk}/approve/{state.current_task_state.pk}/",
        {"comment": ""},
        headers=headers,
    )

    # Wagtail's admin answers a refused publish as it answers any PermissionDenied: the dashboard with
    # an error message, or 403 to its approval modal. The approval is rolled back.
    assert response.status_code == answer
    state.refresh_from_db()
    session.refresh_from_db()
    assert (state.status, state.current_task_state.status, session.live) == ("in_progress", "in_progress", False)
