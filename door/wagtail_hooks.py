"""Admin menu links to the organisers' door tools (bulk badge printing, double admissions, door devices)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from door.auth import MANAGE_PERMISSION


class ManageBadgesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_print_badges_menu_item():
    return ManageBadgesMenuItem(_("Print badges"), reverse("door:print_badges"), icon_name="doc-full", order=620)


@hooks.register("register_admin_menu_item")
def register_double_admissions_menu_item():
    return ManageBadgesMenuItem(
        _("Double admissions"), reverse("door:double_admissions"), icon_name="warning", order=621
    )


@hooks.register("register_admin_menu_item")
def register_door_devices_menu_item():
    return ManageBadgesMenuItem(_("Door devices"), reverse("door:devices"), icon_name="mobile-alt", order=622)
