"""Which edition a page is about: the current one, the one a block names, or (staff pages) ``?edition=<id>``."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from festival.models import FestivalPage


def current_festival() -> FestivalPage | None:
    """The edition on today, else the next one, else the latest."""
    today = timezone.localdate()
    live = FestivalPage.objects.live()
    return (
        live.filter(start_date__lte=today, end_date__gte=today).order_by("start_date").first()
        or live.filter(start_date__gt=today).order_by("start_date").first()
        or live.order_by("-end_date").first()
    )


def edition_for(page, *, chosen=None) -> FestivalPage | None:
    """The edition a block on ``page`` is about: ``chosen`` if live, else ``page``'s own (the page itself or its
    ancestor), else the current one."""
    if chosen is not None:
        return chosen.specific if chosen.live else None
    if isinstance(page, FestivalPage):
        return page
    if page is not None and getattr(page, "path", None):
        own = FestivalPage.objects.ancestor_of(page).first()
        if own is not None:
            return own
    return current_festival()


def requested_edition(request) -> FestivalPage:
    """The edition named by ``?edition=<id>``, else the current one; 404 for a malformed or unknown id."""
    raw = request.GET.get("edition", "")
    if not raw:
        festival = current_festival()
    elif raw.isascii() and raw.isdigit() and len(raw) <= 18:  # "²" is a digit to isdigit() but not to int()
        festival = FestivalPage.objects.filter(pk=int(raw)).first()
    else:
        festival = None
    if festival is None:
        raise Http404(_("There is no such festival edition.") if raw else _("There is no festival edition yet."))
    return festival
