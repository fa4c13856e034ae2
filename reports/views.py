"""The exports page in the Wagtail admin: pick an edition, a dataset and a format, and download."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from festival.editions import current_festival
from festival.models import FestivalPage
from reports import exports, figures
from reports.models import EXPORT_SALES, VIEW_ARRIVALS


class ExportForm(forms.Form):
    edition = forms.ModelChoiceField(
        queryset=FestivalPage.objects.order_by("-start_date"), label=_("Edition"), empty_label=None
    )
    dataset = forms.ChoiceField(
        choices=[(key, d.label) for key, d in exports.DATASETS.items()],
        widget=forms.RadioSelect,
        label=_("What to download"),
    )
    file_format = forms.ChoiceField(
        choices=[("xlsx", _("Excel workbook (XLSX)")), ("csv", _("Comma-separated values (CSV)"))],
        widget=forms.RadioSelect,
        label=_("Format"),
        initial="xlsx",
    )


def refuse(request) -> TemplateResponse:
    """A 403 page in the admin. (Wagtail turns PermissionDenied in its admin views into a redirect
    to the admin home, a 302 that looks like success to a script.)"""
    return TemplateResponse(request, "festival/not_for_your_role.html", status=403)


def export_view(request):
    """The form; with a dataset chosen, the file. 403 for anyone who may not export."""
    if not request.user.has_perm(EXPORT_SALES):
        return refuse(request)
    if "dataset" in request.GET:
        form = ExportForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            file = exports.export(festival=data["edition"], dataset=data["dataset"], file_format=data["file_format"])
            response = HttpResponse(file.content, content_type=file.content_type)
            response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
            return response
    else:
        form = ExportForm(initial={"edition": current_festival(), "dataset": "orders"})
    return TemplateResponse(request, "reports/exports.html", {"form": form})


def not_arrived_view(request):
    """Today's sold tickets of the current edition not admitted yet, a page at a time."""
    if not request.user.has_perm(VIEW_ARRIVALS):
        return refuse(request)
    festival = current_festival()
    if festival is None:
        raise Http404
    today = timezone.localdate(timezone=festival.tz)
    tickets = (
        figures.not_arrived(festival, today).select_related("ticket_type", "order").order_by("attendee_name", "pk")
    )
    page = Paginator(tickets, 100).get_page(request.GET.get("p"))
    return TemplateResponse(request, "reports/not_arrived.html", {"festival": festival, "today": today, "page": page})
