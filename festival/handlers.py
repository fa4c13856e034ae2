"""The site's WSGI application: Django's handler, with the door's bearer-token API on a lean one.

The door's check-in API (the views wrapped in ``door.views.door_api``) authenticates each
request by its own bearer token, is exempt from CSRF and answers JSON. Sessions, CSRF,
sign-in, messages, static files, redirects and the programme cache do nothing for it, yet
at the door's rate of scans their cost is a good part of every scan. So its exact paths go
to a second Django handler whose only middleware is the security middleware, the Host
check and the API's body limit; every other path, the door page and its session-authenticated token included, goes
through the full stack as before. The scan path itself, the busiest of all, has its own
plain WSGI endpoint (``door.scan_endpoint``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "festival.handlers.allowed_host_only",
    "door.middleware.api_body_limit",  # a JSON 413 for a body over the API's limit, as in the site's middleware
]


def allowed_host_only(get_response):
    """Refuse a Host not in ALLOWED_HOSTS (400), as the site's CommonMiddleware does for every other path."""

    def middleware(request):
        request.get_host()  # raises DisallowedHost, which Django answers with 400
        return get_response(request)

    return middleware


class BearerApiHandler(WSGIHandler):
    """Django's WSGI handler with only ``API_MIDDLEWARE`` around the views, for a fixed set of paths.

    Each path is resolved once, here: the API's routes have no parameters, so the match
    never changes, and walking the URLconf (the door's routes sit five levels deep, behind
    the admin's and the shop's) is a good part of a scan's cost.
    """

    def __init__(self, paths: frozenset[str]):
        self.matches = {path: get_resolver().resolve(path) for path in paths}
        super().__init__()

    def resolve_request(self, request):
        match = self.matches.get(request.path_info)
        if match is None:  # only the listed paths are sent here; anything else resolves as usual
            return super().resolve_request(request)
        request.resolver_match = match
        return match

    def load_middleware(self, is_async=False):
        # Django's loader reads the middleware from settings; it runs once, at start-up.
        site_middleware = settings.MIDDLEWARE
        settings.MIDDLEWARE = API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site_middleware


def bearer_api_paths(resolver: URLResolver | None = None, prefix: str = "/") -> frozenset[str]:
    """Every fixed path whose view is marked ``bearer_api`` (by ``door.views.door_api``)."""
    paths = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if "<" not in route and "^" not in route:
                paths |= bearer_api_paths(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "bearer_api", False):
            if "<" in route or "^" in route:
                raise ValueError(f"a bearer API route must be a fixed path: {route!r}")
            paths.add(prefix + route)
    return frozenset(paths)


def get_application():
    """The WSGI callable: the scan path to its own endpoint, the rest of the bearer API to the lean
    handler, everything else to Django's."""
    site = get_wsgi_application()  # sets Django up
    from door.scan_endpoint import ScanEndpoint  # imports models: only once Django is set up

    api_paths = bearer_api_paths()
    api = BearerApiHandler(api_paths)
    handlers = dict.fromkeys(api_paths, api)
    handlers[reverse("door:scan")] = ScanEndpoint()  # the busiest path at a festival (door.scan_endpoint)

    def application(environ, start_response):
        return handlers.get(environ.get("PATH_INFO"), site)(environ, start_response)

    return application
