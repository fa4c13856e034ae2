"""The throttles as a person meets them in headless Chromium: the forms work (the browser sends an
Origin header and obeys the CSP, as the test client does not) until someone goes over, who then
gets the plain "please wait" page, and nobody else does."""

import pytest
from django.core import mail

from tests.festival.test_throttles import PASSWORD, shop, staff  # noqa: F401  (the same account and shop)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = "Too many tries: please wait a little"


def apply_voucher(page, code: str):
    page.fill("#id_voucher", code)
    with page.expect_navigation():
        page.click("button[name=apply_voucher]")
    return page


def test_a_right_voucher_works_and_the_eleventh_wrong_one_gets_the_wait_page(open_browser, shop):  # noqa: F811
    page = open_browser().new_page()
    page.goto(shop)

    applied = apply_voucher(page, "SOLIDARITY").locator("[role=status]").inner_text()
    wrong = [apply_voucher(page, f"GUESS{n}").get_attribute("#id_voucher", "aria-invalid") for n in range(10)]
    apply_voucher(page, "SOLIDARITY")
    blocked_heading = page.locator("h1").inner_text()
    blocked_text = page.content()

    assert applied == "Voucher SOLIDARITY applied: 10% off your tickets."
    assert wrong == ["true"] * 10  # each wrong code refused at its field, as usual
    assert blocked_heading == WAIT
    assert "SOLIDARITY" not in blocked_text


def test_the_admin_sign_in_form_works_and_five_wrong_passwords_lock_that_account(open_browser, staff):  # noqa: F811
    first = open_browser().new_page()
    first.goto("/admin/login/")
    first.fill("#id_username", "rosa")
    first.fill("#id_password", PASSWORD)
    with first.expect_navigation():
        first.click("button[type=submit]")
    signed_in = first.url

    page = open_browser().new_page()
    for n in range(5):
        page.goto("/admin/login/")
        page.fill("#id_username", "rosa")
        page.fill("#id_password", f"wrong-{n}")
        with page.expect_navigation():
            page.click("button[type=submit]")
    page.goto("/admin/login/")
    page.fill("#id_username", "rosa")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation() as answer:
        page.click("button[type=submit]")

    assert signed_in.endswith("/admin/")
    assert answer.value.status == 429
    assert "/admin/login/" in page.url


def test_the_password_reset_form_sends_from_the_browser_and_stops_after_its_limit(open_browser, staff):  # noqa: F811
    page = open_browser().new_page()

    statuses = []
    for n in range(11):
        page.goto("/admin/password_reset/")
        page.fill("input[name=email]", "rosa@example.org" if n == 0 else f"nobody{n}@example.org")
        with page.expect_navigation() as answer:
            page.click("button[type=submit]")
        statuses.append(answer.value.status)
    heading = page.locator("h1").inner_text()

    assert statuses[:10] == [200] * 10  # Wagtail's "check your email" page, after its redirect
    assert statuses[10] == 429
    assert heading == WAIT
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
