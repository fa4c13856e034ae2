"""Journey 5, the box office: a refund asked for by phone, made in the admin, refused at the door.

A buyer's order of two tickets is paid through the Stripe emulator. In Chromium, box office
signs in through the Wagtail admin's own form, finds the order by the buyer's name, refunds
one ticket from the order's page, through the refund's confirmation step, and sees it done. Stripe (the emulator)
refunded that ticket's price, and the door refuses that badge while the other still admits.

Every admin page on the way is checked with axe: what it finds is printed (run with ``-s``),
and the pages the project renders itself (templates/ticketing/admin/) must have nothing
serious or critical. Wagtail's own pages are Wagtail's to fix; the printout says what they have.
"""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from door.auth import clear_caches, issue_token
from festival import roles
from tests.browser import LAPTOP, WCAG_AA_TAGS, inject_axe, wait_for
from ticketing.models import Order, Ticket, TicketType
from ticketing.services import checkout, orders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "box-office-pass-2026"


def member_of(group, username):
    user = get_user_model().objects.create_user(username, f"{username}@festival.invalid", PASSWORD)
    user.groups.add(group)
    return user


@pytest.fixture
def paid_order(live_festival, live_site, stripe_emulator):
    """Two tickets, a weekend (£35) and a sliding-scale one (£12), paid through the emulator."""
    weekend = TicketType.objects.create(festival=live_festival, name="Weekend", price=3500, capacity=100)
    solidarity = TicketType.objects.create(
        festival=live_festival, name="Solidarity", pricing=TicketType.Pricing.SLIDING, min_price=500,
        suggested_price=1500, capacity=50,
    )  # fmt: skip
    order = checkout.place_order(
        festival=live_festival,
        buyer_name="Sylvia Pankhurst",
        buyer_email="sylvia@example.org",
        lines=[
            orders.LineRequest(ticket_type_id=weekend.pk, quantity=1),
            orders.LineRequest(ticket_type_id=solidarity.pk, quantity=1, amount=1200),
        ],
        attendee_names=["Sylvia Pankhurst", "Norah Smyth"],
    )
    stripe_emulator.emulator.pay(order.stripe_checkout_session_id, sync=True)  # the webhook reaches the live site
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


@pytest.fixture
def door_token(groups, live_festival):
    clear_caches()
    yield issue_token(user=member_of(groups[roles.DOOR_STAFF], "dev"), festival=live_festival)
    clear_caches()


def check_axe(page, found: dict, name: str, *, ours: bool) -> None:
    """Note axe's findings on this admin page; on a page the project renders, nothing serious or critical.

    Once the page is still: Wagtail's messages slide in, and text caught mid-animation fails on contrast.
    """
    # A click that follows a link returns before the next page has loaded: axe on a half-parsed page
    # finds links whose text has not arrived yet.
    page.wait_for_load_state("load")
    wait_for(page, "document.getAnimations().every(animation => animation.playState !== 'running')")
    inject_axe(page)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS)
    found[name] = [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]
    if ours:
        assert [line for line in found[name] if "(serious)" in line or "(critical)" in line] == [], page.url


def scan(request_context, token: str, ticket: Ticket) -> dict:
    response = request_context.post(
        "/door/api/scan/",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        data=json.dumps({"code": ticket.secret, "door": "Main gate", "nonce": uuid.uuid4().hex}),
    )
    assert response.status == 200, response.text()
    return response.json()


def test_box_office_refunds_one_ticket_and_the_door_refuses_only_that_one(
    open_browser, groups, paid_order, door_token, stripe_emulator
):
    member_of(groups[roles.BOX_OFFICE], "bex")
    weekend, solidarity = paid_order.tickets.order_by("pk")
    axe_found = {}
    context = open_browser(viewport=LAPTOP)
    page = context.new_page()

    # Sign in through Wagtail's own form.
    page.goto("/admin/login/")
    check_axe(page, axe_found, "sign in (Wagtail)", ours=False)
    page.fill("#id_username", "bex")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")

    # Find the order by the buyer's name.
    page.goto(reverse("orders:index"))
    check_axe(page, axe_found, "orders (Wagtail)", ours=False)
    page.get_by_role("textbox", name="Search").fill("Pankhurst")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Pankhurst**")
    page.get_by_role("button", name=f"More options for '{paid_order.code}'").click()
    page.get_by_role("link", name="Inspect").click()
    page.wait_for_url("**/inspect/**")
    check_axe(page, axe_found, "order (ours, in Wagtail's inspect view)", ours=True)

    # Refund the weekend ticket only, through the confirmation step.
    page.get_by_role("link", name="Refund", exact=True).click()
    check_axe(page, axe_found, "refund (ours)", ours=True)
    page.get_by_label("Sylvia Pankhurst · Weekend · £35").check()
    page.get_by_role("button", name="Refund the chosen tickets").click()
    check_axe(page, axe_found, "refund, confirm (ours)", ours=True)
    page.get_by_role("button", name="Confirm the refund of £35").click()
    page.get_by_text("Refunded £35 to Sylvia Pankhurst.").wait_for()
    tickets = page.get_by_role("region", name="Tickets")
    shown_status = (
        tickets.get_by_role("row").filter(has_text="Sylvia Pankhurst").get_by_role("cell").nth(1).inner_text()
    )
    check_axe(page, axe_found, "order, refunded (ours)", ours=True)
    print("\naxe on the admin pages of the box-office journey:", json.dumps(axe_found, indent=1, ensure_ascii=False))

    # At the door: the refunded badge is refused, the other still admits.
    refused = scan(context.request, door_token, weekend)
    admitted = scan(context.request, door_token, solidarity)

    paid_order.refresh_from_db()
    stripe_refunds = [
        (refund["amount"], refund["currency"], refund["status"])
        for refund in stripe_emulator.emulator.state.refunds.values()
        if refund["payment_intent"] == paid_order.stripe_payment_intent_id
    ]
    assert stripe_refunds == [(3500, "gbp", "succeeded")]
    assert paid_order.refunded_amount == 3500
    assert shown_status == "Refunded"
    assert (refused["result"], refused["ticket"]["status"]) == ("cancelled", "refunded")
    assert (admitted["result"], admitted["ticket"]["name"]) == ("admitted", "Norah Smyth")
