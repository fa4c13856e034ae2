"""Reports in the Wagtail admin: the exports page and its menu item, and the admin home's dashboard."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from festival.editions import current_festival
from reports import panels, views
from reports.models import EXPORT_SALES


class ExportsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(EXPORT_SALES)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/exports/", views.export_view, name="reports_exports"),
        path("reports/not-arrived/", views.not_arrived_view, name="reports_not_arrived"),
    ]


@hooks.register("register_admin_menu_item")
def register_exports_menu_item():
    return ExportsMenuItem(_("Exports"), reverse("reports_exports"), icon_name="download", order=260)


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panel_list):
    if any(request.user.has_perm(panel.permission) for panel in panels.PANELS):
        panel_list.extend(panels.panels_for(request.user, current_festival()))
