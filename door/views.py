"""The door: the scanner page, its JSON check-in API, the offline door list, and the
organisers' bulk badge printing and double-admission list. Views stay thin; decisions
live in ticketing.services.checkin and ticketing.services.badges."""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import date, datetime, timedelta
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from door.auth import (
    MANAGE_PERMISSION,
    SCAN_PERMISSION,
    DoorAuth,
    authenticate_header,
    festival_by_id,
    issue_token,
)
from festival.downloads import attachment
from festival.models import FestivalPage
from ticketing.models import BadgePrintJob
from ticketing.services import badges
from ticketing.services import checkin as checkin_service
from ticketing.services.checkin import CheckInError

NO_STORE = "no-store, private"
MAX_SCAN_BODY = 32 * 1024  # the body of every check-in API call but the sync
MAX_SYNC_BODY = 2 * 1024 * 1024
MAX_SYNC_SCANS = 500
MAX_ID = 2**63 - 1  # the largest primary key a database column holds
ASSETS = ["css/site.css", "door/door.css", "door/door.js", "vendor/jsqr/jsQR.js"]


def current_festival() -> FestivalPage | None:
    """The edition on today, else the next one, else the latest."""
    today = timezone.localdate()
    live = FestivalPage.objects.live()
    return (
        live.filter(start_date__lte=today, end_date__gte=today).order_by("start_date").first()
        or live.filter(start_date__gt=today).order_by("start_date").first()
        or live.order_by("-end_date").first()
    )


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


class ApiRefusal(Exception):
    """A check-in API request turned away: its HTTP status, stable code, message and any extra headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}

    def payload(self) -> dict:
        return {"error": self.code, "message": str(self)}

    def response(self) -> JsonResponse:
        response = JsonResponse(self.payload(), status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def identify(authorization: str) -> tuple[DoorAuth, FestivalPage]:
    """The door identity and edition of an ``Authorization`` header; raises ApiRefusal (401, 403)."""
    auth = authenticate_header(authorization)
    if auth is None:
        raise ApiRefusal(
            401,
            "unauthenticated",
            _("Sign in at the door page to get a fresh token."),
            {"WWW-Authenticate": 'Bearer realm="door"'},
        )
    festival = festival_by_id(auth.festival_id)
    if festival is None:
        raise ApiRefusal(403, "unknown_edition", _("This festival edition no longer exists."))
    return auth, festival


def door_api(view):
    """Bearer-token authentication for the check-in API: 401 without a valid token; no answer is stored.

    ``Cache-Control: no-store`` is set directly, not with ``never_cache``: that parses and
    rebuilds the header and formats an ``Expires`` date, a tenth of a scan's own cost, and
    every cache that could hold these answers (browsers, proxies, the door's service
    worker, which passes the API by) honours ``no-store``.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            # request.META, not request.headers, which copies every header
            auth, festival = identify(request.META.get("HTTP_AUTHORIZATION", ""))
            response = view(request, auth, festival, *args, **kwargs)
        except ApiRefusal as refusal:
            response = refusal.response()
        response.headers["Cache-Control"] = NO_STORE
        return response

    wrapped.bearer_api = True  # festival.handlers serves it without the session middleware
    return csrf_exempt(wrapped)


def _too_large() -> ApiRefusal:
    return ApiRefusal(413, "too_large", _("That request is too large."))


def check_body_size(request, limit: int) -> None:
    """Refuse a body declared larger than ``limit`` before anything reads it; raises ApiRefusal (413).

    Also one larger than Django reads at all (DATA_UPLOAD_MAX_MEMORY_SIZE): reading it would raise
    RequestDataTooBig, which Django answers with an HTML 400. Used for every /door/api/ path, by
    ``door.middleware.api_body_limit`` and by ``door.scan_endpoint``.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # as Django's request: a length it cannot read is no body
        declared = 0
    django_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if declared > limit or (django_limit is not None and declared > django_limit):
        raise _too_large()


def parse_json(body: bytes, limit: int) -> dict:
    """A request body that must be a JSON object of at most ``limit`` bytes; raises ApiRefusal (413, 400)."""
    if len(body) > limit:
        raise _too_large()
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deeply
        data = None
    if not isinstance(data, dict):
        raise ApiRefusal(400, "bad_json", _("Send a JSON object."))
    return data


def _is_id(value) -> bool:
    """Whether a JSON value can be a primary key (not a bool, not beyond what the database holds)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _parse_time(raw) -> datetime | None:
    """An ISO 8601 time with a time zone, or None (for nonsense and for impossible dates alike)."""
    try:
        moment = parse_datetime(raw[:40]) if isinstance(raw, str) else None
    except ValueError:  # well formed but impossible, such as 30 February
        return None
    return None if moment is None or timezone.is_naive(moment) else moment


def _scan(auth, festival, data: dict, *, offline: bool = False) -> dict:
    ticket_id = data.get("ticket")
    if ticket_id is not None and not _is_id(ticket_id):
        raise CheckInError("bad_ticket", _("A ticket must be given by its number."))
    code = data.get("code", "")
    if not isinstance(code, str):
        code = ""
    nonce = data.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise CheckInError("bad_nonce", _("Each scan needs a nonce of up to 64 printable characters."))
    scanned_at = None
    if offline:
        scanned_at = _parse_time(data.get("scanned_at"))
        if scanned_at is None:
            raise CheckInError("bad_time", _("An offline scan needs its time, with a time zone."))
    outcome = checkin_service.check_in(
        festival=festival,
        staff_id=auth.user_id,
        door=data.get("door") if isinstance(data.get("door"), str) else "",
        nonce=nonce,
        code=code,
        ticket_id=ticket_id,
        scanned_at=scanned_at,
        offline=offline,
        shown_result=data.get("shown_result") if isinstance(data.get("shown_result"), str) else "",
    )
    return outcome.as_dict()


def scan_answer(auth: DoorAuth, festival: FestivalPage, body: bytes) -> tuple[int, dict]:
    """The scan API's answer to a request body, as (HTTP status, JSON payload); raises ApiRefusal.

    Shared by the view below and by door.scan_endpoint, which serves the same path in production.
    """
    data = parse_json(body, MAX_SCAN_BODY)
    try:
        return 200, _scan(auth, festival, data)
    except CheckInError as error:
        return 409 if error.code == "nonce_reused" else 400, {"error": error.code, "message": str(error)}


@require_POST
@door_api
def scan(request, auth, festival):
    """Decide one scan: {code or ticket, door, nonce} → {result, message, ticket, previous}."""
    status, payload = scan_answer(auth, festival, request.body)
    return JsonResponse(payload, status=status)


@require_POST
@door_api
def sync(request, auth, festival):
    """Upload scans made offline, with their original times and nonces; one answer per scan."""
    data = parse_json(request.body, MAX_SYNC_BODY)
    scans = data.get("scans")
    if not isinstance(scans, list) or len(scans) > MAX_SYNC_SCANS:
        return _error("bad_scans", _("Send up to 500 scans as a list."), 400)
    answers = []
    for item in scans:
        if not isinstance(item, dict):
            answers.append({"error": "bad_scan", "nonce": None})
            continue
        try:
            answers.append({**_scan(auth, festival, item, offline=True), "nonce": item.get("nonce")})
        except CheckInError as error:
            answers.append({"error": error.code, "message": str(error), "nonce": item.get("nonce")})
    return JsonResponse({"results": answers})


@require_POST
@door_api
def undo(request, auth, festival):
    """Undo this staff member's admission (the last one, as the page sends it)."""
    data = parse_json(request.body, MAX_SCAN_BODY)
    check_in_id = data.get("check_in")
    if not _is_id(check_in_id):
        return _error("bad_check_in", _("Say which admission to undo."), 400)
    try:
        checkin_service.undo_admission(festival=festival, staff_id=auth.user_id, check_in_id=check_in_id)
    except CheckInError as error:
        return _error(error.code, str(error), 409)
    return JsonResponse({"undone": check_in_id, "message": _("Admission undone.")})


@require_GET
@door_api
def stats(request, auth, festival):
    """Arrivals today per door and in total, against tickets valid today."""
    day = checkin_service.festival_day(festival, timezone.now())
    return JsonResponse(checkin_service.door_counts(festival=festival, day=day))


@require_GET
@door_api
def search(request, auth, festival):
    """Tickets by attendee name or order code, for a lost badge."""
    tickets = checkin_service.search_tickets(festival=festival, query=request.GET.get("q", ""))
    return JsonResponse(
        {
            "tickets": [
                {
                    "id": t.pk,
                    "name": t.attendee_name,
                    "pronouns": t.pronouns,
                    "ticket_type": t.ticket_type.name,
                    "order": t.order.code,
                    "status": t.get_status_display(),
                    "hash": checkin_service.secret_hash(t.secret),  # its key in the offline door list
                }
                for t in tickets
            ]
        }
    )


@require_GET
@door_api
def door_list(request, auth, festival):
    """The offline door list, or the changes since ``?since=`` (the previous answer's cursor)."""
    since = None
    raw = request.GET.get("since")
    if raw:
        since = _parse_time(raw)
        if since is None:
            return _error("bad_since", _("Give the cursor from the previous door list."), 400)
    data = checkin_service.door_list(festival=festival, since=since)
    return HttpResponse(json.dumps(data, separators=(",", ":")), content_type="application/json")


def scan_permission_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(SCAN_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped, login_url="door:login")


def manage_permission_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped, login_url="door:login")


def _edition(request) -> FestivalPage:
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


@never_cache
@scan_permission_required
def door_page(request):
    """The scanner page for door staff."""
    festival = _edition(request)
    edition = f"?edition={festival.pk}"
    config = {
        "festival": festival.pk,
        "timeZone": festival.time_zone,
        "token": issue_token(user=request.user, festival=festival),
        "urls": {
            name: reverse(f"door:{name}") + (edition if name == "token" else "")
            for name in ("scan", "sync", "undo", "stats", "search", "list", "token", "service_worker")
        },
        "scope": reverse("door:page"),
        "jsqr": static("vendor/jsqr/jsQR.js"),
        "titles": {value: str(label) for value, label in checkin_service.MESSAGES.items()},
        "text": {
            "online": _("Online"),
            "offline": _("Offline: deciding from this device's door list"),
            "ready": _("Ready to scan"),
            "empty": _("Type or scan a code first."),
            "undone": _("Admission undone"),
            "error": _("Not checked: scan again"),
            "replaced": _("This badge was replaced by a newer one. Ask for the new badge or search by name."),
            "otherEdition": _("This badge is for another festival edition."),
            "previous": _("Checked in at %(at)s, %(door)s, by %(by)s."),
            "previousOffline": _("Already in today, says this device's door list."),
            "searchOffline": _("Search needs the network. Try again when you are back online."),
            "noneFound": _("No tickets found."),
            "found": _("Tickets found: %(count)s"),
            "checkIn": _("Check in"),
            "cameraUnavailable": _("The camera is not available here. Use a badge scanner or type the code."),
            "cameraOn": _("Point the camera at the QR code."),
            "camera": _("Camera"),
            "stopCamera": _("Stop camera"),
        },
    }
    return render(
        request,
        "door/door.html",
        {"festival": festival, "door_config": config, "can_manage": request.user.has_perm(MANAGE_PERMISSION)},
    )


@never_cache
@require_GET
@scan_permission_required
def token(request):
    """A fresh bearer token for the door page (session-authenticated)."""
    return JsonResponse({"token": issue_token(user=request.user, festival=_edition(request))})


def _asset_version() -> str:
    digest = hashlib.sha256()
    for name in [*ASSETS, "../templates/door/door.html", "../templates/door/sw.js"]:
        path = Path(settings.BASE_DIR) / "static" / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """The door page's service worker, served under /door/ so its scope covers the page."""
    response = render(
        request,
        "door/sw.js",
        {"version": _asset_version(), "assets": json.dumps([static(a) for a in ASSETS])},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/door/"
    return response


@never_cache
@manage_permission_required
def double_admissions(request):
    """Scans where a door let someone in who had already got in that day (offline doors)."""
    festival = _edition(request)
    rows = checkin_service.double_admissions(festival=festival)
    return render(request, "door/double_admissions.html", {"festival": festival, "rows": rows})


RECENT_PRINT_JOBS = 10
PRINT_JOB_SLOW = timedelta(minutes=3)  # a print job pending this long says the worker may be stuck


@never_cache
@require_http_methods(["GET", "POST"])
@manage_permission_required
def print_badges(request):
    """Organisers: ask the worker for every badge of an edition, or a filtered set, in one PDF."""
    festival = _edition(request)
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
        "door/print_badges.html",
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
@manage_permission_required
def print_job(request, job_id):
    """One bulk print: waiting, being made, ready to download, or what went wrong."""
    badges.delete_old_print_pdfs()
    job = badges.give_up_stalled_job(_print_job(job_id))
    size = None
    if job.status == BadgePrintJob.Status.READY and job.pdf:
        with contextlib.suppress(OSError):  # gone from storage: the download says so
            size = job.pdf.size
    return render(
        request,
        "door/print_job.html",
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
@manage_permission_required
def print_job_pdf(request, job_id):
    """The PDF of a finished bulk print."""
    job = _print_job(job_id)
    if job.status != BadgePrintJob.Status.READY or not job.pdf:
        raise Http404(_("This PDF is not ready."))
    try:
        handle = job.pdf.open("rb")
    except FileNotFoundError:
        raise Http404(_("This PDF is no longer stored. Please print the badges again."))
    stamp = timezone.localtime(job.finished_at).strftime("%Y%m%d-%H%M")
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"badges-{job.festival.slug}-{stamp}.pdf", default="badges")
    response["Cache-Control"] = "private, no-store"
    return response
