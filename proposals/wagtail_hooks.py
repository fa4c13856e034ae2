"""The call for proposals in the Wagtail admin: the call as a snippet per edition (its questions and
criteria inline), and the review and decision pages (``admin_views``) under one menu item."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from proposals import admin_views
from proposals.models import Call


class CallViewSet(SnippetViewSet):
    model = Call
    icon = "doc-full-inverse"
    menu_label = _("Calls for proposals")
    list_display = ["__str__", "opens_at", "closes_at", "max_per_person", "anonymised_review"]


register_snippet(CallViewSet)


class ProposalsMenuItem(MenuItem):
    def is_shown(self, request):
        return any(request.user.has_perm(p) for p in (admin_views.REVIEW, admin_views.DECIDE))


@hooks.register("register_admin_urls")
def register_proposal_urls():
    return admin_views.urlpatterns


@hooks.register("register_admin_menu_item")
def register_proposals_menu_item():
    return ProposalsMenuItem(_("Proposals"), reverse("proposals_index"), icon_name="doc-full", order=265)
