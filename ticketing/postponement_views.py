"""Postponing an edition in the Wagtail admin: organisers only, a form, then a page that says what is about
to happen, then ``services.postponement.postpone``. Bad dates come back as errors on their fields, and
nothing changes."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from festival.models import FestivalPage, Postponement
from ticketing.services import postponement

POSTPONE = "festival.postpone_edition"


class PostponeForm(forms.Form):
    new_start_date = forms.DateField(
        label=gettext_lazy("New first day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    new_end_date = forms.DateField(label=gettext_lazy("New last day"), widget=forms.DateInput(attrs={"type": "date"}))
    refund_deadline = forms.DateField(
        label=gettext_lazy("Refunds open until"),
        help_text=gettext_lazy(
            "Ticket holders can have their money back on their order page until the end of this day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    programme = forms.ChoiceField(
        label=gettext_lazy("The programme"),
        choices=Postponement.Programme.choices,
        initial=Postponement.Programme.SHIFT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, festival: FestivalPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.festival = festival

    def clean(self):
        data = super().clean()
        if not self.errors:
            for field, message in postponement.problems(
                festival=self.festival,
                new_start=data["new_start_date"],
                new_end=data["new_end_date"],
                refund_deadline=data["refund_deadline"],
                now=timezone.now(),
            ).items():
                self.add_error(None if field == "__all__" else field, message)
        return data


@require_http_methods(["GET", "POST"])
def postpone_edition(request, pk):
    if not request.user.has_perm(POSTPONE):
        context = {"page_title": _("Not allowed")}
        return TemplateResponse(request, "ticketing/admin/forbidden.html", context, status=403)
    festival = get_object_or_404(FestivalPage, pk=pk)
    form = PostponeForm(request.POST or None, festival=festival)
    step = request.POST.get("step", "")
    context = {"page_title": _("Postpone %(title)s") % {"title": festival.title}, "festival": festival, "form": form,
               "edit_url": reverse("wagtailadmin_pages:edit", args=[festival.pk])}  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if step != "confirm":
            context |= {
                "confirming": True,
                "new_dates": postponement.dates_text(data["new_start_date"], data["new_end_date"]),
                "old_dates": postponement.dates_text(festival.start_date, festival.end_date),
                "holders": postponement.ticket_holders(festival).count(),
                "days": (data["new_start_date"] - festival.start_date).days,
            }
            return TemplateResponse(request, "ticketing/admin/postpone.html", context)
        try:
            postponement.postpone(
                festival=festival,
                new_start=data["new_start_date"],
                new_end=data["new_end_date"],
                refund_deadline=data["refund_deadline"],
                programme=data["programme"],
                user=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(None if field == "__all__" else field, messages_)
            return TemplateResponse(request, "ticketing/admin/postpone.html", context, status=400)
        messages.success(request, _("%(title)s is postponed and every ticket holder is being emailed.") % {
            "title": festival.title})  # fmt: skip
        return HttpResponseRedirect(context["edit_url"])
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "ticketing/admin/postpone.html", context, status=status)


urlpatterns = [path("festival/editions/<int:pk>/postpone/", postpone_edition, name="festival_postpone")]
