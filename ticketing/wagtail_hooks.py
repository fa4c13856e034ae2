"""The shop in the Wagtail admin: its viewsets (``ticketing.viewsets``), the box office's actions
(``ticketing.admin_views``), a menu item to issue complimentary tickets, and the audit trail's actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from festival.models import FestivalPage
from ticketing import access_views, admin_views, audit, postponement_views, privacy_views
from ticketing.access_needs import MANAGE_PERSONAL_DATA_PERMISSION, VIEW_ACCESS_NEEDS_PERMISSION
from ticketing.services.postponement import POSTPONED_ACTION
from ticketing.viewsets import ADD_ORDER, TicketingGroup


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    audit.register(actions)
    actions.register_action(POSTPONED_ACTION, _("Postpone"), _("Edition postponed to new dates"))


@hooks.register("register_admin_viewset")
def register_ticketing_viewsets():
    return TicketingGroup()


@hooks.register("register_ticketing_menu_item")
def register_complimentary_menu_item():
    return PermissionMenuItem(_("Issue complimentary tickets"), reverse("ticketing_complimentary"), icon_name="plus",
                              order=900, permission=ADD_ORDER)  # fmt: skip


@hooks.register("register_admin_urls")
def register_box_office_urls():
    return admin_views.urlpatterns + postponement_views.urlpatterns


@hooks.register("register_admin_urls")
def register_access_and_privacy_urls():
    return [
        path("access-needs/", access_views.access_needs, name="ticketing_access_needs"),
        path("personal-data/", privacy_views.person, name="ticketing_personal_data"),
        path("personal-data/editions/<int:pk>/anonymise/", privacy_views.anonymise, name="ticketing_anonymise_edition"),
    ]


@hooks.register("register_admin_menu_item")
def register_access_needs_menu_item():
    return PermissionMenuItem(_("Access needs"), reverse("ticketing_access_needs"), icon_name="user", order=290,
                              permission=VIEW_ACCESS_NEEDS_PERMISSION)  # fmt: skip


@hooks.register("register_admin_menu_item")
def register_personal_data_menu_item():
    return PermissionMenuItem(_("Personal data"), reverse("ticketing_personal_data"), icon_name="lock", order=295,
                              permission=MANAGE_PERSONAL_DATA_PERMISSION)  # fmt: skip


@hooks.register("register_page_header_buttons")
def postpone_button(page, user, view_name, next_url=None):
    """On an edition's pages in the admin, for organisers: postpone it."""
    if isinstance(page.specific_deferred, FestivalPage) and user.has_perm(postponement_views.POSTPONE):
        yield Button(_("Postpone"), reverse("festival_postpone", args=[page.pk]), icon_name="date", priority=80)
