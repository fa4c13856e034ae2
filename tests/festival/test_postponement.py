"""An organiser postpones an edition: its dates, programme and day tickets move together, or its sessions
wait to be rescheduled; bad dates and an edition that is over are refused with nothing changed."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import PageLogEntry

from festival import roles
from festival.demo import upsert_child
from festival.models import FestivalPage, Postponement
from programme.models import ProgrammePage, SessionFormat, SessionPage, SessionSnapshot, Stage
from ticketing.models import TicketType
from ticketing.services import postponement

TODAY = timezone.localdate()
START = TODAY + timedelta(days=28)


@pytest.fixture
def edition(home):
    return upsert_child(
        home, FestivalPage, slug="2026", title="Festival of Resistance 2026", start_date=START,
        end_date=START + timedelta(days=2), venue_name="Northern Co-operative Hall", time_zone="Europe/London",
        status=FestivalPage.Status.ON_SALE,
    )  # fmt: skip


def moment(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def programme(edition):
    stage = Stage.objects.create(edition=edition, name="Main Hall", slug="main-hall")
    talk = SessionFormat.objects.create(edition=edition, name="Talk", slug="talk")
    page = upsert_child(edition, ProgrammePage, slug="programme", title="Programme")
    for n, title in enumerate(["Rent strikes", "Who owns the weather"]):
        day = START + timedelta(days=n)
        upsert_child(page, SessionPage, slug=title.lower().replace(" ", "-"), title=title, start=moment(day, 10),
                     end=moment(day, 11), stage=stage, session_format=talk)  # fmt: skip
    return page


@pytest.fixture
def day_ticket(edition):
    return TicketType.objects.create(festival=edition, name="Day one", price=1500, capacity=10,
                                     valid_days=[START.isoformat()])  # fmt: skip


def postpone(edition, *, by=None, days=7, length=3, deadline=None, programme="shift", now=None):
    new_start = START + timedelta(days=days)
    return postponement.postpone(
        festival=edition, new_start=new_start, new_end=new_start + timedelta(days=length - 1),
        refund_deadline=deadline or TODAY + timedelta(days=14), programme=programme, user=by,
        now=now or timezone.now(),
    )  # fmt: skip


def test_the_programme_and_day_tickets_move_with_the_edition(edition, programme, day_ticket):
    record = postpone(edition, days=7)

    edition.refresh_from_db()
    sessions = SessionPage.objects.child_of(programme).order_by("start")
    assert (edition.start_date, edition.end_date) == (START + timedelta(days=7), START + timedelta(days=9))
    assert [s.start for s in sessions] == [moment(START + timedelta(days=7), 10), moment(START + timedelta(days=8), 10)]
    assert [s.end - s.start for s in sessions] == [timedelta(hours=1)] * 2
    assert TicketType.objects.get(pk=day_ticket.pk).valid_days == [(START + timedelta(days=7)).isoformat()]
    assert (record.old_start_date, record.new_start_date, record.day_offset) == (START, START + timedelta(days=7), 7)


def test_the_next_edit_starts_from_the_moved_times_and_is_no_news(edition, programme):
    postpone(edition, days=7)
    session = SessionPage.objects.child_of(programme).order_by("start").first()

    draft = session.get_latest_revision_as_object()
    assert draft.start == moment(START + timedelta(days=7), 10)
    edition.refresh_from_db()
    assert edition.get_latest_revision_as_object().start_date == START + timedelta(days=7)
    draft.summary = "Now with a summary."
    draft.save_revision().publish()  # inside the new dates, so allowed
    assert SessionSnapshot.objects.get(session=session).start == moment(START + timedelta(days=7), 10)
    assert not programme.changes.filter(kind="moved").exists()


def test_sessions_can_wait_to_be_rescheduled_off_the_grid_but_listed(client, edition, programme):
    postpone(edition, programme=Postponement.Programme.RESCHEDULE)

    sessions = SessionPage.objects.child_of(programme)
    assert all(s.to_be_rescheduled and s.start is None for s in sessions)
    response = client.get(programme.url)
    assert response.context["schedule"].session_count == 0
    assert "To be rescheduled" in response.text and "Rent strikes" in response.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days": -28}, "new_start_date"),  # starts today: not in the future
        ({"days": -40}, "new_start_date"),  # in the past
        ({"length": 0}, "new_end_date"),  # ends the day before it starts
        ({"deadline": TODAY - timedelta(days=1)}, "refund_deadline"),
        ({"days": 7, "deadline": START + timedelta(days=7)}, "refund_deadline"),  # not before the new start
    ],
)
def test_bad_dates_are_refused_by_field_and_change_nothing(edition, programme, day_ticket, change, field):
    with pytest.raises(ValidationError) as refused:
        postpone(edition, **change)

    assert field in refused.value.message_dict
    edition.refresh_from_db()
    assert edition.start_date == START
    assert Postponement.objects.count() == 0
    assert SessionPage.objects.child_of(programme).order_by("start").first().start == moment(START, 10)
    assert TicketType.objects.get(pk=day_ticket.pk).valid_days == [START.isoformat()]


def test_an_edition_that_is_over_is_refused(edition):
    after = timezone.now() + timedelta(days=40)

    with pytest.raises(ValidationError) as refused:
        postpone(edition, days=50, deadline=START + timedelta(days=45), now=after)

    assert "over" in refused.value.message_dict["__all__"][0]
    assert Postponement.objects.count() == 0


def test_it_is_recorded_and_audited_against_the_edition(edition, programme):
    organiser = User.objects.create_user("olu")

    record = postpone(edition, by=organiser)

    entry = PageLogEntry.objects.get(page=edition, action=postponement.POSTPONED_ACTION)
    assert entry.user == organiser
    assert entry.data["to"][0] == str(record.new_start_date)
    assert record.created_by == organiser


@pytest.fixture
def organiser(client, home):
    groups = roles.sync_roles(root_page=home)
    user = User.objects.create_user("olu", password="pw")  # noqa: S106
    user.groups.add(groups[roles.ORGANISER])
    client.force_login(user)
    return user


def form(days=7, deadline_days=14, **extra):
    new_start = START + timedelta(days=days)
    deadline = TODAY + timedelta(days=deadline_days)
    return {"new_start_date": new_start.isoformat(), "new_end_date": (new_start + timedelta(days=2)).isoformat(),
            "refund_deadline": deadline.isoformat(), "programme": "shift", **extra}  # fmt: skip


def test_an_organiser_reviews_then_confirms_in_the_admin(client, organiser, edition, programme):
    url = f"/admin/festival/editions/{edition.pk}/postpone/"
    assert "Postpone" in client.get(f"/admin/pages/{edition.pk}/").text

    review = client.post(url, form())
    assert review.status_code == 200 and "Postpone the edition" in review.text
    assert Postponement.objects.count() == 0  # a review changes nothing

    done = client.post(url, form(step="confirm"))
    assert done.status_code == 302
    edition.refresh_from_db()
    assert edition.start_date == START + timedelta(days=7)


def test_the_admin_shows_bad_dates_as_field_errors(client, organiser, edition):
    url = f"/admin/festival/editions/{edition.pk}/postpone/"
    response = client.post(url, form(deadline_days=-1, step="confirm"))

    assert response.status_code == 400
    assert "The refund deadline cannot be in the past." in response.text
    assert Postponement.objects.count() == 0


def test_only_organisers_may_postpone(client, home, edition):
    groups = roles.sync_roles(root_page=home)
    editor = User.objects.create_user("esme")
    editor.groups.add(groups[roles.EDITOR])
    client.force_login(editor)

    response = client.post(f"/admin/festival/editions/{edition.pk}/postpone/", form(step="confirm"))

    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.start_date == START
