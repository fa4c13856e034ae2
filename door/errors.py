"""The door's domain errors: a scan that cannot be decided, and an API request turned away.

Both are ``festival.errors.DomainError``: a stable ``code`` (what the JSON answer's ``error``
says and tests check) and words looked up in this area's message table.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from festival.errors import DomainError

CHECK_IN_MESSAGES = {
    "bad_door": _("Say which door this is (up to 60 characters)."),
    "bad_nonce": _("Each scan needs a nonce of up to 64 printable characters."),
    "bad_shown_result": _("Say what the door showed for each offline scan."),
    "too_old": _("This scan is more than 24 hours old, so it was not recorded."),
    "nonce_reused": _("This scan's nonce was already used for another code."),
    "nothing_to_undo": _("There is no admission of yours to undo."),
    "taken_over": _(
        "An earlier scan made offline at another door now holds this admission: only whoever scanned it can undo it."
    ),
    "bad_ticket": _("A ticket must be given by its number."),
    "bad_time": _("An offline scan needs its time, with a time zone."),
}

API_MESSAGES = {
    "unauthenticated": _("Sign in at the door page to get a fresh token."),
    "unknown_edition": _("This festival edition no longer exists."),
    "too_large": _("That request is too large."),
    "bad_json": _("Send a JSON object."),
    "not_found": _("There is no such door API path."),
    "device_revoked": _("This device was signed out of the door. Sign in again to scan."),
    "too_many_requests": _("Too many requests from this device. Wait a minute, then scan again."),
}

DEVICE_MESSAGES = {
    "device_revoked": API_MESSAGES["device_revoked"],
    "no_such_device": _("There is no such door device."),
}


class CheckInError(DomainError):
    """A scan (or an undo) that cannot be decided at all; the API answers it with 400 or 409."""

    messages = CHECK_IN_MESSAGES


class ApiRefusal(DomainError):
    """A check-in API request turned away before any scan is decided: its HTTP ``status`` and any
    extra ``headers`` beside the code."""

    messages = API_MESSAGES

    def __init__(self, code: str, *, status: int, headers: dict | None = None):
        super().__init__(code)
        self.status, self.headers = status, headers or {}

    def payload(self) -> dict:
        return {"error": self.code, "message": self.message}

    def response(self) -> JsonResponse:
        response = JsonResponse(self.payload(), status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


class DeviceError(DomainError):
    """A door device that cannot be given a token or revoked."""

    messages = DEVICE_MESSAGES
