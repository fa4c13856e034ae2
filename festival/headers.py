"""Headers every response carries that Django does not set itself. Imports no app."""

from django.conf import settings


def permissions_policy(get_response):
    """Middleware: the site's Permissions-Policy on every response that has none of its own (the door
    page and the badge page set their own, which let them use the camera)."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def policy_allowing(*features: str) -> str:
    """The site's policy with ``features`` (e.g. "camera") allowed on this site's own pages."""
    parts = [
        f"{name}=(self)" if name in features else f"{name}={allowed}"
        for name, allowed in (part.split("=", 1) for part in settings.PERMISSIONS_POLICY.split(", "))
    ]
    return ", ".join(parts)
