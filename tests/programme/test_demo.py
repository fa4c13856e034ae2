import re
from datetime import timedelta

from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from wagtail.models import Page

from programme.models import ProgrammeChange, ProgrammePage, SessionFormat, SessionPage, Stage
from speakers.models import SpeakerPage


def test_seed_demo_builds_a_believable_2026_programme_without_clashes(db, client):
    call_command("seed_demo", verbosity=0)

    programme = ProgrammePage.objects.get(slug="programme")
    sessions = SessionPage.objects.live().child_of(programme)
    days = {s.start.astimezone(programme.festival.tz).date() for s in sessions}
    assert len(days) == 3
    assert Stage.objects.count() == 6
    assert 55 <= sessions.count() <= 65
    assert 45 <= SpeakerPage.objects.live().count() <= 55
    assert {"panel", "workshop", "film", "assembly"} <= set(
        SessionFormat.objects.filter(sessions__in=sessions).values_list("slug", flat=True)
    )
    assert ProgrammeChange.objects.count() == 0
    for session in sessions:
        session.full_clean()  # no clash anywhere
    assert client.get(programme.url).status_code == 200


def grid_start(client, programme, session) -> str:
    """When the programme grid says ``session`` starts (its <time datetime>), or "" if it is not there."""
    html = client.get(programme.url).text
    found = re.search(rf'data-session="{session.pk}"[^>]*>.*?<time datetime="([^"]+)"', html, re.S)
    return found.group(1) if found else ""


def schedule_move(session, *, hours: int):
    """Schedule ``session`` to move ``hours`` later, going live tomorrow, as the editor's "Schedule" does."""
    session.start += timedelta(hours=hours)
    session.end += timedelta(hours=hours)
    session.go_live_at = timezone.now() + timedelta(days=1)
    revision = session.save_revision()
    revision.publish()
    return revision


def fall_due(revision) -> None:
    """Time passes: the moment the revision was scheduled for (its go_live_at and its approval) is now past."""
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = DjangoJSONEncoder().default(past)
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])


def test_every_demo_page_is_published_through_a_revision_as_in_the_admin(db):
    call_command("seed_demo", verbosity=0)

    pages = Page.objects.filter(depth__gt=1)
    unlike_the_admin = [
        page.title
        for page in pages
        if not page.live
        or page.live_revision_id is None
        or page.live_revision_id != page.latest_revision_id
        or page.has_unpublished_changes
        or page.first_published_at is None
    ]
    assert pages.count() > 100
    assert unlike_the_admin == []


def test_a_scheduled_move_of_a_demo_session_waits_until_it_falls_due(db, client):
    call_command("seed_demo", verbosity=0)
    programme = ProgrammePage.objects.get(slug="programme")
    session = SessionPage.objects.get(slug="closing-assembly")
    old_start, new_start = session.start, session.start + timedelta(hours=2)

    revision = schedule_move(session, hours=2)

    tz = programme.festival.tz
    assert grid_start(client, programme, session) == old_start.astimezone(tz).isoformat()
    assert client.get(session.url).status_code == 200
    assert "No changes since the programme was published." in client.get(programme.url + "changes/").text
    fall_due(revision)
    call_command("publish_scheduled")
    session.refresh_from_db()
    assert (session.live, session.start) == (True, new_start)
    assert grid_start(client, programme, session) == new_start.astimezone(tz).isoformat()
    changes = client.get(programme.url + "changes/").text
    assert "Closing assembly: what we do on Monday" in changes
    assert [(c.kind, c.old_start, c.new_start) for c in ProgrammeChange.objects.all()] == [
        ("moved", old_start, new_start)
    ]


def test_a_scheduled_move_that_clashes_when_due_leaves_the_demo_session_up(db, client):
    call_command("seed_demo", verbosity=0)
    programme = ProgrammePage.objects.get(slug="programme")
    session = SessionPage.objects.get(slug="closing-assembly")
    old_start = session.start
    revision = schedule_move(session, hours=2)
    # Meanwhile another session is published into the slot the scheduled revision wants.
    other = SessionPage.objects.live().child_of(programme).exclude(pk=session.pk).filter(stage=session.stage).first()
    other.start, other.end = old_start + timedelta(hours=2), old_start + timedelta(hours=3)
    other.save_revision().publish()

    fall_due(revision)
    call_command("publish_scheduled")

    session.refresh_from_db()
    assert (session.live, session.start) == (True, old_start)
    assert session.revisions.filter(approved_go_live_at__isnull=False).exists() is False
    assert grid_start(client, programme, session) == old_start.astimezone(programme.festival.tz).isoformat()
    assert client.get(session.url).status_code == 200


def test_seed_demo_puts_back_sessions_an_editor_moved_into_each_others_slots(db):
    call_command("seed_demo", verbosity=0)
    no_speakers = SessionPage.objects.filter(speaker_links__isnull=True).order_by("start")  # films and socials
    first = no_speakers.first()
    second = no_speakers.filter(stage=first.stage).exclude(pk=first.pk).first()
    first_slot, second_slot = (first.start, first.end), (second.start, second.end)
    later = timedelta(hours=2, minutes=30)  # from the evening slot to late that night, when nothing is on
    first.start, first.end = first.start + later, first.end + later
    first.save_revision().publish()
    second.start, second.end = first_slot  # into the slot the first one left
    second.save_revision().publish()

    call_command("seed_demo", verbosity=0)  # the first one's slot is still held when it is put back

    first.refresh_from_db()
    second.refresh_from_db()
    assert ((first.start, first.end), (second.start, second.end)) == (first_slot, second_slot)
    assert ProgrammeChange.objects.count() == 0
