"""Organisers' bulk badge printing: ask the worker for an edition's badges in one PDF, follow the
job, download it. Beside the order page's badge views (badge_views.py); the work is in
ticketing.services.badges. Routed under /door/badges/print/ (door.urls), where door staff work."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from festival.editions import requested_edition
from festival.files import STORAGE_ERRORS, private_file_response
from ticketing.models import MANAGE_BADGES_PERMISSION, BadgePrintJob
from ticketing.services import badges


def organisers_only(view):
    """Signed-out visitors go to the door's sign-in page; staff without the badge permission get 403."""
    return login_required(
        permission_required(MANAGE_BADGES_PERMISSION, raise_exception=True)(view), login_url="door:login"
    )


RECENT_PRINT_JOBS = 10
PRINT_JOB_SLOW = timedelta(minutes=3)  # a print job pending this long says the worker may be stuck


@never_cache
@require_http_methods(["GET", "POST"])
@organisers_only
def print_badges(request):
    """Organisers: ask the worker for every badge of an edition, or a filtered set, in one PDF."""
    festival = requested_edition(request)
    ticket_types = list(festival.ticket_types.all())
    errors = []
    if request.method == "POST":
        ticket_type_id = request.POST.get("ticket_type", "")
        day_raw = request.POST.get("day", "")
        layout = request.POST.get("layout", badges.Layout.A6)
        if ticket_type_id and not any(str(t.pk) == ticket_type_id for t in ticket_types):
            errors.append(_("Choose a ticket type from the list."))
        day = None
        if day_raw:
            try:
                day = date.fromisoformat(day_raw)
            except ValueError:
                errors.append(_("Choose a day from the list."))
            else:
                if day not in festival.days:
                    errors.append(_("Choose a day from the list."))
        if layout not in badges.Layout.values:
            errors.append(_("Choose a page layout."))
        if not errors:
            try:
                job = badges.request_print_job(
                    festival=festival,
                    user=request.user,
                    layout=layout,
                    ticket_type_id=int(ticket_type_id) if ticket_type_id else None,
                    day=day,
                    not_printed=request.POST.get("not_printed") == "on",
                )
            except badges.BadgeError as error:
                errors.append(str(error))
            else:
                return redirect("door:print_job", job_id=job.pk)
    badges.delete_old_print_pdfs()
    recent = festival.badge_print_jobs.select_related("ticket_type", "requested_by")[:RECENT_PRINT_JOBS]
    jobs = [badges.give_up_stalled_job(job) for job in recent]
    return render(
        request,
        "ticketing/print_badges.html",
        {
            "festival": festival,
            "ticket_types": ticket_types,
            "errors": errors,
            "form": request.POST,
            "jobs": jobs,
        },
        status=400 if errors else 200,
    )


def _print_job(job_id: int) -> BadgePrintJob:
    return get_object_or_404(BadgePrintJob.objects.select_related("festival", "ticket_type", "requested_by"), pk=job_id)


@never_cache
@require_GET
@organisers_only
def print_job(request, job_id):
    """One bulk print: waiting, being made, ready to download, or what went wrong."""
    badges.delete_old_print_pdfs()
    job = badges.give_up_stalled_job(_print_job(job_id))
    size = None
    if job.status == BadgePrintJob.Status.READY and job.pdf:
        with contextlib.suppress(*STORAGE_ERRORS):  # gone from storage: the download says so
            size = job.pdf.size
    return render(
        request,
        "ticketing/print_job.html",
        {
            "job": job,
            "festival": job.festival,
            "size": size,
            "error": badges.print_job_error(job) if job.status == BadgePrintJob.Status.FAILED else "",
            "slow": job.is_pending and timezone.now() - job.created_at > PRINT_JOB_SLOW,
        },
    )


@never_cache
@require_GET
@organisers_only
def print_job_pdf(request, job_id):
    """The PDF of a finished bulk print."""
    job = _print_job(job_id)
    if job.status != BadgePrintJob.Status.READY or not job.pdf:
        raise Http404(_("This PDF is not ready."))
    stamp = timezone.localtime(job.finished_at).strftime("%Y%m%d-%H%M")
    try:
        filename = f"badges-{job.festival.slug}-{stamp}.pdf"
        return private_file_response(job.pdf, filename=filename, default="badges", stream=True)
    except FileNotFoundError:
        raise Http404(_("This PDF is no longer stored. Please print the badges again."))
