"""Once the programme is public, moves, cancellations and additions appear on its changes page."""

import re

from festival.demo import upsert_child
from programme.models import ProgrammeChange, ProgrammePage, SessionPage, Stage

from .conftest import at


def kinds(programme) -> list[tuple[str, str]]:
    return [(c.kind, c.session_title) for c in ProgrammeChange.objects.filter(programme=programme)]


def test_nothing_is_logged_before_the_programme_is_first_published(festival, stages, formats):
    programme = ProgrammePage(title="Programme", slug="programme", live=False)
    festival.add_child(instance=programme)
    session = SessionPage(title="Early", slug="early", start=at(16, 10), end=at(16, 11), stage=stages[0])
    session.session_format = formats["talk"]
    programme.add_child(instance=session)
    session.save_revision().publish()
    session.start, session.end = at(16, 12), at(16, 13)
    session.save_revision().publish()

    programme.save_revision().publish()

    assert kinds(programme) == []


def test_moved_cancelled_and_added_sessions_are_logged_newest_first(client, programme, make_session, stages):
    moved = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), stage=stages[0], publish=True)
    cancelled = make_session("Strike school", start=at(16, 12), end=at(16, 13), stage=stages[0], publish=True)
    ProgrammeChange.objects.all().delete()  # both were added after publication; start from here
    moved.start, moved.end, moved.stage = at(17, 10), at(17, 11), stages[1]
    moved.save_revision().publish()
    cancelled.cancelled = True
    cancelled.save_revision().publish()
    make_session("Late addition", start=at(18, 10), end=at(18, 11), stage=stages[0], publish=True)

    response = client.get(programme.url + "changes/")

    assert kinds(programme) == [("added", "Late addition"), ("cancelled", "Strike school"), ("moved", "Rent strikes")]
    titles = re.findall(r'<h2 class="change__title">(?:<a href="[^"]+">)?([^<]+)', response.text)
    assert titles == ["Late addition", "Strike school", "Rent strikes"]
    assert (
        "Was Friday 16 October, 10:00 on Main Hall; now Saturday 17 October, 10:00 on Tolpuddle Room." in response.text
    )


def test_republishing_without_a_change_logs_nothing(programme, make_session):
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), publish=True)
    ProgrammeChange.objects.all().delete()
    session.summary = "A clearer summary."

    session.save_revision().publish()

    assert kinds(programme) == []


def test_sessions_live_before_the_first_publication_are_not_added(festival, formats):
    stage = Stage.objects.create(edition=festival, name="Hall", slug="hall")
    programme = ProgrammePage(title="Programme", slug="programme", live=False)
    festival.add_child(instance=programme)
    session = SessionPage(title="Early", slug="early", start=at(16, 10), end=at(16, 11), stage=stage)
    session.session_format = formats["talk"]
    programme.add_child(instance=session)  # live without a publish, as data loaded in code may be
    upsert_child(festival, ProgrammePage, slug="programme", title="Programme")
    session.refresh_from_db()

    session.start, session.end = at(16, 11), at(16, 12)
    session.save_revision().publish()

    assert kinds(programme) == [("moved", "Early")]


def test_changes_page_says_so_when_there_are_none(client, programme):
    response = client.get(programme.url + "changes/")

    assert response.status_code == 200
    assert "No changes since the programme was published." in response.text


def test_unpublishing_a_session_after_publication_logs_it_as_cancelled(client, programme, make_session, stages):
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), stage=stages[0], publish=True)
    ProgrammeChange.objects.all().delete()
    client.get(programme.url + "changes/")  # cached until something changes

    session.unpublish()
    response = client.get(programme.url + "changes/")

    assert kinds(programme) == [("cancelled", "Rent strikes")]
    assert "Was due Friday 16 October, 10:00 on Main Hall. It will not go ahead." in response.text
    assert f'href="{session.url}"' not in response.text  # its page is gone: no link to a 404


def test_republishing_an_unpublished_session_says_it_is_back_on(programme, make_session, stages):
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), stage=stages[0], publish=True)
    ProgrammeChange.objects.all().delete()
    session.unpublish()

    session.save_revision().publish()

    assert kinds(programme) == [("reinstated", "Rent strikes"), ("cancelled", "Rent strikes")]


def test_deleting_a_session_after_publication_logs_it_as_cancelled(client, programme, make_session, stages):
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), stage=stages[0])
    ProgrammeChange.objects.all().delete()
    client.get(programme.url + "changes/")

    session.delete()
    response = client.get(programme.url + "changes/")

    change = ProgrammeChange.objects.get()
    assert (change.kind, change.session_title, change.session, change.old_start) == (
        "cancelled",
        "Rent strikes",
        None,
        at(16, 10),
    )
    assert '<h2 class="change__title">Rent strikes</h2>' in response.text


def test_withdrawing_a_cancelled_or_unannounced_session_logs_nothing_more(festival, programme, make_session, stages):
    cancelled = make_session("Called off", start=at(16, 10), end=at(16, 11), stage=stages[0], publish=True)
    cancelled.cancelled = True
    cancelled.save_revision().publish()
    ProgrammeChange.objects.all().delete()
    draft = SessionPage(
        title="Never shown", slug="never-shown", start=at(17, 10), end=at(17, 11), stage=stages[0], live=False
    )
    draft.session_format = cancelled.session_format
    programme.add_child(instance=draft)

    cancelled.unpublish()
    draft.delete()

    assert kinds(programme) == []


def test_deleting_a_whole_programme_or_edition_logs_nothing_and_fails_nothing(festival, programme, make_session):
    make_session("Rent strikes", start=at(16, 10), end=at(16, 11), publish=True)

    festival.delete()

    assert ProgrammeChange.objects.count() == 0
    assert SessionPage.objects.count() == 0


def test_a_private_sessions_changes_are_neither_logged_nor_shown(client, programme, make_session, stages):
    from wagtail.models import PageViewRestriction

    make_session("Rent strikes", start=at(16, 10), end=at(16, 11), stage=stages[0], publish=True)
    private = make_session("Organisers' meeting", start=at(16, 12), end=at(16, 13), stage=stages[0])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    private.save_revision().publish()  # added after publication, but not to the public programme
    ProgrammeChange.objects.create(  # as logged before the page was made private
        kind=ProgrammeChange.Kind.ADDED, programme=programme, session=private, session_title=private.title
    )
    private.start, private.end = at(17, 10), at(17, 11)
    private.save_revision().publish()
    private.unpublish()

    page = client.get(programme.url + "changes/").content.decode()

    assert ("added", "Rent strikes") in kinds(programme)
    assert [title for _, title in kinds(programme)].count("Organisers' meeting") == 1  # only the one made by hand
    assert "Rent strikes" in page
    assert "Organisers" not in page
