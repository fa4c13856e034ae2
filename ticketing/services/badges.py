"""Badge PDFs: one per ticket, stored once rendered; bulk print runs for organisers; reissues.

A badge shows the attendee's name, pronouns, ticket type and days, the order code and a
QR code that holds only the ticket's secret. Rendering is WeasyPrint (through
``ticketing.pdf``) from ``templates/ticketing/badge.html``. A bulk print is a
``BadgePrintJob`` that the task worker renders: a few hundred badges or more are laid out
in chunks of whole sheets on every CPU, and the chunks joined into one PDF.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from wagtail.models import Site

from festival.downloads import filename_part
from festival.errors import DomainError
from festival.files import STORAGE_ERRORS
from festival.models import FestivalSettings
from ticketing import audit, pdf
from ticketing.codes import new_ticket_secret
from ticketing.ledger import MadeBy
from ticketing.models import BadgePrintJob, Order, RetiredSecret, Ticket
from ticketing.names import clean_name

logger = logging.getLogger(__name__)

PRINTABLE_STATUSES = (Ticket.Status.VALID,)
# A print job is made in seconds (1,000 badges in under a minute); one still being made after
# this long lost its worker.
PRINT_JOB_STALLED = timedelta(minutes=30)
# A bulk PDF holds the secret of every badge on it: it is kept long enough to print and
# reprint, then deleted (by the periodic sweep, and whenever the print page is opened).
PRINT_PDF_KEPT_FOR = timedelta(days=7)
# The badge's text, as badge.css lays it out (tests/ticketing/test_badges.py holds the two together).
MM = 72 / 25.4  # points in a millimetre
BADGE_FONTS = ("Liberation Sans", "DejaVu Sans", "sans-serif")  # html's font-family; fontconfig picks
BADGE_LANG = "en-GB"  # the document's language, which guides fontconfig's choice of a fallback
NAME_BOX_PT = 93 * MM  # .badge__who's width inside its padding
NAME_HEIGHT_PT = 34 * MM  # .badge__who's height: the name and the pronouns under it
NAME_LINE_HEIGHT = 1.08
NAME_MAX_PT = 30
NAME_MIN_PT = 11  # words stay whole down to this size; a word too long even here is broken
NAME_FLOOR_PT = 6  # the least a name of 200 characters, with no space in it, may need
PRONOUNS_GAP_PT = 2 * MM
PRONOUNS_PT = 12
PRONOUNS_LINE_HEIGHT = 1.2
# A bulk render is split into documents of this many badges (whole A4 sheets), laid out side
# by side in worker processes. WeasyPrint's tagging grows with pages times elements, so
# smaller documents are cheaper per badge too; joining costs a little per document.
CHUNK_BADGES = 100
# Fewer badges than this are one document in this process: starting worker processes
# would cost more than it saves.
PARALLEL_FROM = 200

# Why a print job failed, by its error code.
PRINT_ERRORS = {
    "nothing_to_print": gettext_lazy(
        "No badges matched those choices by the time the PDF was started: they may have been "
        "refunded or printed since. Nothing was marked as printed."
    ),
    "worker_stopped": gettext_lazy(
        "The background worker stopped while making the PDF (it may have been restarted), so no "
        "badges were marked as printed. Please print the badges again."
    ),
    "render_failed": gettext_lazy(
        "Something went wrong while making the PDF, so no badges were marked as printed. Please "
        "try again. If it fails again, ask whoever runs the site to look at the task worker's log."
    ),
}


class BadgeError(DomainError):
    """A badge operation refused, with a stable ``code``; ``str()`` is its message, for the page."""

    messages = {
        "name_needed": gettext_lazy("Type a name: this one is only spaces or invisible characters."),
        "not_valid": gettext_lazy("This ticket was cancelled or refunded, so it has no badge."),
        "nothing_to_print": gettext_lazy("No badges match those choices."),
    }

    def __str__(self) -> str:
        return self.message


Layout = BadgePrintJob.Layout  # A6: one badge per A6 page; A4: four on an A4 sheet with cut marks


@dataclass(frozen=True)
class Brand:
    site_name: str
    primary_colour: str
    accent_colour: str


def _brand() -> Brand:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return Brand("Festival of Resistance", "#b0172b", "#f5c518")
    festival_settings = FestivalSettings.for_site(site)
    return Brand(festival_settings.site_name, festival_settings.primary_colour, festival_settings.accent_colour)


def name_size(name: str, *, pronouns: str = "") -> float:
    """The name's font size in points: the largest, up to NAME_MAX_PT in half points, at which the
    name, measured as the PDF sets it (same fonts and fallbacks, same line breaks), fits its box
    with the pronouns under it. Words stay whole if they can at NAME_MIN_PT or more; otherwise the
    long word is broken across lines (as CSS's ``overflow-wrap: anywhere`` breaks it)."""
    height = NAME_HEIGHT_PT - pronouns_height(pronouns)
    whole = _largest_fitting(name, height=height, smallest=NAME_MIN_PT, break_words=False)
    return whole or _largest_fitting(name, height=height, smallest=NAME_FLOOR_PT, break_words=True) or NAME_FLOOR_PT


def pronouns_height(pronouns: str) -> float:
    """The height in points the pronouns take under the name, their top margin included."""
    if not pronouns:
        return 0
    lines = _lines(pronouns, bold=False, size=PRONOUNS_PT, break_words=True)
    return PRONOUNS_GAP_PT + _height(lines, bold=False, size=PRONOUNS_PT, line_height=PRONOUNS_LINE_HEIGHT)


def _largest_fitting(name: str, *, height: float, smallest: float, break_words: bool) -> float | None:
    """The largest size from ``smallest`` to NAME_MAX_PT, in half points, at which ``name`` fits
    ``height`` and the box's width, or None. The smaller the size the better a name fits, so the
    sizes are searched by halves. (WeasyPrint starts each line where Pango breaks it and may only
    fit more on it, so a name measured to fit does.)"""

    def fits(size: float) -> bool:
        lines = _lines(name, bold=True, size=size, break_words=break_words)
        return (
            max(line.width for line in lines) <= NAME_BOX_PT
            and _height(lines, bold=True, size=size, line_height=NAME_LINE_HEIGHT) <= height
        )

    low, high = int(smallest * 2), int(NAME_MAX_PT * 2)  # in half points
    if fits(high / 2):
        return high / 2  # most names: measured once
    if not fits(low / 2):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle / 2):
            low = middle
        else:
            high = middle - 1
    return low / 2


def _height(lines: tuple[pdf.Line, ...], *, bold: bool, size: float, line_height: float) -> float:
    """The height of ``lines`` set ``line_height`` apart, as CSS stacks them: a line in a fallback
    font that sits higher or lower on the baseline than the badge's own font (a CJK font, say) is
    that much taller, since its line holds both, aligned on the baseline."""
    strut = _lines(" ", bold=bold, size=size, break_words=False)[0]
    own = strut.ascent - strut.descent
    return sum(line_height * size + abs(line.ascent - line.descent - own) / 2 for line in lines)


@lru_cache(maxsize=4096)
def _lines(text: str, *, bold: bool, size: float, break_words: bool) -> tuple[pdf.Line, ...]:
    family = ",".join(BADGE_FONTS)
    return tuple(
        pdf.text_lines(
            text, family=family, bold=bold, size=size, width=NAME_BOX_PT, lang=BADGE_LANG, break_words=break_words
        )
    )


def text_direction(text: str) -> str:
    """``rtl`` for a name or pronouns that start in a right-to-left script (Arabic, Hebrew…), else ``ltr``."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return "rtl"
        if direction == "L":
            return "ltr"
    return "ltr"


def _date_range(start: date, end: date) -> str:
    if start == end:
        return date_format(start, "j F Y")
    if start.month == end.month:
        return f"{start.day}–{date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F')} – {date_format(end, 'j F Y')}"


def days_label(ticket_type, festival) -> str:
    """The days a ticket type admits on, in words."""
    days = [d for d in festival.days if ticket_type.admits_on(d)]
    if not days:
        return _("No festival days")
    if len(days) == len(festival.days) and len(days) > 1:
        return _("Every day, %(range)s") % {"range": _date_range(days[0], days[-1])}
    return ", ".join(date_format(d, "l j F") for d in days)


def _badge_context(ticket: Ticket) -> dict:
    ticket_type = ticket.ticket_type
    festival = ticket_type.festival
    return {
        "name": ticket.attendee_name,
        "name_size": name_size(ticket.attendee_name, pronouns=ticket.pronouns),
        "name_dir": text_direction(ticket.attendee_name),
        "pronouns": ticket.pronouns,
        "pronouns_dir": text_direction(ticket.pronouns),
        "ticket_type": ticket_type.name,
        "days": days_label(ticket_type, festival),
        "qr": pdf.QR_SCHEME + ticket.secret,
        "order_code": ticket.order.code,
        "festival_title": festival.title,
        "festival_dates": _date_range(festival.start_date, festival.end_date),
        "venue": festival.venue_name,
    }


def _sheets(badges: list[dict], layout: str) -> list[list[dict]]:
    per_sheet = BadgePrintJob.badges_per_page(layout)
    return [badges[i : i + per_sheet] for i in range(0, len(badges), per_sheet)]


def _html(badges: list[dict], *, layout: str, brand: Brand, total: int) -> str:
    return render_to_string(
        "ticketing/badge.html",
        {"badges": badges, "sheets": _sheets(badges, layout), "layout": layout, "brand": brand, "total": total},
    )


def _render(badges: list[dict], *, layout: str) -> bytes:
    """The badges as one PDF: one document in this process for a few, else chunks of whole
    sheets laid out on every CPU (capped) and joined in order."""
    brand = _brand()
    options = {
        "stylesheet": str(Path(settings.BASE_DIR) / "templates" / "ticketing" / "badge.css"),
        "base_url": str(settings.BASE_DIR),
    }
    if len(badges) < PARALLEL_FROM:
        return pdf.render(_html(badges, layout=layout, brand=brand, total=len(badges)), **options)
    per_sheet = BadgePrintJob.badges_per_page(layout)
    size = max(per_sheet, CHUNK_BADGES - CHUNK_BADGES % per_sheet)
    htmls = [
        _html(badges[i : i + size], layout=layout, brand=brand, total=len(badges)) for i in range(0, len(badges), size)
    ]
    processes = max(1, min(pdf.usable_cpus(), pdf.MAX_PROCESSES))
    return pdf.join(pdf.render_all(htmls, processes=processes, **options))


def _tickets_for_badges():
    return Ticket.objects.select_related("order", "ticket_type__festival")


def render_badge_pdf(ticket: Ticket) -> bytes:
    """The badge of one ticket as PDF bytes (A6), without storing it."""
    return _render([_badge_context(ticket)], layout=Layout.A6)


def store_badge(*, ticket: Ticket) -> Ticket:
    """Render ``ticket``'s badge and store it in ``Ticket.badge_pdf``; raises nothing."""
    pdf = render_badge_pdf(ticket)
    old_name = ticket.badge_pdf.name if ticket.badge_pdf else ""
    # A random file name: badge files never reveal the secret or the attendee.
    ticket.badge_pdf.save(f"{secrets.token_hex(12)}.pdf", ContentFile(pdf), save=False)
    ticket.badge_rendered_at = timezone.now()
    Ticket.objects.filter(pk=ticket.pk, secret=ticket.secret).update(
        badge_pdf=ticket.badge_pdf.name, badge_rendered_at=ticket.badge_rendered_at
    )
    if old_name and old_name != ticket.badge_pdf.name:
        ticket.badge_pdf.storage.delete(old_name)
    return ticket


def stored_badge(*, ticket: Ticket):
    """The ticket's stored badge file (a FieldFile in the private storage), rendered and stored first
    if it was never made or its file is gone (lost with a disk, or left behind by a move)."""
    if not ticket.badge_pdf or not ticket.badge_pdf.storage.exists(ticket.badge_pdf.name):
        store_badge(ticket=ticket)
    return ticket.badge_pdf


def badge_bytes(*, ticket: Ticket) -> bytes:
    """The stored badge PDF, rendered and stored first if the worker has not done it yet."""
    if ticket.badge_pdf:
        try:
            with ticket.badge_pdf.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            pass
    store_badge(ticket=ticket)
    with ticket.badge_pdf.open("rb") as handle:
        return handle.read()


def badge_filename(ticket: Ticket) -> str:
    """The badge's file name: the order code and the attendee's name (up to 40 characters, any script)."""
    name = filename_part(ticket.attendee_name)[:40].strip("-")
    return f"badge-{ticket.order.code}-{name}.pdf" if name else f"badge-{ticket.order.code}.pdf"


def badge_attachments(*, order: Order) -> list[tuple[str, bytes, str]]:
    """One (filename, PDF bytes, mimetype) per valid ticket of ``order``, for the confirmation email."""
    tickets = _tickets_for_badges().filter(order=order, status__in=PRINTABLE_STATUSES).order_by("pk")
    return [(badge_filename(t), badge_bytes(ticket=t), "application/pdf") for t in tickets]


@task()
def render_order_badges(order_id: int) -> int:
    """Background task: render and store every missing badge of one order."""
    tickets = _tickets_for_badges().filter(order_id=order_id, status__in=PRINTABLE_STATUSES, badge_pdf="")
    count = 0
    for ticket in tickets:
        store_badge(ticket=ticket)
        count += 1
    return count


def queue_order_badges(*, order: Order) -> None:
    """Render the order's badges in the background once the current transaction commits."""
    order_id = order.pk
    transaction.on_commit(lambda: render_order_badges.enqueue(order_id))


def reissue_badge(
    *,
    ticket: Ticket,
    attendee_name: str | None = None,
    pronouns: str | None = None,
    user=None,
    by: str = MadeBy.BUYER,
) -> Ticket:
    """Give ``ticket`` a new secret (voiding the old one) and a fresh badge, with its name or pronouns
    changed when given (cleaned as every name is); audited as done by ``user`` (staff) or ``by`` (the
    buyer, from the order page). Raises BadgeError('name_needed', 'not_valid')."""
    if attendee_name is not None:
        attendee_name = clean_name(attendee_name)[:200]
        if not attendee_name:
            raise BadgeError("name_needed")
    if pronouns is not None:
        pronouns = clean_name(pronouns)[:40]
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status in (Ticket.Status.CANCELLED, Ticket.Status.REFUNDED):
            raise BadgeError("not_valid")
        RetiredSecret.objects.create(ticket=locked, secret=locked.secret)
        locked.secret = new_ticket_secret()
        old_name = locked.attendee_name
        if attendee_name is not None:
            locked.attendee_name = attendee_name
        if pronouns is not None:
            locked.pronouns = pronouns
        old_file = locked.badge_pdf.name
        locked.badge_pdf = ""
        locked.badge_rendered_at = None
        locked.badge_printed_at = None
        locked.save()
        audit.record(
            locked.order, "ticketing.ticket.reissued", user=user, by=by, ticket=locked.pk, name=locked.attendee_name
        )
        if locked.attendee_name != old_name:
            audit.record(locked.order, "ticketing.ticket.renamed", user=user, by=by, ticket=locked.pk,
                         old_name=old_name, new_name=locked.attendee_name)  # fmt: skip
        if old_file:
            storage = locked.badge_pdf.storage
            transaction.on_commit(lambda: storage.delete(old_file))
        if locked.status == Ticket.Status.VALID:
            queue_order_badges(order=locked.order)
    ticket.refresh_from_db()
    return ticket


def tickets_for_printing(*, festival, ticket_type_id: int | None = None, day: date | None = None, not_printed=False):
    """The valid tickets of an edition to print, filtered, sorted by name."""
    tickets = _tickets_for_badges().filter(ticket_type__festival=festival, status__in=PRINTABLE_STATUSES)
    if ticket_type_id:
        tickets = tickets.filter(ticket_type_id=ticket_type_id)
    if day is not None:
        tickets = tickets.filter(ticket_type__in=festival.ticket_types.admissible_on(day))
    if not_printed:
        tickets = tickets.filter(badge_printed_at__isnull=True)
    return tickets.order_by(Lower("attendee_name"), "pk")


def _mark_printed(tickets: list[Ticket], *, at) -> int:
    """Mark printed the tickets whose badge in the PDF is still their badge (same secret)."""
    # Matching on the secret, not the id: a badge reissued while the PDF was made carries
    # the old, voided secret, so its ticket still needs printing.
    codes = [t.secret for t in tickets]
    marked = 0
    for start in range(0, len(codes), 500):
        marked += Ticket.objects.filter(secret__in=codes[start : start + 500]).update(badge_printed_at=at)
    return marked


def render_bulk_pdf(*, tickets, layout: str = Layout.A6, mark_printed: bool = True) -> bytes:
    """Every given ticket's badge in one PDF (A6 pages or 4-up A4 with cut marks); marks them printed."""
    tickets = list(tickets)
    data = _render([_badge_context(t) for t in tickets], layout=layout)
    if mark_printed and tickets:
        with transaction.atomic():
            _mark_printed(tickets, at=timezone.now())
    return data


def request_print_job(
    *, festival, user, layout: str, ticket_type_id: int | None = None, day: date | None = None, not_printed=False
) -> BadgePrintJob:
    """Queue a bulk print of the matching badges for the task worker; raises BadgeError('nothing_to_print')."""
    filters = {"ticket_type_id": ticket_type_id, "day": day, "not_printed": not_printed}
    if not tickets_for_printing(festival=festival, **filters).exists():
        raise BadgeError("nothing_to_print")
    with transaction.atomic():
        job = BadgePrintJob.objects.create(festival=festival, requested_by=user, layout=layout, **filters)
        job_id = job.pk
        transaction.on_commit(lambda: render_print_job.enqueue(job_id))
    return job


@task()
def render_print_job(job_id: int) -> str:
    """Background task: make a print job's PDF; returns the job's status."""
    return run_print_job(job_id=job_id).status


def run_print_job(*, job_id: int) -> BadgePrintJob:
    """Render, store and finish a queued print job; raises nothing (a failure is the job's status).

    Only a job still queued is taken, so a job delivered twice renders once. Its badges are
    marked printed in the transaction that makes it ready, so a failed job marks none.
    """
    jobs = BadgePrintJob.objects.filter(pk=job_id)
    if not jobs.filter(status=BadgePrintJob.Status.QUEUED).update(
        status=BadgePrintJob.Status.RENDERING, started_at=timezone.now()
    ):
        return jobs.get()
    job = jobs.select_related("festival").get()
    try:
        tickets = list(
            tickets_for_printing(
                festival=job.festival, ticket_type_id=job.ticket_type_id, day=job.day, not_printed=job.not_printed
            )
        )
        if not tickets:
            return _fail_job(job, error_code="nothing_to_print")
        jobs.update(badge_count=len(tickets))  # so the job's page can say how many are on the way
        data = _render([_badge_context(t) for t in tickets], layout=job.layout)
        # A random file name: the PDF holds every badge's secret.
        job.pdf.save(f"{secrets.token_hex(16)}.pdf", ContentFile(data), save=False)
        with transaction.atomic():
            finished = timezone.now()
            if not jobs.filter(status=BadgePrintJob.Status.RENDERING).update(
                status=BadgePrintJob.Status.READY, pdf=job.pdf.name, finished_at=finished
            ):
                raise _GivenUp  # taken for stalled meanwhile: the organiser was told to print again
            _mark_printed(tickets, at=finished)
    except _GivenUp:
        job.pdf.storage.delete(job.pdf.name)
        return jobs.get()
    except Exception:
        logger.exception("Badge print job %s failed", job.pk)
        if job.pdf:
            job.pdf.storage.delete(job.pdf.name)
        return _fail_job(job, error_code="render_failed")
    return jobs.get()


class _GivenUp(Exception):
    """The job stopped being this worker's while it was being made."""


def give_up_stalled_job(job: BadgePrintJob, *, now: datetime | None = None) -> BadgePrintJob:
    """Fail a job still being made long after it started: its worker was stopped or restarted
    with it, and nothing else would ever finish it. Answers the job as it now is. Raises nothing."""
    now = now or timezone.now()
    if job.status == BadgePrintJob.Status.RENDERING and job.started_at and now - job.started_at > PRINT_JOB_STALLED:
        BadgePrintJob.objects.filter(pk=job.pk, status=BadgePrintJob.Status.RENDERING).update(
            status=BadgePrintJob.Status.FAILED, error_code="worker_stopped", finished_at=now
        )
        job.refresh_from_db()
    return job


def delete_old_print_pdfs(*, now: datetime | None = None) -> int:
    """Delete the PDFs of bulk prints made ``PRINT_PDF_KEPT_FOR`` ago or earlier; how many jobs lost theirs.

    The file goes first: a job that still says ready with its file gone answers "no longer
    stored", whereas a job marked deleted whose file failed to go would leave the secrets behind
    unseen. A file already gone counts as deleted. Raises nothing for a file that will not go:
    it is logged, and the job is tried again next time.
    """
    cutoff = (now or timezone.now()) - PRINT_PDF_KEPT_FOR
    old = BadgePrintJob.objects.filter(status=BadgePrintJob.Status.READY, finished_at__lte=cutoff)
    deleted = 0
    for job in old.only("pk", "pdf"):
        if job.pdf:
            try:
                job.pdf.storage.delete(job.pdf.name)
            except STORAGE_ERRORS:
                logger.exception("Could not delete the PDF of badge print job %s", job.pk)
                continue
        deleted += BadgePrintJob.objects.filter(pk=job.pk, status=BadgePrintJob.Status.READY).update(
            status=BadgePrintJob.Status.DELETED, pdf=""
        )
    return deleted


def _fail_job(job: BadgePrintJob, *, error_code: str) -> BadgePrintJob:
    BadgePrintJob.objects.filter(pk=job.pk, status=BadgePrintJob.Status.RENDERING).update(
        status=BadgePrintJob.Status.FAILED, error_code=error_code, finished_at=timezone.now()
    )
    return BadgePrintJob.objects.get(pk=job.pk)


def print_job_error(job: BadgePrintJob) -> str:
    """What went wrong with a failed job, in words."""
    return str(PRINT_ERRORS.get(job.error_code, PRINT_ERRORS["render_failed"]))
