"""Signed-in people without admin access get 403 from the Wagtail admin, and a limited role (the
access team) gets its own pages only.

Wagtail sends them back to its sign-in page instead (a 302), which to door staff looks
like a broken sign-in rather than "not for you". The sign-in, sign-out and password
pages stay open to everyone.
"""

from functools import cache

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import resolve, reverse

from festival.roles import LIMITED_ROLES, ROLE_PERMISSIONS

ADMIN_ACCESS = "wagtailadmin.access_admin"
OPEN_VIEWS = {"wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_sprite", "wagtailadmin_javascript_catalog"}
# The pages of each limited role, with the permissions that make a user one of them.
LIMITED = [(frozenset(ROLE_PERMISSIONS[role]), views) for role, views in LIMITED_ROLES.items()]


def limited_views(user) -> list[str] | None:
    """The admin pages ``user`` is confined to, when all their permissions are a limited role's; else None."""
    if user.is_superuser:
        return None
    held = user.get_all_permissions()  # cached on the user for the request
    for permissions, views in LIMITED:
        if held and held <= permissions:
            return views
    return None


@cache
def _admin_route() -> str:
    return resolve(reverse("wagtailadmin_home")).route


class AdminAccessMiddleware:
    """403 for an authenticated user without ``wagtailadmin.access_admin`` anywhere in the Wagtail admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        # Only admin URLs touch request.user: the door's API stays free of session queries.
        if match is None or not match.route.startswith(_admin_route()):
            return None
        name = match.url_name or ""
        if name in OPEN_VIEWS or name.startswith("wagtailadmin_password_reset"):
            return None
        if request.user.is_authenticated and not request.user.has_perm(ADMIN_ACCESS):
            raise PermissionDenied
        views = limited_views(request.user) if request.user.is_authenticated else None
        if views is not None and name not in views and not name.startswith("wagtailadmin_account"):
            if name == "wagtailadmin_home":
                return HttpResponseRedirect(reverse(views[0]))
            raise PermissionDenied
        return None
