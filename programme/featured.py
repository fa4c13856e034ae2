"""What the festival's page blocks show from the programme: featured sessions and "happening now".

Each reads a fixed number of queries however many sessions it shows (``listed()`` is two).
"""

from datetime import datetime, timedelta

from django.utils import timezone

from programme.listing import ListedSession
from programme.models import TIME_ORDER, ProgrammePage, SessionPage
from speakers.privacy import visible_from

HAPPENING_NOW_HORIZON = timedelta(hours=2)
HAPPENING_NOW_MAX = 3


def programme_of(edition) -> ProgrammePage | None:
    """The edition's live programme page, or None."""
    if edition is None:
        return None
    return ProgrammePage.objects.child_of(edition).live().first()


def featured_sessions(
    *, edition, chosen: list, count: int, seen_from, request, now: datetime | None = None
) -> list[ListedSession]:
    """The ``chosen`` sessions that are live and visible from ``seen_from`` (the page showing them), in the
    editor's order; none chosen, the edition's next ``count`` sessions not cancelled (or its first, once over)."""
    if chosen:
        ids = [page.pk for page in chosen if page is not None]
        queryset = SessionPage.objects.live().filter(pk__in=ids, start__isnull=False)
        if seen_from is not None and getattr(seen_from, "path", None):
            queryset = visible_from(queryset, seen_from)
        by_pk = {session.pk: session for session in queryset.listed(request=request)}
        return [by_pk[pk] for pk in dict.fromkeys(ids) if pk in by_pk]
    programme = programme_of(edition)
    if programme is None:
        return []
    timed = SessionPage.objects.in_programme(programme).timed().filter(cancelled=False).order_by(*TIME_ORDER)
    upcoming = timed.filter(end__gt=now or timezone.now())[:count].listed(request=request)
    return upcoming or timed[:count].listed(request=request)


def happening_now(*, edition, request, now: datetime | None = None) -> dict | None:
    """While ``edition`` is on (its dates, in its time zone): its programme and the sessions on now and starting
    soon (at most ``HAPPENING_NOW_MAX`` each); otherwise None."""
    if edition is None:
        return None
    now = now or timezone.now()
    if not edition.start_date <= timezone.localtime(now, edition.tz).date() <= edition.end_date:
        return None
    programme = programme_of(edition)
    if programme is None:
        return None
    around = programme.sessions_around(now, horizon=HAPPENING_NOW_HORIZON, request=request)
    return {
        "programme": programme,
        "now_url": (programme.get_url(request=request) or "") + programme.reverse_subpage("now_and_next"),
        "at": now,
        "on_now": around["on_now"][:HAPPENING_NOW_MAX],
        "coming_up": around["coming_up"][:HAPPENING_NOW_MAX],
    }
