"""Badge and calendar downloads: a valid Content-Disposition whatever the attendee is called."""

import pytest
from django.urls import reverse

from tests.downloads import disposition

from .factories import TicketFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zoë Łukasik 李小龍", ("badge-{code}-Zoe-Lukasik.pdf", "badge-{code}-Zoë-Łukasik-李小龍.pdf")),
        (
            "Agnieszka Wąsowska-Żółć",
            ("badge-{code}-Agnieszka-Wasowska-Zolc.pdf", "badge-{code}-Agnieszka-Wąsowska-Żółć.pdf"),
        ),
        (
            "Dvořák Ødegård Straße",
            ("badge-{code}-Dvorak-Odegard-Strasse.pdf", "badge-{code}-Dvořák-Ødegård-Straße.pdf"),
        ),
        ("李小龍", ("badge-{code}.pdf", "badge-{code}-李小龍.pdf")),
        ("محمد عبد الرحمن", ("badge-{code}.pdf", "badge-{code}-محمد-عبد-الرحمن.pdf")),
        ("Rosa 🌹 Parks", ("badge-{code}-Rosa-Parks.pdf", None)),
        (
            'Jo "JJ" O\'Neil; filename=evil.exe\r\nX-Bad: 1',
            ("badge-{code}-Jo-JJ-O-Neil-filename-evil-exe-X-Bad-1.pdf", None),
        ),
        ("Angela Davis", ("badge-{code}-Angela-Davis.pdf", None)),
    ],
)
def test_badge_download_names_the_file_validly_in_any_script(client, festival, name, expected):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name=name)
    url = reverse("ticketing:badge_download", kwargs={"token": ticket.order.access_token, "ticket_id": ticket.pk})
    ascii_name, unicode_name = (part and part.format(code=ticket.order.code) for part in expected)

    response = client.get(url)

    assert response.status_code == 200
    assert disposition(response["Content-Disposition"]) == ("attachment", ascii_name, unicode_name or ascii_name)
    if unicode_name is None:  # a name in plain ASCII needs no filename*
        assert "filename*" not in response["Content-Disposition"]


def test_a_long_name_gives_a_short_file_name(client, festival):
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival), attendee_name="Ł" * 200)
    url = reverse("ticketing:badge_download", kwargs={"token": ticket.order.access_token, "ticket_id": ticket.pk})

    _, fallback, filename = disposition(client.get(url)["Content-Disposition"])

    assert fallback == f"badge-{ticket.order.code}-{'L' * 40}.pdf"
    assert filename == f"badge-{ticket.order.code}-{'Ł' * 40}.pdf"


def test_festival_calendar_download_is_valid_for_a_unicode_slug(client, festival):
    festival.slug = "fête-2026"
    festival.save()
    ticket = TicketFactory(ticket_type=TicketTypeFactory(festival=festival))

    response = client.get(reverse("ticketing:festival_calendar", kwargs={"token": ticket.order.access_token}))

    assert disposition(response["Content-Disposition"]) == ("attachment", "fete-2026.ics", "fête-2026.ics")
