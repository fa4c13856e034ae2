"""The box office in headless Chromium: a part refund through its confirmation step (with a step back),
and the order's page on a phone, each page checked with axe."""

import os

import pytest
from django.urls import reverse

from festival import roles
from tests.browser import LAPTOP, PHONE, serious_axe_violations, wait_for
from ticketing.models import Order, Ticket, TicketType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled_axe(page) -> list[str]:
    """axe's serious findings once the page is still: Wagtail's messages slide in, and text caught
    mid-animation fails on contrast."""
    wait_for(page, "document.getAnimations().every(animation => animation.playState !== 'running')")
    return serious_axe_violations(page)


def test_box_office_refunds_one_ticket_after_seeing_the_amount(
    open_browser, staff_member, festival, standard, paid, stripe_emulator
):
    order = paid(festival, standard, 2, donation=500, names=["Nye Bevan", "Jennie Lee"])
    nye, jennie = order.tickets.order_by("pk")
    page = open_browser(viewport=LAPTOP, user=staff_member(roles.BOX_OFFICE, "bex")).new_page()
    found = {}

    page.goto(reverse("orders:inspect", args=[order.pk]))
    page.get_by_role("link", name="Refund", exact=True).click()
    found["refund"] = serious_axe_violations(page)
    page.get_by_label("Nye Bevan · Standard · £35").check()
    page.get_by_role("button", name="Refund the chosen tickets").click()
    asked = page.locator(".box-office__lead").inner_text()
    found["confirm"] = serious_axe_violations(page)
    page.get_by_role("button", name="Back").click()
    still_checked = page.get_by_label("Nye Bevan · Standard · £35").is_checked()
    unchanged = Order.objects.get(pk=order.pk).refunded_amount
    page.get_by_role("button", name="Refund the chosen tickets").click()
    page.get_by_role("button", name="Confirm the refund of £35").click()
    page.get_by_text("Refunded £35 to Sylvia Pankhurst.").wait_for()
    found["order"] = settled_axe(page)

    order.refresh_from_db()
    nye.refresh_from_db()
    jennie.refresh_from_db()
    assert asked == "You are about to refund £35 to Sylvia Pankhurst for:"
    assert (still_checked, unchanged) == (True, 0)
    assert order.refunded_amount == 3500
    assert (nye.status, jennie.status) == (Ticket.Status.REFUNDED, Ticket.Status.VALID)
    assert stripe_emulator.emulator.get_payment_intent(order.stripe_payment_intent_id)["amount_refunded"] == 3500
    assert found == {"refund": [], "confirm": [], "order": []}


def test_the_order_page_fits_a_phone_and_has_no_serious_axe_violations(
    open_browser, staff_member, festival, standard, paid, tmp_path
):
    order = paid(festival, standard, 2, donation=500, names=["Nye Bevan", "Jennie Lee"])
    page = open_browser(viewport=PHONE, user=staff_member(roles.BOX_OFFICE, "bex")).new_page()

    page.goto(reverse("orders:inspect", args=[order.pk]))
    page.get_by_role("heading", name="History").wait_for()
    too_wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    shots = os.environ.get("SCREENSHOTS") or str(tmp_path)  # a folder to look at the page in
    page.screenshot(path=f"{shots}/box-office-order-phone.png", full_page=True)
    for index, section in enumerate(page.locator("section.box-office").all()):  # the admin scrolls inside <main>
        section.screenshot(path=f"{shots}/box-office-order-phone-{index + 1}.png")
    violations = settled_axe(page)

    assert not too_wide
    assert page.get_by_role("region", name="Tickets").get_by_role("link", name="Jennie Lee", exact=True).is_visible()
    assert violations == []


def test_a_wrong_line_in_the_complimentary_form_is_named_accessibly_on_a_phone(open_browser, staff_member, festival):
    carers = TicketType.objects.create(festival=festival, name="Carer", capacity=5, is_complimentary=True)
    page = open_browser(viewport=PHONE, user=staff_member(roles.BOX_OFFICE, "bex")).new_page()

    page.goto(reverse("ticketing_complimentary"))
    page.get_by_label("Edition").select_option(str(festival.pk))
    page.get_by_label("Complimentary ticket type").select_option(str(carers.pk))
    page.get_by_label("People").fill("Tony Benn <tony@example.org>\nBarbara Castle")
    page.get_by_role("button", name="Issue the tickets").click()
    error = page.get_by_role("alert").inner_text()
    too_wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    violations = settled_axe(page)

    assert "Line 2 (“Barbara Castle”)" in error and "No tickets were issued." in error
    assert Order.objects.count() == 0
    assert not too_wide
    assert violations == []
