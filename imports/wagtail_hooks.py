"""Imports in the Wagtail admin: its pages and a menu item for those whose role includes an import."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from imports import views
from imports.services.run import KINDS


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        return any(request.user.has_perm(spec.permission) for spec in KINDS.values())


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("imports/", views.index_view, name="imports_index"),
        path("imports/<slug:kind>/", views.upload_view, name="imports_upload"),
        path("imports/<slug:kind>/confirm/", views.confirm_view, name="imports_confirm"),
    ]


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    return ImportsMenuItem(_("Imports"), reverse("imports_index"), icon_name="upload", order=270)
