"""The call for proposals in the Wagtail admin: the call as a snippet per edition (its questions and
criteria inline), and the review and decision pages (``admin_views``) under one menu item."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from proposals import admin_views
from proposals.models import Call

TIMES = ("opens_at", "closes_at")


class CallAdminForm(WagtailAdminModelForm):
    """Takes and shows the call's opening and closing in its edition's time zone, whatever the server's
    or the organiser's: the wall-clock time typed is read in the chosen edition's zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        edition = self.instance.edition if self.instance.edition_id else None
        for name in TIMES:
            if name not in self.fields:
                continue
            if edition is None:
                self.fields[name].help_text = _("In the chosen edition's time zone.")
                continue
            self.fields[name].help_text = _("In the edition's time zone, %(zone)s.") % {"zone": edition.time_zone}
            value = getattr(self.instance, name)
            if value is not None:
                self.initial[name] = timezone.localtime(value, edition.tz).replace(tzinfo=None)

    def clean(self):
        cleaned_data = super().clean()
        edition = cleaned_data.get("edition")
        if edition is not None:
            for name in TIMES:
                value = cleaned_data.get(name)
                if value is not None:  # read in the current zone; the same wall-clock time in the edition's
                    cleaned_data[name] = timezone.make_aware(timezone.make_naive(value), edition.tz)
        return cleaned_data


class CallViewSet(SnippetViewSet):
    model = Call
    edit_handler = ObjectList(Call.panels, base_form_class=CallAdminForm)
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
