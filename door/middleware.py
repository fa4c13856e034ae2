"""The check-in API's body limits, on every /door/api/ path and before anything reads a body."""

from django.urls import reverse

from door.views import MAX_SCAN_BODY, MAX_SYNC_BODY, NO_STORE, ApiRefusal, check_body_size


def api_body_limit(get_response):
    """A JSON 413 for a body over the API's limit (2 MB for the sync, 32 KB for every other path).

    In the site's middleware before the CSRF check, which reads a form's body, and in the lean
    handler's (festival.handlers); door.scan_endpoint makes the same check itself. Without it a
    body over DATA_UPLOAD_MAX_MEMORY_SIZE got Django's HTML 400, and a body sent with a GET was read
    by no one and answered as if it were not there.
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
