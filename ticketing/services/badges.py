"""Badge PDFs: one per ticket, stored once rendered; bulk sheets for organisers; reissues.

A badge shows the attendee's name, pronouns, ticket type and days, the order code and a
QR code that holds only the ticket's secret. Rendering is WeasyPrint from
``templates/ticketing/badge.html``; the stylesheet, fonts and site branding are loaded
once per process, so a bulk sheet of a thousand badges is one document, not a thousand.
"""

from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import qrcode
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from ticketing.codes import new_ticket_secret
from ticketing.models import Order, RetiredSecret, Ticket

PRINTABLE_STATUSES = (Ticket.Status.VALID,)
NAME_BOX_PT = 263  # the name's line width: 93 mm in points
NAME_MAX_PT = 30
NAME_MIN_PT = 11

# WeasyPrint logs every rendering step at INFO; a bulk sheet would flood the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class BadgeError(Exception):
    """A badge operation refused, with a stable ``code``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Layout:
    A6 = "a6"  # one badge per A6 page
    A4 = "a4"  # four A6 badges on an A4 sheet with cut marks


@dataclass(frozen=True)
class Brand:
    site_name: str
    primary_colour: str
    accent_colour: str


@lru_cache(maxsize=1)
def _stylesheet():
    """The badge stylesheet, parsed once per process."""
    from pathlib import Path

    from weasyprint import CSS

    css = (Path(settings.BASE_DIR) / "templates" / "ticketing" / "badge.css").read_text()
    return CSS(string=css, font_config=_font_config())


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _brand() -> Brand:
    from wagtail.models import Site

    from festival.models import FestivalSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return Brand("Festival of Resistance", "#b0172b", "#f5c518")
    festival_settings = FestivalSettings.for_site(site)
    return Brand(festival_settings.site_name, festival_settings.primary_colour, festival_settings.accent_colour)


QR_SCHEME = "qr:"


def qr_png(secret: str) -> bytes:
    """A PNG of a QR code holding only ``secret``, one pixel per module."""
    # A 28-character secret always fits version 2 at level M (alphanumeric mode). Fixing the
    # version and mask skips qrcode's trial of all eight masks: a third of the time per badge.
    fits = len(secret) <= 38 and secret.isalnum() and secret.isupper()
    code = qrcode.QRCode(
        version=2 if fits else None,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=1,
        border=4,
        mask_pattern=4 if fits else None,
    )
    code.add_data(secret)
    code.make(fit=not fits)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _fetcher():
    """WeasyPrint's URL fetcher for badges: draws ``qr:SECRET`` itself and fetches nothing else.

    Drawing the QR code here, rather than passing a data: URI, skips WeasyPrint's
    MIME-header parsing of each image, which costs more than drawing the code.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PngResponse(URLFetcherResponse):
        content_type = "image/png"
        charset = None

    class BadgeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(QR_SCHEME):
                return PngResponse(url, qr_png(url[len(QR_SCHEME) :]))
            raise ValueError("badges fetch nothing from outside")

    return BadgeFetcher()


def name_size(name: str) -> float:
    """The name's font size in points: large for short names, smaller until it fits two lines."""
    # A bold sans character is about 0.6 em wide on average; lines never break evenly, so
    # two lines hold somewhat less than twice one line.
    longest_word = max((len(word) for word in name.split()), default=1)
    size = min(NAME_MAX_PT, NAME_BOX_PT / (0.62 * max(longest_word, 1)), 1.7 * NAME_BOX_PT / (0.62 * max(len(name), 1)))
    return round(max(NAME_MIN_PT, size), 1)


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
        "name_size": name_size(ticket.attendee_name),
        "pronouns": ticket.pronouns,
        "ticket_type": ticket_type.name,
        "days": days_label(ticket_type, festival),
        "qr": QR_SCHEME + ticket.secret,
        "order_code": ticket.order.code,
        "festival_title": festival.title,
        "festival_dates": _date_range(festival.start_date, festival.end_date),
        "venue": festival.venue_name,
    }


def _render(badges: list[dict], *, layout: str) -> bytes:
    from weasyprint import HTML

    per_sheet = 4 if layout == Layout.A4 else 1
    sheets = [badges[i : i + per_sheet] for i in range(0, len(badges), per_sheet)]
    html = render_to_string(
        "ticketing/badge.html",
        {"badges": badges, "sheets": sheets, "layout": layout, "brand": _brand()},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher()).write_pdf(
        stylesheets=[_stylesheet()], font_config=_font_config(), pdf_tags=True
    )


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
    safe = "".join(c if c.isalnum() else "-" for c in ticket.attendee_name).strip("-")[:40] or "badge"
    return f"badge-{ticket.order.code}-{safe}.pdf"


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


def reissue_badge(*, ticket: Ticket, attendee_name: str | None = None, pronouns: str | None = None) -> Ticket:
    """Give ``ticket`` a new secret (voiding the old one) and a fresh badge; raises BadgeError('not_valid')."""
    attendee_name = (attendee_name or "").strip() or None
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status in (Ticket.Status.CANCELLED, Ticket.Status.REFUNDED):
            raise BadgeError("not_valid", _("This ticket was cancelled or refunded, so it has no badge."))
        RetiredSecret.objects.create(ticket=locked, secret=locked.secret)
        locked.secret = new_ticket_secret()
        if attendee_name is not None:
            locked.attendee_name = attendee_name[:200]
        if pronouns is not None:
            locked.pronouns = pronouns.strip()[:40]
        old_file = locked.badge_pdf.name
        locked.badge_pdf = ""
        locked.badge_rendered_at = None
        locked.badge_printed_at = None
        locked.save()
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
        admitting = [tt.pk for tt in festival.ticket_types.all() if tt.admits_on(day)]
        tickets = tickets.filter(ticket_type_id__in=admitting)
    if not_printed:
        tickets = tickets.filter(badge_printed_at__isnull=True)
    return tickets.order_by(Lower("attendee_name"), "pk")


def render_bulk_pdf(*, tickets, layout: str = Layout.A6, mark_printed: bool = True) -> bytes:
    """Every given ticket's badge in one PDF (A6 pages or 4-up A4 with cut marks); marks them printed."""
    tickets = list(tickets)
    pdf = _render([_badge_context(t) for t in tickets], layout=layout)
    if mark_printed and tickets:
        with transaction.atomic():
            Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(badge_printed_at=timezone.now())
    return pdf
