"""Every kind of page keeps to the Content-Security-Policy in Chromium: the public site, the shop,
the order page, and the admin as an organiser (the page editor with its choosers, date fields and
inline panels, the snippets, the box office's pages, the outbox). The autouse fixture
``_no_csp_violations`` (tests/conftest.py) fails any browser test on a violation; this test also
proves that the watch sees one."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from festival import roles
from festival.models import FestivalPage
from programme.models import ProgrammePage, SessionPage
from speakers.models import SpeakerIndexPage, SpeakerPage
from tests.browser import CSP_VIOLATIONS, LAPTOP
from ticketing.models import Order, TicketType
from ticketing.services import checkout, orders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return FestivalPage.objects.get(slug="2026")


@pytest.fixture
def paid_order(demo, live_site, stripe_emulator):
    weekend = TicketType.objects.create(festival=demo, name="CSP weekend", price=3500, capacity=10)
    order = checkout.place_order(
        festival=demo,
        buyer_name="Claudia Jones",
        buyer_email="claudia@example.org",
        lines=[orders.LineRequest(ticket_type_id=weekend.pk, quantity=1)],
        attendee_names=["Claudia Jones"],
    )
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def script_src(response) -> str:
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    return policy["script-src"]


def visit(page, urls) -> dict[str, tuple[int, str]]:
    """Each URL's status and script-src, once the page has loaded and run its scripts."""
    seen = {}
    for url in urls:
        response = page.goto(url)
        page.wait_for_load_state("load")
        seen[url] = (response.status, script_src(response))
    page.wait_for_timeout(300)  # violations are reported as events, after the fact
    return seen


def test_public_pages_run_no_inline_script_and_break_no_rule(open_browser, paid_order, demo):
    session = SessionPage.objects.live().descendant_of(demo).first()
    speaker = SpeakerPage.objects.live().descendant_of(demo).first()
    urls = [
        "/",
        demo.url,
        ProgrammePage.objects.live().descendant_of(demo).first().url,
        session.url,
        SpeakerIndexPage.objects.live().descendant_of(demo).first().url,
        speaker.url,
        "/search/?q=climate",
        reverse("ticketing:shop", args=[demo.slug]),
        orders.order_url(paid_order),
        reverse("ticketing:order_links"),
        "/door/login/",
        "/admin/login/",
    ]
    page = open_browser().new_page()

    seen = visit(page, urls[:-1])
    sign_in = visit(page, urls[-1:])

    assert seen == dict.fromkeys(urls[:-1], (200, "'self'"))
    assert sign_in == {"/admin/login/": (200, "'self' 'unsafe-inline'")}  # Wagtail's admin (settings)
    assert CSP_VIOLATIONS == []


def test_the_admin_s_pages_break_no_rule_for_an_organiser(open_browser, groups, paid_order, demo):
    organiser = get_user_model().objects.create_user("olive", "olive@festival.invalid", "organiser-pass-2026")
    organiser.groups.add(groups[roles.ORGANISER])
    ticket = paid_order.tickets.get()
    session = SessionPage.objects.live().descendant_of(demo).first()
    speaker = SpeakerPage.objects.live().descendant_of(demo).first()
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[demo.pk]),
        reverse("wagtailadmin_pages:edit", args=[demo.pk]),
        reverse("wagtailadmin_pages:edit", args=[session.pk]),
        reverse("wagtailadmin_pages:edit", args=[speaker.pk]),
        reverse("wagtailsnippets:index"),
        reverse("orders:index"),
        reverse("orders:inspect", args=[paid_order.pk]),
        reverse("ticketing_order_refund", args=[paid_order.pk]),
        reverse("ticketing_order_cancel", args=[paid_order.pk]),
        reverse("tickets:index"),
        reverse("tickets:inspect", args=[ticket.pk]),
        reverse("check_ins:index"),
        reverse("ticketing_complimentary"),
        reverse("outgoing_email:index"),
    ]
    page = open_browser(viewport=LAPTOP, user=organiser).new_page()

    seen = visit(page, urls)

    assert {url: status for url, (status, _) in seen.items()} == dict.fromkeys(urls, 200)
    assert CSP_VIOLATIONS == []


def test_the_watch_sees_an_inline_script_refused(open_browser, festival, live_site):
    page = open_browser().new_page()
    page.goto("/")

    ran = page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = true';"
        " document.body.append(s); return window.ran === true; }"
    )
    page.wait_for_timeout(300)
    seen, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []  # seen on purpose: not this test's failure

    assert ran is False
    assert [line for line in seen if line.startswith("CSP violation: script-src-elem refused inline on ")] != []
    assert [line for line in seen if "violates the following Content Security Policy directive" in line] != []
