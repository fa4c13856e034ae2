"""Organisers' bulk badge printing: the form queues a job, its page says how it is going, the PDF downloads."""

from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone

from festival import roles
from tests.downloads import disposition
from tests.ticketing.factories import UserFactory
from ticketing.models import BadgePrintJob, Ticket
from ticketing.services import badges

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client, groups):
    user = UserFactory(username="olu", first_name="Olu")
    user.groups.add(groups[roles.ORGANISER])
    client.force_login(user)
    return user


def ask_for_badges(client, festival, **choices):
    data = {"layout": "a4", "ticket_type": "", "day": "", **choices}
    return client.post(reverse("door:print_badges") + f"?edition={festival.pk}", data)


def test_form_queues_a_job_and_its_page_says_it_is_waiting(client, organiser, live_festival, make_ticket):
    ticket = make_ticket(attendee_name="Ida B. Wells")

    response = ask_for_badges(client, live_festival)  # the worker only starts once the request commits
    job = BadgePrintJob.objects.get()
    page = client.get(response["Location"])
    download = client.get(reverse("door:print_job_pdf", args=[job.pk]))
    ticket.refresh_from_db()

    assert response.status_code == 302
    assert response["Location"] == reverse("door:print_job", args=[job.pk])
    assert (job.status, job.requested_by, job.festival) == ("queued", organiser, live_festival)
    assert b'role="status"' in page.content
    assert b"Waiting to start." in page.content
    assert b"door/print-job.js" in page.content
    assert download.status_code == 404
    assert ticket.badge_printed_at is None


def test_ready_job_page_offers_the_pdf_and_the_badges_are_marked_printed(
    client, organiser, live_festival, make_ticket, django_capture_on_commit_callbacks
):
    for name in ["Zora Neale Hurston", "Audre Lorde", "bell hooks", "Angela Davis", "James Baldwin"]:
        make_ticket(attendee_name=name)

    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_badges(client, live_festival, layout="a4")
    page = client.get(response["Location"])
    job = page.context["job"]
    download = client.get(reverse("door:print_job_pdf", args=[job.pk]))
    data = b"".join(download.streaming_content)

    assert b"Ready." in page.content
    assert b"5 badges on 2 pages. They are now marked as printed." in page.content
    assert reverse("door:print_job_pdf", args=[job.pk]).encode() in page.content
    assert b"door/print-job.js" not in page.content  # nothing left to wait for
    assert download["Content-Disposition"].startswith(f'attachment; filename="badges-{live_festival.slug}-')
    assert {"private", "no-store"} <= {part.strip() for part in download["Cache-Control"].split(",")}
    assert len(pdfium.PdfDocument(data)) == 2
    assert Ticket.objects.filter(badge_printed_at=job.finished_at).count() == 5


def test_the_pdf_downloads_validly_for_an_edition_with_a_unicode_slug(
    client, organiser, live_festival, make_ticket, django_capture_on_commit_callbacks
):
    live_festival.slug = "fête-des-luttes"
    live_festival.save()
    make_ticket(attendee_name="Zoë Łukasik")
    with django_capture_on_commit_callbacks(execute=True):
        job = client.get(ask_for_badges(client, live_festival)["Location"]).context["job"]
    stamp = timezone.localtime(job.finished_at).strftime("%Y%m%d-%H%M")

    download = client.get(reverse("door:print_job_pdf", args=[job.pk]))

    assert disposition(download["Content-Disposition"]) == (
        "attachment",
        f"badges-fete-des-luttes-{stamp}.pdf",
        f"badges-fête-des-luttes-{stamp}.pdf",
    )


def test_failed_job_page_says_what_went_wrong_and_nothing_is_marked(
    client, organiser, live_festival, make_ticket, settings, tmp_path, django_capture_on_commit_callbacks
):
    make_ticket(attendee_name="Fannie Lou Hamer")
    blocked = tmp_path / "private"
    blocked.write_text("not a folder")
    settings.PRIVATE_FILES_ROOT = str(blocked)

    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_badges(client, live_festival)
    page = client.get(response["Location"])
    job = page.context["job"]

    assert job.status == "failed"
    assert b"The PDF was not made." in page.content
    assert b"no badges were marked as printed" in page.content
    assert client.get(reverse("door:print_job_pdf", args=[job.pk])).status_code == 404
    assert Ticket.objects.filter(badge_printed_at__isnull=False).count() == 0


def test_no_matching_badges_is_said_on_the_form_and_queues_nothing(client, organiser, live_festival):
    response = ask_for_badges(client, live_festival)

    assert response.status_code == 400
    assert b"No badges match those choices." in response.content
    assert BadgePrintJob.objects.count() == 0


def test_a_job_waiting_long_says_the_worker_may_not_be_running(client, organiser, live_festival, make_ticket):
    make_ticket()
    ask_for_badges(client, live_festival)
    job = BadgePrintJob.objects.get()
    BadgePrintJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    page = client.get(reverse("door:print_job", args=[job.pk]))

    assert b"the background worker may not be running" in page.content


def test_form_lists_the_editions_recent_jobs(
    client, organiser, live_festival, weekend, make_ticket, django_capture_on_commit_callbacks
):
    make_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_badges(client, live_festival, ticket_type=str(weekend.pk), not_printed="on")
    ask_for_badges(client, live_festival, layout="a6")

    page = client.get(reverse("door:print_badges") + f"?edition={live_festival.pk}")

    assert page.status_code == 200
    assert [job.status for job in page.context["jobs"]] == ["queued", "ready"]
    assert b"Weekend tickets, any day, only badges not printed yet." in page.content
    assert b"Ready to download" in page.content


def test_door_staff_and_visitors_cannot_see_or_download_a_job(client, live_festival, door_staff, make_ticket):
    make_ticket()
    organiser = UserFactory(username="org")
    job = badges.request_print_job(festival=live_festival, user=organiser, layout="a4")
    urls = [reverse("door:print_job", args=[job.pk]), reverse("door:print_job_pdf", args=[job.pk])]

    anonymous = [client.get(url) for url in urls]
    client.force_login(door_staff)
    staff = [client.get(url) for url in urls]

    assert [r.status_code for r in anonymous] == [302, 302]
    assert all(r["Location"].startswith(reverse("door:login")) for r in anonymous)
    assert [r.status_code for r in staff] == [403, 403]


@pytest.mark.parametrize("job_id", ["999999", "99999999999999999999999"])
def test_an_unknown_job_is_not_found(client, organiser, job_id):
    response = client.get(f"/door/badges/print/{job_id}/")

    assert response.status_code == 404


def test_a_ready_pdf_gone_from_storage_is_not_found_and_the_page_still_shows(
    client, organiser, live_festival, make_ticket, django_capture_on_commit_callbacks
):
    make_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_badges(client, live_festival)
    job = BadgePrintJob.objects.get()
    job.pdf.storage.delete(job.pdf.name)

    page = client.get(reverse("door:print_job", args=[job.pk]))
    download = client.get(reverse("door:print_job_pdf", args=[job.pk]))

    assert page.status_code == 200
    assert download.status_code == 404


def test_a_job_whose_worker_stopped_says_so_on_its_page_and_in_the_list(client, organiser, live_festival, make_ticket):
    make_ticket()
    ask_for_badges(client, live_festival)
    job = BadgePrintJob.objects.get()
    long_ago = timezone.now() - badges.PRINT_JOB_STALLED - timedelta(minutes=5)
    BadgePrintJob.objects.filter(pk=job.pk).update(status="rendering", created_at=long_ago, started_at=long_ago)

    listed = client.get(reverse("door:print_badges") + f"?edition={live_festival.pk}")
    page = client.get(reverse("door:print_job", args=[job.pk]))

    assert [j.status for j in listed.context["jobs"]] == ["failed"]
    assert b"The PDF was not made." in page.content
    assert b"The background worker stopped while making the PDF" in page.content


def test_a_pdf_over_a_week_old_is_deleted_when_the_print_page_is_opened_and_its_page_says_so(
    client, organiser, live_festival, make_ticket, django_capture_on_commit_callbacks
):
    make_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_badges(client, live_festival)
    job = BadgePrintJob.objects.get()
    storage, name = job.pdf.storage, job.pdf.name
    BadgePrintJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - badges.PRINT_PDF_KEPT_FOR)

    listed = client.get(reverse("door:print_badges") + f"?edition={live_festival.pk}")
    page = client.get(reverse("door:print_job", args=[job.pk]))
    download = client.get(reverse("door:print_job_pdf", args=[job.pk]))

    assert not storage.exists(name)
    assert [j.status for j in listed.context["jobs"]] == ["deleted"]
    assert b"Deleted" in listed.content
    assert b"The PDF was deleted a week after it was made" in page.content
    assert reverse("door:print_job_pdf", args=[job.pk]).encode() not in page.content
    assert download.status_code == 404
