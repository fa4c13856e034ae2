"""The programme, a session and a speaker, for a visitor who reads Welsh."""

from django.test import Client

from tests.welsh import english_left

from .conftest import at


def test_the_programme_its_filters_a_session_and_a_speaker_speak_welsh(programme, make_session, make_speaker):
    speaker = make_speaker("Claudia Jones")
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), speakers=[speaker])
    visitor = Client(headers={"accept-language": "cy"})

    urls = (programme.url, session.url, speaker.url, *(programme.url + view for view in ("my/", "now/", "changes/")))
    pages = {url: visitor.get(url) for url in urls}

    assert {url: page.status_code for url, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Hidlo’r rhaglen" in pages[programme.url].text
    assert "Pob diwrnod" in pages[programme.url].text
    assert "Hydref" in pages[session.url].text  # October, in the session's date
    assert {url: english_left(page.text) for url, page in pages.items()} == dict.fromkeys(pages, [])
