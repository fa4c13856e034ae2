"""Speaker pages: photo or a neutral placeholder, pronouns, organisation, bio, links and sessions."""

import re

import pytest
from django.utils.text import slugify
from wagtail.models import PageViewRestriction

from festival.demo import placeholder_image
from programme.models import SessionSpeaker
from speakers.models import SPEAKER_CARD_PHOTO, SPEAKER_PAGE_PHOTO, SpeakerLink
from tests.programme.conftest import at


def test_speaker_page_shows_details_links_and_sessions_with_role(client, make_speaker, make_session):
    ada = make_speaker(
        "Ada Okafor",
        pronouns="she/her",
        organisation="Tenants Together Leeds",
        short_bio="Organises renters.",
        bio="<p>A decade of organising.</p>",
        photo=placeholder_image("Speaker Ada Okafor", size=(200, 200)),
    )
    ada.links = [SpeakerLink(label="Website", url="https://ada.example.org/")]
    ada.save_revision().publish()
    make_session("Rent strikes", start=at(16, 10), end=at(16, 11), speakers=[(ada, SessionSpeaker.Role.CHAIR)])
    make_session("Housing panel", start=at(17, 10), end=at(17, 11), speakers=[ada])

    response = client.get(ada.url)

    assert response.status_code == 200
    for text in (
        "she/her",
        "Tenants Together Leeds",
        "Organises renters.",
        "A decade of organising.",
        "https://ada.example.org/",
    ):
        assert text in response.text
    assert re.findall(r'id="session-\d+-title"><a href="[^"]+">([^<]+)', response.text) == [
        "Rent strikes",
        "Housing panel",
    ]
    assert 'class="avatar avatar--large"' in response.text
    assert "avatar--placeholder" not in response.text


def test_speaker_without_a_photo_gets_a_neutral_placeholder(client, make_speaker):
    ben = make_speaker("Ben Llewellyn")

    response = client.get(ben.url)

    assert response.status_code == 200
    assert "avatar--placeholder" in response.text
    assert "Sessions to be announced." in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_speaker_index_query_count_does_not_grow_with_speakers(
    client, speaker_index, make_speaker, django_assert_num_queries, count
):
    for n in range(count):
        make_speaker(f"Speaker {n}", photo=placeholder_image(f"Speaker photo {n}", size=(200, 200)))
    client.get(speaker_index.url)  # renditions are made on the first view

    with django_assert_num_queries(11):  # at most 15 per page
        response = client.get(speaker_index.url, {"uncached": "yes"})

    assert response.text.count('class="speaker-card"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_session_page_query_count_does_not_grow_with_speakers(
    client, make_speaker, make_session, django_assert_num_queries, count
):
    speakers = [
        make_speaker(f"Speaker {n}", photo=placeholder_image(f"Photo {n}", size=(200, 200))) for n in range(count)
    ]
    session = make_session("Panel", start=at(16, 10), end=at(16, 11), speakers=speakers)
    client.get(session.url)

    with django_assert_num_queries(12):  # at most 15 per page (one for the breadcrumbs)
        response = client.get(session.url, {"uncached": "yes"})

    assert response.text.count('class="person"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_speaker_page_query_count_does_not_grow_with_sessions(
    client, make_speaker, make_session, django_assert_num_queries, count
):
    ada = make_speaker("Ada Okafor")
    for n in range(count):
        make_session(
            f"Session {n}", start=at(16, 10 + n), end=at(16, 11 + n), speakers=[ada, make_speaker(slugify(f"Co {n}"))]
        )
    client.get(ada.url)

    with django_assert_num_queries(13):  # at most 15 per page (one for the breadcrumbs)
        response = client.get(ada.url, {"uncached": "yes"})

    assert response.text.count('class="session-card"') == count


def test_a_speaker_behind_a_restriction_is_left_out_of_the_public_speaker_list(client, speaker_index, make_speaker):
    make_speaker("Ada Okafor")
    hidden = make_speaker("Not Announced Yet")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    listed = client.get(speaker_index.url).content.decode()

    assert "Ada Okafor" in listed
    assert "Not Announced Yet" not in listed


def test_photos_are_shown_at_the_sizes_the_models_name_and_prefetch(client, speaker_index, make_speaker, make_session):
    """One place names each photo size (speakers.models): the pages show those renditions, the
    ones their queries load beforehand."""
    ada = make_speaker("Ada Okafor", photo=placeholder_image("Speaker Ada Okafor", size=(400, 400)))
    make_session("Rent strikes", start=at(16, 10), end=at(16, 11), speakers=[ada])
    page_size = SPEAKER_PAGE_PHOTO.removeprefix("fill-")
    card_size = SPEAKER_CARD_PHOTO.removeprefix("fill-")

    own_page = client.get(ada.url).text
    index = client.get(speaker_index.url).text

    width, height = page_size.split("x")
    assert re.search(rf'<img src="[^"]*\.{SPEAKER_PAGE_PHOTO}\.[^"]+" width="{width}" height="{height}"', own_page)
    width, height = card_size.split("x")
    assert re.search(rf'<img src="[^"]*\.{SPEAKER_CARD_PHOTO}\.[^"]+" width="{width}" height="{height}"', index)
