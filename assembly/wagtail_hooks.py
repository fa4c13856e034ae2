"""The assembly in the admin: motions windows, motions, amendments, delegates, votes and agendas as
snippets grouped under "Assembly", and the chair's pages (``admin_views``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Agenda, Amendment, Delegate, Motion, MotionsWindow, Vote


class MotionsWindowViewSet(SnippetViewSet):
    model = MotionsWindow
    icon = "time"
    list_display = ["festival", "opens_at", "closes_at", "members"]


class MotionViewSet(SnippetViewSet):
    model = Motion
    icon = "doc-full"
    list_display = ["title", "festival", "proposer_name", "status"]
    list_filter = ["festival", "status"]
    search_fields = ["title", "text"]


class AmendmentViewSet(SnippetViewSet):
    model = Amendment
    icon = "edit"
    list_display = ["motion", "proposer_name", "status", "created_at"]


class DelegateViewSet(SnippetViewSet):
    model = Delegate
    icon = "group"
    list_display = ["group_name", "festival", "ticket", "weight"]
    list_filter = ["festival"]


class VoteViewSet(SnippetViewSet):
    model = Vote
    icon = "tasks"
    list_display = ["title", "festival", "mode", "method", "status", "turnout"]
    list_filter = ["festival", "status"]


class AgendaViewSet(SnippetViewSet):
    model = Agenda
    icon = "list-ol"
    list_display = ["title", "festival", "starts_at"]


class AssemblySnippets(SnippetViewSetGroup):
    menu_label = _("Assembly")
    menu_icon = "tasks"
    menu_order = 260
    items = (MotionsWindowViewSet, MotionViewSet, AmendmentViewSet, DelegateViewSet, VoteViewSet, AgendaViewSet)


register_snippet(AssemblySnippets)


@hooks.register("register_admin_urls")
def register_chair_urls():
    return admin_views.urlpatterns


class ChairMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.CHAIR)


@hooks.register("register_admin_menu_item")
def register_chair_menu_item():
    return ChairMenuItem(_("Chair a vote"), reverse("assembly_chair_index"), icon_name="tasks", order=261)
