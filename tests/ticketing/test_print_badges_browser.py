"""Bulk badge printing in headless Chromium on a phone: the job's page updates itself and stays accessible."""

import os

import pytest
from django.urls import reverse

from festival import roles
from tests.browser import axe_violations
from tests.ticketing.factories import UserFactory
from ticketing.models import BadgePrintJob
from ticketing.services import badges

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organiser_phone(chromium, live_server, client, groups):
    """A phone-sized browser signed in as an organiser."""
    user = UserFactory(username="olu", first_name="Olu")
    user.groups.add(groups[roles.ORGANISER])
    client.force_login(user)
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    yield user, context.new_page()
    context.close()


def test_job_page_turns_ready_by_itself_and_has_no_axe_violations(
    organiser_phone, live_server, live_festival, make_ticket
):
    user, page = organiser_phone
    for name in ["Ella Baker", "Bayard Rustin", "Diane Nash"]:
        make_ticket(attendee_name=name)
    job = BadgePrintJob.objects.create(festival=live_festival, requested_by=user, layout="a4")

    page.goto(live_server.url + reverse("door:print_badges") + f"?edition={live_festival.pk}")
    form_violations = axe_violations(page)
    page.goto(live_server.url + reverse("door:print_job", args=[job.pk]))
    waiting = page.text_content("#job-status")
    waiting_violations = axe_violations(page)
    page.focus("text=Print more badges")
    badges.run_print_job(job_id=job.pk)  # the worker, while the page is open
    page.wait_for_selector("#job-status[data-state='ready']", timeout=15000)
    ready = page.text_content("#job-status")
    focused = page.evaluate("document.activeElement.textContent")
    title = page.title()
    href = page.get_attribute("#job-status a.button", "href")
    too_wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    ready_violations = axe_violations(page)

    assert "Waiting to start." in waiting
    assert "Ready." in ready and "3 badges on 1 page." in ready
    assert focused == "Print more badges"  # the update is read out, not jumped to
    assert title.startswith("Badge PDF: Ready to download")
    assert href == reverse("door:print_job_pdf", args=[job.pk])
    assert not too_wide
    assert (form_violations, waiting_violations, ready_violations) == ([], [], [])


def test_a_deleted_jobs_page_and_the_list_say_so_accessibly_on_a_phone(
    organiser_phone, live_server, live_festival, make_ticket
):
    user, page = organiser_phone
    make_ticket(attendee_name="Ella Baker")
    job = BadgePrintJob.objects.create(festival=live_festival, requested_by=user, layout="a4")
    badges.run_print_job(job_id=job.pk)
    BadgePrintJob.objects.filter(pk=job.pk).update(finished_at=job.created_at - badges.PRINT_PDF_KEPT_FOR)

    page.goto(live_server.url + reverse("door:print_badges") + f"?edition={live_festival.pk}")
    listed = page.text_content(".print-jobs")
    list_violations = axe_violations(page)
    page.goto(live_server.url + reverse("door:print_job", args=[job.pk]))
    status = page.text_content("#job-status")
    too_wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    if shots := os.environ.get("SCREENSHOTS"):  # a folder to look at the page in
        page.screenshot(path=f"{shots}/print-job-deleted.png", full_page=True)
    job_violations = axe_violations(page)

    assert "Deleted after a week" in listed
    assert "The PDF was deleted a week after it was made" in status
    assert page.locator("#job-status a.button").count() == 0
    assert not too_wide
    assert (list_violations, job_violations) == ([], [])
