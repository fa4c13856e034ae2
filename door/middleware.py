"""The check-in API's middleware: its Content-Security-Policy and body limit on every /door/api/
path (in the site's stack as well), and the whole chain the door's own WSGI application
(door.application) runs."""

from django.middleware.security import SecurityMiddleware
from django.urls import reverse

from door.views import MAX_SCAN_BODY, MAX_SYNC_BODY, NO_STORE, ApiRefusal, check_body_size


def api_body_limit(get_response):
    """A JSON 413 for a body over the API's limit (2 MB for the sync, 32 KB for every other path).

    In the site's middleware before the CSRF check, which reads a form's body, and in the door's
    application. Without it a body over DATA_UPLOAD_MAX_MEMORY_SIZE got Django's HTML 400, and a
    body sent with a GET was read by no one and answered as if it were not there.
    """
    api = reverse("door:page") + "api/"
    limits = {reverse("door:sync"): MAX_SYNC_BODY}

    def middleware(request):
        path = request.path_info
        if path.startswith(api):
            try:
                check_body_size(request, limits.get(path, MAX_SCAN_BODY))
            except ApiRefusal as refusal:
                response = refusal.response()
                response.headers["Cache-Control"] = NO_STORE
                return response
        return get_response(request)

    return middleware


# The API answers JSON, which no browser renders as a page (and nosniff is set), so the site's policy
# has nothing to guard here; this one says so in a constant header: nothing may load, nothing may frame.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def api_policy(get_response):
    """The API's Content-Security-Policy on every /door/api/ answer, refusals and errors included.

    Set before the site's CSP middleware sees the answer, so both stacks send the same header.
    """
    api = reverse("door:page") + "api/"

    def middleware(request):
        response = get_response(request)
        if request.path_info.startswith(api):
            response.headers["Content-Security-Policy"] = API_POLICY
        return response

    return middleware


def allowed_host_only(get_response):
    """Refuse a Host not in ALLOWED_HOSTS (400), as the site's CommonMiddleware does on every other path."""

    def middleware(request):
        request.get_host()  # raises DisallowedHost, which Django answers with 400
        return get_response(request)

    return middleware


# The door application's chain, outermost first, in the order the site's MIDDLEWARE runs them:
# the API's CSP (outermost, so every refusal carries it), the HTTPS redirect and security headers,
# the Host check, the body limit. Sessions, CSRF,
# sign-in, messages, static files and the page cache do nothing for a bearer-token JSON API.
DOOR_API_MIDDLEWARE = [api_policy, SecurityMiddleware, allowed_host_only, api_body_limit]
