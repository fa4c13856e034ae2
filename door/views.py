"""The door: the scanner page, its JSON check-in API, the offline door list, and the organisers'
double-admission list. Views stay thin; decisions live in door.checkin and door.lists.

The bearer-token API views (``door_api``) are served twice: here, through the site's full
stack (door.urls), and by the door's own WSGI application (door.application) in production."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from door import checkin as checkin_service
from door import devices, lists
from door.admission import festival_day
from door.auth import (
    MANAGE_PERMISSION,
    SCAN_PERMISSION,
    DoorAuth,
    authenticate_header,
    festival_by_id,
    issue_token,
)
from door.devices import TOKEN_MAX_AGE, summarise_user_agent
from door.errors import ApiRefusal, CheckInError, DeviceError
from festival.editions import requested_edition
from festival.headers import policy_allowing
from festival.models import FestivalPage

NO_STORE = "no-store, private"
MAX_SCAN_BODY = 32 * 1024  # the body of every check-in API call but the sync
MAX_SYNC_BODY = 2 * 1024 * 1024
MAX_SYNC_SCANS = 500
MAX_ID = 2**63 - 1  # the largest primary key a database column holds
ASSETS = ["css/site.css", "door/door.css", "door/door.js", "vendor/jsqr/jsQR.js"]


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def identify(authorization: str) -> tuple[DoorAuth, FestivalPage]:
    """The door identity and edition of an ``Authorization`` header; raises ApiRefusal (401 unauthenticated
    or device_revoked, 403 unknown_edition, 429 too_many_requests)."""
    auth = authenticate_header(authorization)
    if auth is None:
        raise ApiRefusal("unauthenticated", status=401, headers={"WWW-Authenticate": 'Bearer realm="door"'})
    if devices.is_revoked(auth.device_id):
        raise ApiRefusal(
            "device_revoked", status=401, headers={"WWW-Authenticate": 'Bearer realm="door", error="invalid_token"'}
        )
    if not devices.within_rate(auth.device_id):
        raise ApiRefusal("too_many_requests", status=429, headers={"Retry-After": str(devices.rate_window())})
    festival = festival_by_id(auth.festival_id)
    if festival is None:
        raise ApiRefusal("unknown_edition", status=403)
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

    wrapped.bearer_api = True  # door.application serves it without the site's middleware
    return csrf_exempt(wrapped)


def _too_large() -> ApiRefusal:
    return ApiRefusal("too_large", status=413)


def check_body_size(request, limit: int) -> None:
    """Refuse a body declared larger than ``limit`` before anything reads it; raises ApiRefusal (413).

    Also one larger than Django reads at all (DATA_UPLOAD_MAX_MEMORY_SIZE): reading it would raise
    RequestDataTooBig, which Django answers with an HTML 400. Used for every /door/api/ path, by
    by ``door.middleware.api_body_limit``.
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
        raise ApiRefusal("bad_json", status=400)
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
        raise CheckInError("bad_ticket")
    code = data.get("code", "")
    if not isinstance(code, str):
        code = ""
    nonce = data.get("nonce")
    checkin_service.check_nonce(nonce)  # before the time, so a scan bad in both ways is told of its nonce
    scanned_at = None
    if offline:
        scanned_at = _parse_time(data.get("scanned_at"))
        if scanned_at is None:
            raise CheckInError("bad_time")
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
    """The scan API's answer to a request body, as (HTTP status, JSON payload); raises ApiRefusal."""
    data = parse_json(body, MAX_SCAN_BODY)
    try:
        return 200, _scan(auth, festival, data)
    except CheckInError as error:
        return 409 if error.code == "nonce_reused" else 400, {"error": error.code, "message": error.message}


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
            answers.append({"error": error.code, "message": error.message, "nonce": item.get("nonce")})
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
        return _error(error.code, error.message, 409)
    return JsonResponse({"undone": check_in_id, "message": _("Admission undone.")})


@require_GET
@door_api
def stats(request, auth, festival):
    """Arrivals today per door and in total, against tickets valid today."""
    day = festival_day(festival, timezone.now())
    return JsonResponse(lists.door_counts(festival=festival, day=day))


@require_GET
@door_api
def search(request, auth, festival):
    """Tickets by attendee name or order code, for a lost badge."""
    tickets = lists.search_tickets(festival=festival, query=request.GET.get("q", ""))
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
                    "hash": lists.secret_hash(t.secret),  # its key in the offline door list
                    "in_today": t.in_today,
                    "refused": t.refused,
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
    data = lists.door_list(festival=festival, since=since)
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


@never_cache
@scan_permission_required
def door_page(request):
    """The scanner page for door staff; a device an organiser revoked is signed out instead."""
    festival = requested_edition(request)
    try:
        token = _device_token(request, festival)
    except DeviceError:
        logout(request)
        return redirect_to_login(request.get_full_path(), login_url=reverse("door:login"))
    edition = f"?edition={festival.pk}"
    config = {
        "festival": festival.pk,
        "timeZone": festival.time_zone,
        "token": token,
        "urls": {
            name: reverse(f"door:{name}") + (edition if name == "token" else "")
            for name in ("scan", "sync", "undo", "stats", "search", "list", "token", "service_worker", "login")
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
            "inToday": _("In today"),
            "refused": _("Can't come in: refunded or cancelled"),
            "unpaid": _("Can't come in: not paid"),
            "cameraUnavailable": _("The camera is not available here. Use a badge scanner or type the code."),
            "cameraOn": _("Point the camera at the QR code."),
            "camera": _("Camera"),
            "stopCamera": _("Stop camera"),
            "signingOut": _("Signing out and clearing this device…"),
            "mainGate": _("Main gate"),
        },
    }
    response = render(
        request,
        "door/door.html",
        {"festival": festival, "door_config": config, "can_manage": request.user.has_perm(MANAGE_PERMISSION)},
    )
    response["Permissions-Policy"] = policy_allowing("camera")  # the scanner's camera, on this page only
    return response


@never_cache
@require_GET
@scan_permission_required
def token(request):
    """A fresh bearer token for the door page (session-authenticated); 401 once the device was revoked."""
    try:
        return JsonResponse({"token": _device_token(request, requested_edition(request))})
    except DeviceError as error:
        logout(request)
        return _error(error.code, error.message, 401)


DEVICE_SESSION_KEY = "door_device"


def _device_token(request, festival) -> str:
    """A token for this browser's door device (registered on its first token); raises DeviceError when
    it was revoked. The session ends with the token's lifetime at the latest (``_limit_session``)."""
    device = devices.register_device(
        user=request.user,
        festival=festival,
        device_id=request.session.get(DEVICE_SESSION_KEY),
        label=summarise_user_agent(request.META.get("HTTP_USER_AGENT", "")),
    )
    request.session[DEVICE_SESSION_KEY] = device.pk
    _limit_session(request)
    return issue_token(user=request.user, festival=festival, device=device)


def _limit_session(request) -> None:
    """A session that opened the door page ends at the latest 16 hours later (a token's life, one long
    festival day), not after the site's 14 days: a door device left behind is signed out by the next
    morning. Never lengthened by later visits."""
    until = timezone.now() + timedelta(seconds=TOKEN_MAX_AGE)
    if request.session.get_expiry_date() > until:
        request.session.set_expiry(until)


@require_POST
def sign_out(request):
    """Sign this door device out: its tokens are refused from now on and the session ends. (The page
    has already cleared its caches, service worker and door list.)"""
    if request.user.is_authenticated:
        devices.sign_out_device(user=request.user, device_id=request.session.get(DEVICE_SESSION_KEY))
    logout(request)
    response = redirect("door:login")
    response["Cache-Control"] = NO_STORE
    return response


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
    festival = requested_edition(request)
    rows = lists.double_admissions(festival=festival)
    return render(request, "door/double_admissions.html", {"festival": festival, "rows": rows})
