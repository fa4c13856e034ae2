"""Organisers' personal-data pages in the Wagtail admin: everything held about one person (by email,
downloaded as JSON), and anonymising an edition's attendees once it is over, after a confirmation.
Thin views over ``ticketing.services.personal_data``; 403 for anyone without the permission."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from festival.downloads import attachment
from festival.models import FestivalPage
from ticketing.access_needs import MANAGE_PERSONAL_DATA_PERMISSION
from ticketing.access_views import forbidden
from ticketing.services import personal_data
from ticketing.services.errors import ShopError


class PersonForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Give the person's email address."),
            "invalid": gettext_lazy("Enter an email address like name@example.org."),
        },
    )


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def person(request):
    """Look a person up by email: what is held, and a JSON download of all of it."""
    if not request.user.has_perm(MANAGE_PERSONAL_DATA_PERMISSION):
        return forbidden(request)
    form = PersonForm(request.POST if request.method == "POST" else None)
    editions_over = [f for f in FestivalPage.objects.order_by("-end_date") if personal_data.is_over(f)]
    context = {"page_title": _("Personal data"), "form": form, "result": None, "editions_over": editions_over}
    if form.is_bound and form.is_valid():
        data = personal_data.person_data(email=form.cleaned_data["email"])
        if "download" in request.POST:
            body = json.dumps(data, indent=2, ensure_ascii=False)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            stamp = timezone.now().strftime("%Y%m%d")
            response["Content-Disposition"] = attachment(f"personal-data-{stamp}.json", default="personal-data")
            return _private(response)
        context["result"] = {key: len(data[key]) for key in ("orders", "tickets", "emails", "waiting_list")}
        context["found"] = data["found"]
        context["email"] = data["email"]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return _private(TemplateResponse(request, "ticketing/admin/personal_data.html", context, status=status))


@require_http_methods(["GET", "POST"])
def anonymise(request, pk):
    """Say what anonymising the edition removes and keeps; the POST with ``confirm`` does it."""
    if not request.user.has_perm(MANAGE_PERSONAL_DATA_PERMISSION):
        return forbidden(request)
    festival = get_object_or_404(FestivalPage, pk=pk)
    context = {"page_title": _("Anonymise %(title)s's attendees") % {"title": festival.title}, "festival": festival,
               "back": reverse("ticketing_personal_data")}  # fmt: skip
    if not personal_data.is_over(festival):
        context["error"] = ShopError("edition_not_over", title=festival.title,
                                     end=festival.end_date.strftime("%-d %B %Y")).message  # fmt: skip
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "ticketing/admin/anonymise.html", context, status=status)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        try:
            counts = personal_data.anonymise_edition(festival=festival, user=request.user)
        except ShopError as exc:
            context["error"] = exc.message
            return TemplateResponse(request, "ticketing/admin/anonymise.html", context, status=400)
        messages.success(
            request,
            _("%(title)s's attendees are anonymised: %(orders)s orders and %(tickets)s tickets.")
            % {"title": festival.title, "orders": counts["orders"], "tickets": counts["tickets"]},
        )
        return HttpResponseRedirect(reverse("ticketing_personal_data"))
    return TemplateResponse(request, "ticketing/admin/anonymise.html", context)
