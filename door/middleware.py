"""The check-in API's middleware: the body limit on every /door/api/ path (in the site's stack as
well), and the whole chain the door's own WSGI application (door.application) runs."""

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


def allowed_host_only(get_response):
    """Refuse a Host not in ALLOWED_HOSTS (400), as the site's CommonMiddleware does on every other path."""

    def middleware(request):
        request.get_host()  # raises DisallowedHost, which Django answers with 400
        return get_response(request)

    return middleware


# The door application's chain, outermost first, in the order the site's MIDDLEWARE runs them:
# the HTTPS redirect and security headers, the Host check, the body limit. Sessions, CSRF,
# sign-in, messages, static files and the page cache do nothing for a bearer-token JSON API.
DOOR_API_MIDDLEWARE = [SecurityMiddleware, allowed_host_only, api_body_limit]
