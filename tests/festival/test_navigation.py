"""What a visitor finds their way by: the current edition's main menu, the footer, and breadcrumbs on deep pages."""

import re

from festival.demo import upsert_child
from festival.models import FestivalSettings, StandardPage
from tests.programme.conftest import at


def menu_of(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r">([^<>]+)</a></li>", nav)


def with_menu_pages(festival):
    about = upsert_child(festival, StandardPage, slug="about", title="About the festival")
    access = upsert_child(festival, StandardPage, slug="access", title="Getting there and access")
    festival.about_page, festival.access_page = about, access
    festival.save_revision().publish()
    return about, access


def test_the_main_menu_is_the_current_editions(client, festival, programme, speaker_index):
    with_menu_pages(festival)

    html = client.get("/").text

    assert menu_of(html) == ["Programme", "Speakers", "Tickets", "About", "Access"]
    assert '<a href="/2026/programme/">Programme</a>' in html
    assert '<a href="/tickets/2026/">Tickets</a>' in html
    assert '<a href="/2026/access/">Access</a>' in html


def test_the_menu_links_only_the_pages_the_edition_has(client, festival, programme):
    html = client.get("/").text

    assert menu_of(html) == ["Programme", "Tickets"]


def test_the_menu_marks_the_page_and_the_section_a_page_is_in(client, festival, make_session):
    about, _ = with_menu_pages(festival)
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11))

    on_about = client.get(about.url).text
    on_session = client.get(session.url).text
    on_shop = client.get("/tickets/2026/").text

    assert '<a href="/2026/about/" aria-current="page">About</a>' in on_about
    assert '<a href="/2026/programme/" aria-current="true">Programme</a>' in on_session
    assert '<a href="/tickets/2026/" aria-current="page">Tickets</a>' in on_shop


def test_the_menu_is_a_disclosure_button_and_a_script_with_no_inline_code(client, festival):
    html = client.get("/").text

    assert '<button type="button" class="menu-toggle" aria-expanded="false" aria-controls="site-menu" hidden>' in html
    assert 'id="site-menu"' in html
    assert '<script src="/static/js/nav.js" defer></script>' in html
    assert '<a class="skip-link" href="#main">' in html


def test_the_footer_gives_contact_social_links_and_the_privacy_notice(client, home, festival):
    privacy = upsert_child(home, StandardPage, slug="privacy", title="Privacy notice")
    brand = FestivalSettings.for_site(home.get_site())
    brand.organisation_address = "1 Solidarity Street\nManchester"
    brand.privacy_page = privacy
    brand.bluesky_url = "https://bsky.example/festival"
    brand.save()

    footer = re.search(r'<footer class="site-footer">.*?</footer>', client.get("/").text, re.S).group(0)

    assert 'href="mailto:hello@festival.invalid"' in footer
    assert "1 Solidarity Street<br>Manchester" in footer
    assert '<a href="https://bsky.example/festival" rel="me">Bluesky</a>' in footer
    assert '<a href="/privacy/">Privacy notice</a>' in footer


def test_deep_pages_have_breadcrumbs_ending_at_the_page(client, festival, make_session, make_speaker):
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11))
    speaker = make_speaker("Ada Okafor")
    about, _ = with_menu_pages(festival)

    crumbs = {
        page.title: re.search(
            r'<nav class="breadcrumbs wrap" aria-label="Breadcrumb">.*?</nav>', client.get(page.url).text, re.S
        ).group(0)
        for page in (session, speaker, about)
    }

    assert re.findall(r">([^<>]+)</a>", crumbs["Rent strikes"]) == [
        "Home",
        "Festival of Resistance 2026",
        "Programme",
        "Rent strikes",
    ]
    assert '<a href="/2026/programme/rent-strikes/" aria-current="page">Rent strikes</a>' in crumbs["Rent strikes"]
    assert re.findall(r">([^<>]+)</a>", crumbs["Ada Okafor"]) == [
        "Home",
        "Festival of Resistance 2026",
        "Speakers",
        "Ada Okafor",
    ]
    assert re.findall(r">([^<>]+)</a>", crumbs["About the festival"]) == [
        "Home",
        "Festival of Resistance 2026",
        "About the festival",
    ]


def test_the_home_page_has_no_breadcrumbs(client, festival):
    assert "breadcrumbs" not in client.get("/").text
