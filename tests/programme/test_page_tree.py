from wagtail.test.utils import WagtailPageTestCase

from festival.models import FestivalPage, HomePage
from programme.models import ProgrammePage, SessionPage
from speakers.models import SpeakerIndexPage, SpeakerPage


class TestProgrammePageTree(WagtailPageTestCase):
    def test_programme_sits_under_an_edition_only(self):
        self.assertAllowedParentPageTypes(ProgrammePage, {FestivalPage})

    def test_sessions_sit_under_a_programme_only(self):
        self.assertAllowedParentPageTypes(SessionPage, {ProgrammePage})
        self.assertAllowedSubpageTypes(SessionPage, set())

    def test_speaker_index_sits_under_an_edition_and_holds_speakers(self):
        self.assertAllowedParentPageTypes(SpeakerIndexPage, {FestivalPage})
        self.assertAllowedSubpageTypes(SpeakerIndexPage, {SpeakerPage})

    def test_speakers_sit_under_a_speaker_index_only(self):
        self.assertAllowedParentPageTypes(SpeakerPage, {SpeakerIndexPage})

    def test_sessions_cannot_hang_off_home_or_an_edition(self):
        self.assertCanNotCreateAt(HomePage, SessionPage)
        self.assertCanNotCreateAt(FestivalPage, SessionPage)


def test_one_programme_per_edition(programme, festival):
    assert ProgrammePage.can_create_at(festival) is False


def test_copying_a_session_gives_it_a_new_guid(make_session, programme):
    from .conftest import at

    session = make_session("Original", start=at(16, 10), end=at(16, 11), cancelled=True)

    copy = session.copy(update_attrs={"slug": "original-copy", "title": "Copy"}, to=programme)

    assert copy.guid != session.guid
