"""An attendee's own ticket page, behind its secret link: their badge, their name and pronouns
(corrected as on the order page: the badge is reissued), and their access needs. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from festival.files import private_file_response
from ticketing.access_needs import NEEDS
from ticketing.badge_views import rename_from_form
from ticketing.forms import AccessNeedsForm
from ticketing.models import Ticket
from ticketing.services import attendees, badges
from ticketing.services.errors import ShopError


def _ticket(token: str) -> Ticket:
    ticket = attendees.ticket_by_token(token)
    if ticket is None:
        raise Http404
    return ticket


def _private(response: HttpResponse) -> HttpResponse:
    # The address holds the ticket's secret: as on the order page, no other site is sent it.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _needs_initial(ticket: Ticket) -> dict:
    kept = attendees.access_needs_of(ticket)
    if kept is None:
        return {}
    initial = {name: getattr(kept, name) for name, _label in NEEDS}
    initial.update(dietary=kept.dietary, other=kept.other, consent=True)
    return initial


@require_http_methods(["GET", "POST"])
def ticket_page(request, token):
    """The ticket's page; a POST saves the access needs (consent needed to keep any)."""
    ticket = _ticket(token)
    status = 200
    if request.method == "POST":
        form = AccessNeedsForm(request.POST, auto_id="needs-%s")
        if form.is_valid():
            try:
                kept = attendees.update_access_needs(ticket=ticket, needs=form.needs())
            except ShopError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Thank you: we've saved your access needs.") if kept else _("We hold no access needs for you."),
                )
                return redirect("ticketing:ticket", token=token)
        status = 400
    else:
        form = AccessNeedsForm(initial=_needs_initial(ticket), auto_id="needs-%s")
    context = {"page": ticket.order.festival, "ticket": ticket, "festival": ticket.order.festival, "needs_form": form,
               "checkboxes": [form[name] for name, _label in NEEDS]}  # fmt: skip
    return _private(render(request, "ticketing/ticket.html", context, status=status))


@require_GET
def ticket_badge(request, token):
    """The attendee's badge PDF (rendered once now if the worker has not got to it yet)."""
    ticket = _ticket(token)
    if ticket.status != Ticket.Status.VALID:
        raise Http404
    response = private_file_response(
        badges.stored_badge(ticket=ticket), filename=badges.badge_filename(ticket), default="badge"
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def ticket_rename(request, token):
    """Correct the name or pronouns: the badge is reissued and the old one stops working."""
    rename_from_form(
        request, _ticket(token), _("Your badge is reissued for %(name)s. The old badge no longer works at the door.")
    )
    return redirect("ticketing:ticket", token=token)
