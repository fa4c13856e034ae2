"""The festival's icon: an SVG linked from every page and a favicon.ico at /favicon.ico, where browsers ask."""

import pytest

ICONS = "els => els.map(el => el.href)"
FETCH = """urls => Promise.all(urls.map(
    url => fetch(url).then(response => [url, response.status, response.headers.get('content-type') || ''])
))"""


@pytest.mark.django_db
def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO header


@pytest.mark.django_db
def test_every_page_links_the_festivals_svg_icon(client, festival):
    page = client.get(festival.url).text

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_page_and_its_icons_load_with_no_404(chromium, live_server, festival):
    page = chromium.new_page()
    responses = []
    page.on("response", lambda response: responses.append((response.status, response.url)))

    page.goto(live_server.url + festival.url, wait_until="networkidle")
    # Headless Chromium asks for no icon, and Playwright reports no request for a /favicon.ico:
    # ask for each icon linked and for /favicon.ico from the page, as a browser with tabs would.
    icons = [*page.eval_on_selector_all("link[rel~=icon]", ICONS), live_server.url + "/favicon.ico"]
    fetched = page.evaluate(FETCH, icons)
    page.close()

    assert [(status, url) for status, url in responses if status >= 400] == []
    assert [(url, status) for url, status, _ in fetched] == [(url, 200) for url in icons]
    assert all(kind.startswith("image/") for _, _, kind in fetched)
    assert len(icons) == 3  # the SVG, an ICO for browsers without SVG icons, and /favicon.ico
