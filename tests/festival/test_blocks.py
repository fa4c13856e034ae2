"""The blocks editors compose the home page and edition pages from: what each shows, and that the featured
blocks' queries do not grow with the number of sessions or speakers they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from festival.demo import placeholder_image, upsert_child
from festival.models import FestivalPage
from programme.featured import featured_sessions, happening_now
from programme.models import ProgrammePage
from tests.programme.conftest import at
from tests.ticketing.factories import TicketTypeFactory

NO_EDITION = {"edition": None}


def compose(page, *blocks):
    """Give ``page`` a body of ``blocks`` ((type, value) pairs) and publish it, as an editor would."""
    page.body = list(blocks)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def hero(**fields):
    return ("hero", {"edition": None, "heading": "", "text": "", "image": None, **fields})


def sessions_block(sessions=(), count=3):
    return ("featured_sessions", {"heading": "Highlights", "sessions": list(sessions), "count": count, **NO_EDITION})


def speakers_block(speakers=(), count=4):
    return (
        "featured_speakers",
        {"heading": "Who's speaking", "speakers": list(speakers), "count": count, **NO_EDITION},
    )


def queries_of(client, url) -> int:
    client.get(url)  # the header and footer, renditions: cached after the first view
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.fixture
def upcoming(home):
    """An edition on sale, a month from today, with a programme."""
    start = timezone.localdate() + timedelta(days=30)
    edition = upsert_child(
        home,
        FestivalPage,
        slug="next",
        title="Festival of Resistance Next",
        tagline="Come and practise hope.",
        start_date=start,
        end_date=start + timedelta(days=2),
        venue_name="Northern Co-operative Hall",
        status=FestivalPage.Status.ON_SALE,
    )
    upsert_child(edition, ProgrammePage, slug="programme", title="Programme")
    TicketTypeFactory(festival=edition)
    return edition


def test_a_hero_on_the_home_page_shows_the_next_edition_with_tickets_and_programme(client, home, upcoming):
    compose(home, hero())

    html = client.get("/").text

    assert '<h1 class="hero__title">Festival of Resistance Next</h1>' in html
    assert "Come and practise hope." in html
    assert f'datetime="{upcoming.start_date:%Y-%m-%d}"' in html
    assert "Northern Co-operative Hall" in html
    assert 'href="/tickets/next/">Buy tickets</a>' in html
    assert 'href="/next/programme/">See the programme</a>' in html
    assert html.count("<h1") == 1  # the hero stands in for the page's own heading


def test_a_hero_shows_the_edition_chosen_in_it_with_the_editors_words(client, home, festival, upcoming):
    compose(home, ("paragraph", "<p>Welcome.</p>"), hero(edition=festival, heading="Last year", text="It was good."))

    html = client.get("/").text

    assert '<h2 class="hero__title">Last year</h2>' in html  # not first on the page: a section heading
    assert "It was good." in html
    assert "Buy tickets" not in html  # that edition is over
    assert '"hero__title">Festival of Resistance Next' not in html


def test_an_edition_page_opening_with_a_hero_shows_one_heading(client, upcoming):
    compose(upcoming, hero())

    html = client.get(upcoming.url).text

    assert html.count("<h1") == 1
    assert "About this edition" not in html  # it is this edition's page


def test_featured_sessions_chosen_by_hand_show_in_the_editors_order_without_private_ones(
    client, home, festival, make_session
):
    first = make_session("Rent strikes", start=at(16, 10), end=at(16, 11))
    second = make_session("Who owns the weather", start=at(16, 14), end=at(16, 15))
    hidden = make_session("Organisers' meeting", start=at(17, 9), end=at(17, 10))
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    compose(home, sessions_block([second, first, hidden]))

    html = client.get("/").text

    assert html.index("Who owns the weather") < html.index("Rent strikes")
    assert "Organisers' meeting" not in html
    assert 'href="/2026/programme/">See the whole programme</a>' in html


@pytest.mark.parametrize("count", [1, 3])
def test_featured_sessions_cost_the_same_queries_for_one_or_three(
    client, home, festival, make_session, make_speaker, django_assert_num_queries, count
):
    chosen = [
        make_session(f"Session {n}", start=at(16, 10 + n), end=at(16, 11 + n), speakers=[make_speaker(f"Person {n}")])
        for n in range(count)
    ]
    compose(home, sessions_block(chosen))
    client.get("/")

    with django_assert_num_queries(13):
        html = client.get("/").text

    assert html.count('class="session-card"') == count


def test_featured_sessions_none_chosen_are_the_editions_next_ones(festival, make_session):
    make_session("Over already", start=at(16, 10), end=at(16, 11))
    make_session("Next up", start=at(16, 14), end=at(16, 15))
    make_session("Later on", start=at(17, 10), end=at(17, 11))
    make_session("Last of all", start=at(18, 10), end=at(18, 11))

    shown = featured_sessions(edition=festival, chosen=[], count=2, seen_from=festival, request=None, now=at(16, 12))

    assert [session.title for session in shown] == ["Next up", "Later on"]


def test_featured_sessions_none_chosen_once_the_edition_is_over_are_its_first(festival, make_session):
    make_session("Opening", start=at(16, 10), end=at(16, 11))
    make_session("Closing", start=at(18, 10), end=at(18, 11))

    shown = featured_sessions(edition=festival, chosen=[], count=1, seen_from=festival, request=None, now=at(20, 12))

    assert [session.title for session in shown] == ["Opening"]


@pytest.mark.parametrize("count", [1, 3])
def test_featured_speakers_cost_the_same_queries_for_one_or_three(
    client, home, festival, make_speaker, django_assert_num_queries, count
):
    chosen = [
        make_speaker(f"Speaker {n}", photo=placeholder_image(f"Speaker photo {n}", size=(200, 200)))
        for n in range(count)
    ]
    compose(home, speakers_block(chosen))
    client.get("/")  # renditions are made on the first view

    with django_assert_num_queries(14):
        html = client.get("/").text

    assert html.count('class="speaker-card"') == count


def test_featured_speakers_none_chosen_are_those_on_most_sessions(client, festival, make_speaker, make_session):
    make_speaker("Ada Okafor")
    bo, cy = make_speaker("Bo Lind"), make_speaker("Cy Tran")
    make_session("One", start=at(16, 10), end=at(16, 11), speakers=[bo, cy])
    make_session("Two", start=at(16, 12), end=at(16, 13), speakers=[cy])
    compose(festival, speakers_block(count=2))

    html = client.get(festival.url).text

    assert html.index("Cy Tran") < html.index("Bo Lind")
    assert "Ada Okafor" not in html
    assert 'href="/2026/speakers/">Meet all the speakers</a>' in html


def test_happening_now_shows_only_while_the_edition_is_on(festival, make_session):
    make_session("On now", start=at(16, 10), end=at(16, 12))
    make_session("Next", start=at(16, 12), end=at(16, 13))

    during = happening_now(edition=festival, request=None, now=at(16, 11))
    before = happening_now(edition=festival, request=None, now=at(15, 11))
    after = happening_now(edition=festival, request=None, now=at(19, 11))

    assert [s.title for s in during["on_now"]] == ["On now"]
    assert [s.title for s in during["coming_up"]] == ["Next"]
    assert during["now_url"] == "/2026/programme/now/"
    assert before is None and after is None


def test_a_happening_now_block_shows_nothing_outside_the_festival(client, festival, programme):
    compose(festival, ("happening_now", {"heading": "Happening now", **NO_EDITION}))

    html = client.get(festival.url).text  # the edition was in October 2026: over, or not yet begun

    assert "Happening now" not in html


def test_news_shows_the_newest_first_up_to_its_count(client, home, festival):
    items = [
        {"date": f"2026-0{month}-01", "title": f"News of month {month}", "text": "", "page": None, "url": ""}
        for month in (3, 5, 4)
    ]
    compose(home, ("news", {"heading": "News", "items": items, "count": 2}))

    html = client.get("/").text

    assert html.index("News of month 5") < html.index("News of month 4")
    assert "News of month 3" not in html


LIVESTREAM = {"heading": "Watch live", "schedule": "ResistanceTV streams on Wednesdays.",
              "stream_url": "https://tv.example/live", "embed_url": "https://player.example/embed/1"}  # fmt: skip


def test_a_livestream_is_a_link_while_the_security_policy_frames_no_player(client, home, festival):
    compose(home, ("livestream", LIVESTREAM))

    html = client.get("/").text

    assert "ResistanceTV streams on Wednesdays." in html
    assert 'href="https://tv.example/live"' in html
    assert "<iframe" not in html


def test_a_livestream_shows_its_player_where_the_security_policy_allows_its_host(client, home, festival, settings):
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "frame-src": ["https://player.example"]}
    settings.CONTENT_SECURITY_POLICY = policy
    compose(home, ("livestream", LIVESTREAM))

    html = client.get("/").text

    assert '<iframe src="https://player.example/embed/1" title="Watch live"' in html


def test_plain_blocks_still_render_on_a_composed_page(client, home, festival):
    compose(
        home,
        ("heading", "Why we gather"),
        ("paragraph", "<p>Solidarity.</p>"),
        ("quote", {"quote": "Nobody is free until everybody is free.", "attribution": "Fannie Lou Hamer"}),
        ("call_to_action", {"text": "Read more", "page": festival, "url": ""}),
    )

    html = client.get("/").text

    assert "<h2>Why we gather</h2>" in html and "<p>Solidarity.</p>" in html
    assert "Fannie Lou Hamer" in html
    assert 'href="/2026/">Read more</a>' in html


def test_composed_home_page_queries_do_not_grow_with_featured_items(client, home, festival, make_session):
    sessions = [make_session(f"Session {n}", start=at(16, 10 + n), end=at(16, 11 + n)) for n in range(3)]
    compose(home, hero(), sessions_block(sessions[:1]))
    one = queries_of(client, "/")

    compose(home, hero(), sessions_block(sessions))

    assert queries_of(client, "/") == one
