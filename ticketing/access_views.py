"""The access team's page in the Wagtail admin: for one edition, how many attendees have each access
need, and who they are with how to reach them. Nothing else is shown to the access team
(``festival.admin_access`` confines them to this page), and no other role sees it."""

from __future__ import annotations

from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from festival.editions import current_festival
from festival.models import FestivalPage
from ticketing.access_needs import VIEW_ACCESS_NEEDS_PERMISSION
from ticketing.services import attendees


class EditionForm(forms.Form):
    edition = forms.ModelChoiceField(
        queryset=FestivalPage.objects.order_by("-start_date"), label=gettext_lazy("Edition"), empty_label=None
    )


def forbidden(request) -> TemplateResponse:
    """A 403 page (Wagtail would redirect to the dashboard, which looks like success)."""
    return TemplateResponse(request, "ticketing/admin/forbidden.html", {"page_title": _("Not allowed")}, status=403)


@require_GET
def access_needs(request):
    if not request.user.has_perm(VIEW_ACCESS_NEEDS_PERMISSION):
        return forbidden(request)
    form = EditionForm(request.GET if "edition" in request.GET else None,
                       initial={"edition": current_festival()})  # fmt: skip
    festival = form.cleaned_data["edition"] if form.is_bound and form.is_valid() else current_festival()
    report = attendees.access_needs_report(festival) if festival is not None else None
    context = {"page_title": _("Access needs"), "form": form, "festival": festival, "report": report}
    response = TemplateResponse(request, "ticketing/admin/access_needs.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
