"""Journey 8, the call for proposals: a proposer proposes from a phone, a reviewer scores it, an
organiser accepts it, the proposer confirms from the email's link, and an editor schedules the draft
session it became, which then shows on the programme's grid.

In headless Chromium against the live server. The public pages pass axe; the admin pages are
Wagtail's own and are only used here.
"""

import re

import pytest
from django.contrib.auth.models import User

from festival import roles
from outbox.models import OutgoingEmail
from programme.models import Stage
from proposals.models import Proposal
from tests.browser import LAPTOP, PHONE, assert_accessible
from tests.proposals.conftest import call, climate, programme, speaker_index, talk, workshop  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-staff-password"


def link_in(email: OutgoingEmail, base: str) -> str:
    return re.search(r"http://\S+", bytes(email.mime).decode()).group(0).replace("http://testserver", str(base))


def staff_user(groups, role, username):
    user = User.objects.create_user(username, email=f"{username}@festival.invalid", password=PASSWORD)
    user.groups.add(groups[role])
    return user


def sign_in(open_browser, username):
    page = open_browser(viewport=LAPTOP).new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type='submit']")
    page.wait_for_url("**/admin/")
    return page


def test_a_proposal_runs_through_the_call_to_a_scheduled_session(open_browser, live_site, call, groups, settings):  # noqa: F811
    settings.SITE_URL = "http://testserver"
    staff_user(groups, roles.REVIEWER, "remi")
    staff_user(groups, roles.ORGANISER, "olu")
    stage = Stage.objects.create(edition=call.edition, name="Main Hall", slug="main-hall")
    question = call.questions.get()

    # The proposer asks for a link on a phone, opens it and proposes.
    phone = open_browser(viewport=PHONE).new_page()
    phone.goto("/proposals/2026/")
    assert_accessible(phone)
    phone.fill("#id_email", "rosa@example.org")
    phone.get_by_role("button", name="Send me a link").click()
    phone.wait_for_selector(".message--success")
    phone.goto(link_in(OutgoingEmail.objects.get(to="rosa@example.org"), live_site))
    phone.get_by_role("link", name="Propose a session").click()
    assert_accessible(phone)
    phone.fill("#id_title", "Winning rent strikes")
    phone.fill("#id_abstract", "How tenants' unions won.")
    phone.fill("#id_speaker_name", "Rosa Luxe")
    phone.check(f"#id_q_{question.pk}_0")
    phone.get_by_role("button", name="Send my proposal").click()
    phone.wait_for_selector(".proposal-state")
    submitted = phone.inner_text(".proposal-state")
    assert_accessible(phone)

    # The reviewer scores it.
    proposal = Proposal.objects.get()
    reviewer = sign_in(open_browser, "remi")
    reviewer.goto("/admin/proposals/")
    reviewer.get_by_role("link", name="Winning rent strikes").click()
    for criterion in call.criteria.all():
        reviewer.check(f"#id_c_{criterion.pk}_4")
    reviewer.click("text=Save my review")
    reviewer.wait_for_selector(".messages .success")

    # The organiser sees it by score and accepts it.
    organiser = sign_in(open_browser, "olu")
    organiser.goto("/admin/proposals/")
    ranked = organiser.inner_text(".proposals-ranked tbody")
    organiser.get_by_role("link", name="Winning rent strikes").click()
    organiser.get_by_role("button", name="Accept").click()
    organiser.wait_for_selector(".messages .success")

    # The proposer confirms from the decision email's link.
    decision = OutgoingEmail.objects.get(key=f"proposal-decision:{proposal.pk}:accepted")
    phone.goto(link_in(decision, live_site))
    assert_accessible(phone)
    phone.get_by_role("button", name="Yes, I confirm").click()
    phone.wait_for_selector(".message--success")
    confirmed = phone.inner_text(".proposal-state")

    # The organiser (an editor too) schedules the draft session and publishes it: it shows on the grid.
    proposal.refresh_from_db()
    session = proposal.session_page
    organiser.goto(f"/admin/pages/{session.pk}/edit/")
    organiser.fill("#id_start", "2026-10-17 10:00")
    organiser.fill("#id_end", "2026-10-17 11:00")
    organiser.select_option("#id_stage", str(stage.pk))
    organiser.get_by_role("button", name="More actions").click()
    organiser.get_by_role("button", name="Publish", exact=True).click()
    organiser.wait_for_selector(".messages .success")
    organiser.goto("/2026/programme/")
    grid = organiser.inner_text("main")

    assert submitted == "Submitted"
    assert "Winning rent strikes" in ranked and "4.00" in ranked
    assert confirmed == "Confirmed"
    assert "Winning rent strikes" in grid
