"""The shop in the Wagtail admin: its viewsets (``ticketing.viewsets``), the box office's actions
(``ticketing.admin_views``), a menu item to issue complimentary tickets, and the audit trail's actions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ticketing import admin_views, audit
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


@hooks.register("register_admin_viewset")
def register_ticketing_viewsets():
    return TicketingGroup()


@hooks.register("register_ticketing_menu_item")
def register_complimentary_menu_item():
    return PermissionMenuItem(_("Issue complimentary tickets"), reverse("ticketing_complimentary"), icon_name="plus",
                              order=900, permission=ADD_ORDER)  # fmt: skip


@hooks.register("register_admin_urls")
def register_box_office_urls():
    return admin_views.urlpatterns
