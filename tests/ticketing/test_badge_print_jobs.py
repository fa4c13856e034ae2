"""Bulk badge printing as a job for the task worker: queued, rendered, stored, then marked printed."""

from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from ticketing.models import BadgePrintJob, Ticket
from ticketing.services import badges
from ticketing.services.badges import BadgeError, Layout

from .factories import TicketFactory, TicketTypeFactory, UserFactory


@pytest.fixture
def organiser(db):
    return UserFactory(username="olu")


@pytest.fixture
def three_tickets(festival):
    ticket_type = TicketTypeFactory(festival=festival, name="Weekend")
    return [TicketFactory(ticket_type=ticket_type, attendee_name=name) for name in ["Cyd", "Ada", "Bea"]]


def pages_text(data: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data)]


def test_print_job_waits_in_the_queue_until_the_request_commits(festival, organiser, three_tickets):
    job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)

    job.refresh_from_db()

    assert job.status == BadgePrintJob.Status.QUEUED
    assert (job.requested_by, job.layout, job.not_printed) == (organiser, "a4", False)
    assert Ticket.objects.filter(badge_printed_at__isnull=False).count() == 0


def test_print_job_renders_stores_and_then_marks_its_badges_printed(
    festival, organiser, three_tickets, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A6)
    job.refresh_from_db()

    with job.pdf.open("rb") as handle:
        data = handle.read()
    assert job.status == BadgePrintJob.Status.READY
    assert (job.badge_count, job.page_count, job.error_code) == (3, 3, "")
    assert [next(n for n in ["Ada", "Bea", "Cyd"] if n in text) for text in pages_text(data)] == ["Ada", "Bea", "Cyd"]
    assert set(Ticket.objects.values_list("badge_printed_at", flat=True)) == {job.finished_at}
    assert job.started_at <= job.finished_at


def test_print_job_prints_only_the_chosen_badges_not_printed_yet(
    festival, organiser, three_tickets, django_capture_on_commit_callbacks
):
    other_type = TicketTypeFactory(festival=festival, name="Friday")
    TicketFactory(ticket_type=other_type, attendee_name="Dot")
    with django_capture_on_commit_callbacks(execute=True):
        badges.request_print_job(festival=festival, user=organiser, layout=Layout.A6, ticket_type_id=other_type.pk)
    new = TicketFactory(ticket_type=other_type, attendee_name="Eve")

    with django_capture_on_commit_callbacks(execute=True):
        job = badges.request_print_job(
            festival=festival, user=organiser, layout=Layout.A6, ticket_type_id=other_type.pk, not_printed=True
        )
    job.refresh_from_db()

    with job.pdf.open("rb") as handle:
        texts = pages_text(handle.read())
    assert len(texts) == 1 and "Eve" in texts[0]
    assert Ticket.objects.get(pk=new.pk).badge_printed_at == job.finished_at
    assert Ticket.objects.filter(ticket_type__name="Weekend", badge_printed_at__isnull=False).count() == 0


def test_print_job_that_fails_leaves_every_badge_unmarked(
    festival, organiser, three_tickets, settings, tmp_path, django_capture_on_commit_callbacks
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the private folder should be")
    settings.PRIVATE_FILES_ROOT = str(blocked)  # storing the PDF fails, as on a full or read-only disk

    with django_capture_on_commit_callbacks(execute=True):
        job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)
    job.refresh_from_db()

    assert job.status == BadgePrintJob.Status.FAILED
    assert job.error_code == "render_failed"
    assert not job.pdf
    assert "no badges were marked as printed" in badges.print_job_error(job)
    assert Ticket.objects.filter(badge_printed_at__isnull=False).count() == 0


def test_print_job_with_nothing_left_to_print_fails_and_says_why(festival, organiser, three_tickets):
    job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)
    Ticket.objects.update(status=Ticket.Status.REFUNDED)

    job = badges.run_print_job(job_id=job.pk)

    assert job.status == BadgePrintJob.Status.FAILED
    assert job.error_code == "nothing_to_print"
    assert "refunded or printed since" in badges.print_job_error(job)


def test_print_job_delivered_twice_renders_once(festival, organiser, three_tickets):
    job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)
    first = badges.run_print_job(job_id=job.pk)

    again = badges.run_print_job(job_id=job.pk)

    assert first.status == again.status == BadgePrintJob.Status.READY
    assert again.pdf.name == first.pdf.name
    assert again.finished_at == first.finished_at


def test_print_job_is_refused_when_no_badge_matches(festival, organiser):
    with pytest.raises(BadgeError) as error:
        badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)

    assert error.value.code == "nothing_to_print"
    assert BadgePrintJob.objects.count() == 0


def test_a_job_whose_worker_stopped_while_making_it_is_failed_and_says_to_print_again(
    festival, organiser, three_tickets
):
    job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)
    started = timezone.now() - badges.PRINT_JOB_STALLED - timedelta(minutes=1)
    BadgePrintJob.objects.filter(pk=job.pk).update(status=BadgePrintJob.Status.RENDERING, started_at=started)

    job = badges.give_up_stalled_job(BadgePrintJob.objects.get(pk=job.pk))

    assert (job.status, job.error_code) == (BadgePrintJob.Status.FAILED, "worker_stopped")
    assert "print the badges again" in badges.print_job_error(job)
    assert Ticket.objects.filter(badge_printed_at__isnull=False).count() == 0


def test_a_job_still_within_its_time_is_left_to_its_worker(festival, organiser, three_tickets):
    job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)
    BadgePrintJob.objects.filter(pk=job.pk).update(status=BadgePrintJob.Status.RENDERING, started_at=timezone.now())

    job = badges.give_up_stalled_job(BadgePrintJob.objects.get(pk=job.pk))

    assert job.status == BadgePrintJob.Status.RENDERING


def test_a_worker_that_finishes_after_its_job_was_given_up_marks_nothing_printed(
    festival, organiser, three_tickets, monkeypatch
):
    job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)
    real_render = badges._render

    def slow_render(contexts, *, layout):  # the job is given up while its worker is still at it
        data = real_render(contexts, layout=layout)
        stale = timezone.now() - badges.PRINT_JOB_STALLED - timedelta(minutes=1)
        BadgePrintJob.objects.filter(pk=job.pk).update(started_at=stale)
        badges.give_up_stalled_job(BadgePrintJob.objects.get(pk=job.pk))
        return data

    monkeypatch.setattr(badges, "_render", slow_render)

    finished = badges.run_print_job(job_id=job.pk)

    assert (finished.status, finished.error_code) == (BadgePrintJob.Status.FAILED, "worker_stopped")
    assert not finished.pdf
    assert Ticket.objects.filter(badge_printed_at__isnull=False).count() == 0


def _ready_job(festival, organiser, finished_days_ago: float) -> BadgePrintJob:
    job = badges.request_print_job(festival=festival, user=organiser, layout=Layout.A4)
    job = badges.run_print_job(job_id=job.pk)
    finished = timezone.now() - timedelta(days=finished_days_ago)
    BadgePrintJob.objects.filter(pk=job.pk).update(finished_at=finished)
    return BadgePrintJob.objects.get(pk=job.pk)


def test_a_bulk_pdf_is_deleted_a_week_after_it_was_made(festival, organiser, three_tickets):
    # The PDF holds every badge's secret: it is not kept on the server for ever.
    old = _ready_job(festival, organiser, finished_days_ago=8)
    recent = _ready_job(festival, organiser, finished_days_ago=6)
    storage, old_name = old.pdf.storage, old.pdf.name

    deleted = badges.delete_old_print_pdfs()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert deleted == 1
    assert (old.status, old.pdf.name) == (BadgePrintJob.Status.DELETED, "")
    assert not storage.exists(old_name)
    assert recent.status == BadgePrintJob.Status.READY
    assert storage.exists(recent.pdf.name)


def test_deleting_old_pdfs_twice_or_with_the_file_already_gone_is_harmless(festival, organiser, three_tickets):
    job = _ready_job(festival, organiser, finished_days_ago=30)
    job.pdf.storage.delete(job.pdf.name)

    assert badges.delete_old_print_pdfs() == 1
    assert badges.delete_old_print_pdfs() == 0
    assert BadgePrintJob.objects.get(pk=job.pk).status == BadgePrintJob.Status.DELETED


def test_the_periodic_sweep_command_deletes_old_bulk_pdfs(festival, organiser, three_tickets):
    from io import StringIO

    from django.core.management import call_command

    job = _ready_job(festival, organiser, finished_days_ago=8)
    out = StringIO()

    call_command("release_lapsed_holds", stdout=out)

    assert BadgePrintJob.objects.get(pk=job.pk).status == BadgePrintJob.Status.DELETED
    assert "print_pdfs_deleted: 1" in out.getvalue()
