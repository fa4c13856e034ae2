"""The order page's badge actions: download a badge, correct a name (reissues the badge),
and add the festival to a calendar. The order's secret link is the only key."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from festival.downloads import attachment
from festival.files import private_file_response
from ticketing.forms import BadgeNameForm
from ticketing.models import Order, Ticket
from ticketing.services import badges


def _ticket(token: str, ticket_id: int) -> Ticket:
    if not token or len(token) > 64:
        raise Http404
    return get_object_or_404(
        Ticket.objects.select_related("order", "ticket_type__festival"), pk=ticket_id, order__access_token=token
    )


@require_GET
def badge_download(request, token, ticket_id):
    """The stored badge PDF (rendered once now if the worker has not got to it yet)."""
    ticket = _ticket(token, ticket_id)
    if ticket.status != Ticket.Status.VALID:
        raise Http404
    return private_file_response(badges.stored_badge(ticket=ticket), filename=badges.badge_filename(ticket),
                                 default="badge")  # fmt: skip


@require_POST
def badge_rename(request, token, ticket_id):
    """Correct the attendee's name or pronouns: the badge is reissued and the old one stops working."""
    ticket = rename_from_form(
        request,
        _ticket(token, ticket_id),
        _("Badge reissued for %(name)s. The old badge no longer works at the door."),
    )
    return redirect("ticketing:order", token=ticket.order.access_token)


def rename_from_form(request, ticket: Ticket, success: str) -> Ticket:
    """Reissue ``ticket``'s badge under the posted name and pronouns (``BadgeNameForm``), saying how it
    went as a message (``success`` names the attendee as %(name)s); the ticket as it now is."""
    form = BadgeNameForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return ticket
    try:
        ticket = badges.reissue_badge(ticket=ticket, **form.cleaned_data)
    except badges.BadgeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success % {"name": ticket.attendee_name})
    return ticket


@require_GET
def festival_calendar(request, token):
    """The festival as an iCalendar event, for "add to my calendar"."""
    if not token or len(token) > 64:
        raise Http404
    order = get_object_or_404(Order.objects.select_related("festival"), access_token=token)
    festival = order.festival
    calendar = Calendar()
    calendar.add("prodid", "-//Festival of Resistance//Tickets//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"festival-{festival.pk}@festival-of-resistance")
    event.add("summary", festival.title)
    event.add("dtstart", festival.start_date)
    event.add("dtend", festival.end_date + timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("location", ", ".join(filter(None, [festival.venue_name, festival.venue_address.replace("\n", ", ")])))
    event.add("description", _("Your order: %(code)s") % {"code": order.code})
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = attachment(f"{festival.slug}.ics", default="festival")
    return response
