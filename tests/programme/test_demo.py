from django.core.management import call_command

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
