"""The programme page: a day-by-stage grid that is also a time-ordered list, with filters."""

import re

import pytest

from programme.models import SessionSpeaker

from .conftest import at


@pytest.fixture
def three_sessions(make_session, make_speaker, stages, tracks, formats):
    ada, ben = make_speaker("Ada Okafor"), make_speaker("Ben Llewellyn")
    return [
        make_session(
            "Who owns the weather",
            start=at(16, 10),
            end=at(16, 11),
            stage=stages[0],
            speakers=[(ada, SessionSpeaker.Role.CHAIR), ben],
            bsl=True,
        ),
        make_session(
            "Strike school",
            start=at(16, 10),
            end=at(16, 11, 30),
            stage=stages[1],
            track=tracks[1],
            session_format=formats["workshop"],
        ),
        make_session("Closing assembly", start=at(18, 17), end=at(18, 18, 30), session_format=formats["assembly"]),
    ]


def titles(response) -> list[str]:
    return re.findall(r'class="session-card__title" id="session-\d+-title"><a href="[^"]+">([^<]+)</a>', response.text)


def card_links(response) -> list[str]:
    return re.findall(r'class="session-card__title" id="session-\d+-title"><a href="([^"]+)">', response.text)


def test_programme_lists_sessions_in_time_order_with_speakers_and_stage(client, programme, three_sessions):
    response = client.get(programme.url)

    assert response.status_code == 200
    assert titles(response) == ["Who owns the weather", "Strike school", "Closing assembly"]
    assert "Ada Okafor (chair), Ben Llewellyn" in response.text
    assert "Tolpuddle Room" in response.text
    assert "Friday 16 October" in response.text


def test_grid_places_sessions_by_stage_column_and_five_minute_rows(client, programme, three_sessions):
    response = client.get(programme.url)

    assert 'class="slot gc-2 gr-2 ge-14" data-session=' in response.text  # Main Hall, 10:00 to 11:00
    assert 'class="slot gc-3 gr-2 ge-20" data-session=' in response.text  # Tolpuddle Room, 10:00 to 11:30
    assert 'class="day-grid grid--stages-2"' in response.text
    assert "--col:" not in response.text and "--rs:" not in response.text  # placed by class, not style attribute


def test_times_show_in_the_festival_time_zone(client, programme, make_session):
    from datetime import UTC, datetime

    make_session(
        "Morning", start=datetime(2026, 10, 16, 9, 0, tzinfo=UTC), end=datetime(2026, 10, 16, 10, 0, tzinfo=UTC)
    )

    response = client.get(programme.url)

    assert ">10:00</time>–<time" in response.text  # British Summer Time in October


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"day": "2026-10-18"}, ["Closing assembly"]),
        ({"track": "work"}, ["Strike school"]),
        ({"format": "assembly"}, ["Closing assembly"]),
        ({"access": "bsl"}, ["Who owns the weather"]),
        ({"day": "2026-10-16", "format": "workshop"}, ["Strike school"]),
    ],
)
def test_filters_narrow_the_programme(client, programme, three_sessions, query, expected):
    response = client.get(programme.url, query)

    assert titles(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"day": "not-a-date"},
        {"day": "2031-01-01"},
        {"track": "no-such-track"},
        {"format": "<script>"},
        {"access": ["teleport", "x" * 5000]},
        {"day": "2026-10-16\x00"},
    ],
)
def test_unknown_filter_values_are_ignored(client, programme, three_sessions, query):
    response = client.get(programme.url, query)

    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_a_session_with_no_speakers_still_renders(client, programme, make_session):
    session = make_session("Open floor", start=at(17, 12), end=at(17, 13))

    assert client.get(programme.url).status_code == 200
    response = client.get(session.url)
    assert response.status_code == 200
    assert "Speakers to be announced." in response.text


def test_a_cancelled_session_stays_visible_marked_cancelled(client, programme, make_session):
    session = make_session("Called off", start=at(17, 12), end=at(17, 13))
    session.cancelled = True
    session.save_revision().publish()

    response = client.get(programme.url)

    assert titles(response) == ["Called off"]
    assert "slot--cancelled" in response.text
    assert ">Cancelled</p>" in response.text


def test_an_empty_programme_renders(client, programme):
    response = client.get(programme.url)

    assert response.status_code == 200
    assert "0 sessions" in response.text


def _session_batch(make_session, make_speaker, stages, count: int) -> None:
    for n in range(count):
        speaker = make_speaker(f"Speaker {n}")
        make_session(f"Session {n}", start=at(16, 10 + n), end=at(16, 11 + n), stage=stages[n % 2], speakers=[speaker])


@pytest.mark.parametrize("count", [1, 3])
def test_programme_page_query_count_does_not_grow_with_sessions(
    client, programme, make_session, make_speaker, stages, django_assert_num_queries, count
):
    _session_batch(make_session, make_speaker, stages, count)
    client.get(programme.url, {"warm": "site-root-cache"})

    with django_assert_num_queries(PROGRAMME_QUERIES):
        response = client.get(programme.url, {"uncached": str(count)})

    assert len(titles(response)) == count


PROGRAMME_QUERIES = 12  # routing (site, 3 pages, restrictions, aliases), edition, tracks, formats, sessions, speakers


def test_card_links_are_the_session_pages_own_addresses(client, programme, make_session):
    plain = make_session("Strike school", start=at(16, 10), end=at(16, 11))
    welsh = make_session("Cor y gweithwyr", start=at(16, 12), end=at(16, 13))
    welsh.slug = "côr-y-gweithwyr"  # Wagtail allows Unicode slugs; an address must still be a URI
    welsh.save_revision().publish()
    welsh.refresh_from_db()

    response = client.get(programme.url)

    assert card_links(response) == [plain.url, welsh.url]
    assert welsh.url == f"{programme.url}c%C3%B4r-y-gweithwyr/"
    assert client.get(card_links(response)[1]).status_code == 200


def test_card_links_follow_the_site_the_programme_is_seen_on(client, festival, programme, make_session):
    from wagtail.models import Site

    session = make_session("Strike school", start=at(16, 10), end=at(16, 11))
    Site.objects.create(hostname="2026.festival.invalid", port=80, root_page=festival, site_name="2026")

    response = client.get("/programme/", HTTP_HOST="2026.festival.invalid")

    assert response.status_code == 200
    assert card_links(response) == [f"/programme/{session.slug}/"]
    assert client.get(f"/programme/{session.slug}/", HTTP_HOST="2026.festival.invalid").status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_my_programme_query_count_does_not_grow_with_sessions(
    client, programme, make_session, make_speaker, stages, django_assert_num_queries, count
):
    _session_batch(make_session, make_speaker, stages, count)
    client.get(programme.url + "my/", {"warm": "site-root-cache"})

    with django_assert_num_queries(MY_PROGRAMME_QUERIES):
        response = client.get(programme.url + "my/", {"uncached": str(count)})

    assert len(titles(response)) == count


MY_PROGRAMME_QUERIES = PROGRAMME_QUERIES - 2  # the same sessions and speakers, without the filters' tracks and formats


@pytest.mark.parametrize(
    ("view", "queries"),
    [
        ("now/", PROGRAMME_QUERIES - 1),  # the grid's four queries make way for on now, coming up and the next few
        ("changes/", PROGRAMME_QUERIES - 3),  # and for the changes
    ],
)
def test_the_programmes_other_views_skip_the_grids_queries(client, programme, django_assert_num_queries, view, queries):
    # No sessions, so that what is on now (by the real clock) cannot change the count; the grid's tracks,
    # formats and sessions would still be three queries too many.
    client.get(programme.url + view, {"warm": "site-root-cache"})

    with django_assert_num_queries(queries):
        response = client.get(programme.url + view, {"uncached": "yes"})

    assert response.status_code == 200


def test_now_and_next_picks_what_is_on_and_what_is_coming(programme, three_sessions):
    result = programme.sessions_around(at(16, 11, 10))

    assert [s.title for s in result["on_now"]] == ["Strike school"]
    assert [s.title for s in result["coming_up"]] == ["Closing assembly"]


def test_now_and_next_page_renders(client, programme, three_sessions):
    response = client.get(programme.url + "now/")

    assert response.status_code == 200
    assert "Coming up" in response.text


def test_my_programme_lists_every_session_for_the_browser_to_pick_from(client, programme, three_sessions):
    response = client.get(programme.url + "my/")

    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert "data-my-programme" in response.text
    assert f'href="{programme.url}starred.ics"' in response.text


def test_programme_links_its_exports(client, programme):
    response = client.get(programme.url)

    for name in ("calendar.ics", "schedule.xml", "schedule.json"):
        assert f'href="{programme.url}{name}"' in response.text


def test_draft_speakers_are_left_off_the_cards(
    client, programme, make_session, make_speaker, django_assert_num_queries
):
    ada, cleo = make_speaker("Ada Okafor"), make_speaker("Cleo Draft")
    make_session("Rent strikes", start=at(16, 10), end=at(16, 11), speakers=[ada, cleo])
    cleo.unpublish()
    client.get(programme.url, {"warm": "site-root-cache"})

    with django_assert_num_queries(PROGRAMME_QUERIES):
        grid = client.get(programme.url)
    now = programme.sessions_around(at(16, 10, 30))

    assert '<p class="session-card__people">Ada Okafor</p>' in grid.text
    assert "Cleo Draft" not in grid.text
    assert [person.name for person in now["on_now"][0].people] == ["Ada Okafor"]


def placed_slots(html: str) -> dict[int, tuple[int, int, int]]:
    """Session id to (column, first row, end row) for every card placed on a day's grid."""
    return {
        int(pk): (int(col), int(rs), int(re_))
        for col, rs, re_, pk in re.findall(r'gc-(\d+) gr-(\d+) ge-(\d+)" data-session="(\d+)"', html)
    }


def test_a_cancelled_session_and_its_replacement_do_not_overlap_on_the_grid(client, programme, make_session, stages):
    cancelled = make_session("Called off", start=at(16, 10), end=at(16, 11), stage=stages[0])
    cancelled.cancelled = True
    cancelled.save_revision().publish()
    replacement = make_session("Stepping in", start=at(16, 10, 30), end=at(16, 11, 30), stage=stages[0])
    elsewhere = make_session("Same time, other room", start=at(16, 10), end=at(16, 11), stage=stages[1])

    response = client.get(programme.url)

    placed = placed_slots(response.text)
    assert sorted(placed) == sorted([replacement.pk, elsewhere.pk])
    assert titles(response) == ["Same time, other room", "Stepping in", "Called off"]
    cancelled_list = response.text[response.text.index('class="slots slots--list slots--displaced"') :]
    assert f'<li class="slot slot--cancelled" data-session="{cancelled.pk}">' in cancelled_list
    assert "Cancelled, with another session now in their place" in response.text
