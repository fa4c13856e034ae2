"""The check-in API's scan path as a plain WSGI application, for the busiest door.

Every badge scanned is one small JSON request to ``/door/api/scan/``. Under load (16
scanners, gunicorn at 2 workers, 2 cores) Django's request machinery around the view
(the request signals' dispatch, the middleware chain, URL resolving, the view's
decorators, ``JsonResponse`` and the security middleware's header work) took about a fifth
of each scan's CPU: interleaved runs gave 1,395-1,498 unknown codes a second through
Django's handler against 1,773-1,927 through this one.

This application answers that one path and keeps what the path needs of Django, using
Django's own parts for it:
- the request is Django's ``WSGIRequest``, so ``ALLOWED_HOSTS`` (400) and the proxy's HTTPS
  header behave as on every other path, and the API's body limit (a JSON 413) is the one
  ``door.middleware`` holds the other paths to;
- the HTTPS redirect is asked of Django's ``SecurityMiddleware``, and its response headers
  (HSTS, nosniff, referrer and opener policies) are the ones it sets, worked out once per
  scheme at start-up;
- Django's request signals are sent, so database connections are closed when too old or
  broken, as everywhere else;
- an unexpected error goes through Django's own exception handling: logged to
  ``django.request`` and answered with the site's 500.

The answer itself comes from ``door.views.scan_answer``, which the Django view
``door.views.scan`` also uses (the test client reaches that one); the tests compare them.
"""

from __future__ import annotations

import io
import json
from http import HTTPStatus

from django.core import signals
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix

from door.views import MAX_SCAN_BODY, NO_STORE, ApiRefusal, check_body_size, identify, scan_answer

JSON = ("Content-Type", "application/json")


class ScanEndpoint:
    """``POST /door/api/scan/`` (and nothing else) as a WSGI callable."""

    def __init__(self):
        # Settings are read now, as Django's handler reads its middleware's at start-up.
        self.security = SecurityMiddleware(lambda request: None)
        self.security_headers = {secure: self._security_headers(secure) for secure in (False, True)}

    def _security_headers(self, secure: bool) -> list[tuple[str, str]]:
        """The headers SecurityMiddleware adds to an answer over HTTP or HTTPS."""
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": io.BytesIO()}
        request = WSGIRequest({**environ, "wsgi.url_scheme": "https" if secure else "http"})
        blank = HttpResponse()
        before = set(blank.headers)
        self.security.process_response(request, blank)
        return [(name, value) for name, value in blank.items() if name not in before]

    def __call__(self, environ, start_response):
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            request = WSGIRequest(environ)
            try:
                status, headers, body = self._answer(request)
            except Exception as exc:  # as Django's handler: logged, and the site's error page
                status, headers, body = _parts(response_for_exception(request, exc))
            headers += self.security_headers[request.is_secure()]
        finally:
            signals.request_finished.send(sender=self.__class__)
        headers += [("Cache-Control", NO_STORE), ("Content-Length", str(len(body)))]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]

    def _answer(self, request) -> tuple[int, list, bytes]:
        """In the order of the full stack: HTTPS redirect, host check, body size, method, then the view."""
        redirect = self.security.process_request(request)
        if redirect is not None:
            return _parts(redirect)
        request.get_host()  # raises DisallowedHost: 400
        try:
            check_body_size(request, MAX_SCAN_BODY)  # as door.middleware.api_body_limit
        except ApiRefusal as refusal:
            return refusal.status, [JSON], json.dumps(refusal.payload()).encode()
        if request.method != "POST":
            return 405, [("Allow", "POST")], b""  # as require_POST
        try:
            # request.META, not request.headers, which copies every header
            auth, festival = identify(request.META.get("HTTP_AUTHORIZATION", ""))
            status, payload = scan_answer(auth, festival, request.body)
            headers = [JSON]
        except ApiRefusal as refusal:
            status, payload, headers = refusal.status, refusal.payload(), [JSON, *refusal.headers.items()]
        return status, headers, json.dumps(payload).encode()


def _parts(response: HttpResponse) -> tuple[int, list, bytes]:
    return response.status_code, list(response.items()), response.content
