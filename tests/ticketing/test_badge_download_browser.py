"""The order page's badge download in headless Chromium: the file is saved under the attendee's name."""

import pytest
from django.urls import reverse

from .factories import TicketFactory, TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("name", ["Zoë Łukasik 李小龍", "محمد عبد الرحمن", 'Jo "JJ" O\'Neil; x'])
def test_chromium_saves_the_badge_under_the_attendee_s_name(chromium, live_server, festival, tmp_path, name):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name=name)
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("ticketing:order", kwargs={"token": ticket.order.access_token}))

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download badge for {name} (PDF)").click()
    download = download_info.value
    saved = tmp_path / "badge.pdf"
    download.save_as(saved)
    context.close()

    safe_name = "-".join("".join(c if c.isalnum() else " " for c in name).split())
    assert download.suggested_filename == f"badge-{ticket.order.code}-{safe_name}.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")
