"""Export endpoints with stable URLs beside the pages they export: ``<page url>schedule.json`` and so on."""

import json

from django.http import Http404, HttpResponse
from wagtail import hooks
from wagtail.models import Page, Site

from festival.downloads import attachment
from festival.models import FestivalPage
from programme.caching import cached_response
from programme.exports.frab import build_schedule, schedule_xml
from programme.exports.ical import calendar_for
from programme.filters import parse_ids
from programme.models import TIME_ORDER, ProgrammePage, SessionPage
from speakers.models import SpeakerPage
from speakers.privacy import visible_from

EXPORTS = {
    ProgrammePage: {"schedule.json", "schedule.xml", "calendar.ics", "starred.ics"},
    SessionPage: {"calendar.ics"},
    SpeakerPage: {"calendar.ics"},
}
ICAL = "text/calendar; charset=utf-8"


def export(request, path: str, name: str):
    """One export of a live programme, session or speaker page; 404 for anything else.

    The page's view restrictions apply to its exports, as Wagtail applies them to the page.
    """
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    page = Page.objects.live().filter(url_path=site.root_page.url_path + path).specific().first()
    if page is None or name not in EXPORTS.get(type(page), set()):
        raise Http404
    return _serve_with_page_hooks(
        page,
        request,
        lambda page, request, args, kwargs: cached_response(request, page, lambda: _render(request, page, name)),
    )


def _serve_with_page_hooks(page, request, serve) -> HttpResponse:
    """Run ``serve`` through Wagtail's page-serving hooks, as ``wagtail.views.serve`` does for the page itself.

    So a password, sign-in or groups restriction on the page or an ancestor answers an export with
    Wagtail's password form or a redirect to sign in, and the request method is checked.
    """
    chain = serve
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, (), {})
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, (), {})


def _render(request, page, name: str) -> HttpResponse:
    if isinstance(page, ProgrammePage):
        festival = page.festival
        if name in ("schedule.json", "schedule.xml"):
            schedule = build_schedule(
                programme=page,
                sessions=_whole_programme(page, request),
                programme_url=page.get_full_url(request),
            )
            if name == "schedule.json":
                body = json.dumps(schedule, ensure_ascii=False, separators=(",", ":"))
                response = HttpResponse(body, content_type="application/json; charset=utf-8")
            else:
                response = HttpResponse(schedule_xml(schedule), content_type="application/xml; charset=utf-8")
            response["Access-Control-Allow-Origin"] = "*"
            return response
        if name == "starred.ics":
            ids = parse_ids(request.GET.get("sessions", ""))
            sessions = _among(page, ids, seen_from=page).listed(request=request, for_export=True)
            title = f"{festival.title}: my programme"
            return _ical(calendar_for(festival=festival, sessions=sessions, name=title), "my-programme.ics")
        sessions = _whole_programme(page, request)
        return _ical(
            calendar_for(festival=festival, sessions=sessions, name=festival.title), f"{festival.slug}-programme.ics"
        )
    festival = _festival_of(page)
    if isinstance(page, SessionPage):
        programme = ProgrammePage.objects.ancestor_of(page).first()
        sessions = _among(programme, [page.pk], seen_from=page).listed(request=request, for_export=True)
    else:
        sessions = SessionPage.objects.of_speaker(page).listed(request=request, for_export=True)
    return _ical(calendar_for(festival=festival, sessions=sessions, name=page.title), f"{page.slug}.ics")


def _among(programme, ids: list[int], *, seen_from):
    """The live sessions of ``programme`` among ``ids`` (a starred list, or one session), in time order.

    ``seen_from`` is the page whose export this is (the programme, or the one session), whose
    restrictions the request has passed."""
    queryset = SessionPage.objects.live().child_of(programme).filter(pk__in=ids[:500], start__isnull=False)
    return visible_from(queryset, seen_from).order_by("start", "pk")


def _whole_programme(programme, request):
    queryset = SessionPage.objects.in_programme(programme).timed().order_by(*TIME_ORDER)
    return queryset.listed(request=request, for_export=True)


def _festival_of(page):
    return FestivalPage.objects.ancestor_of(page).first()


def _ical(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICAL)
    response["Content-Disposition"] = attachment(filename, default="calendar")
    return response
