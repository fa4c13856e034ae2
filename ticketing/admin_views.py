"""The box office's actions in the Wagtail admin, each a thin view over one service.

Every action changes something only on a POST (with Django's CSRF check), after a page that says
what is about to happen; each checks its permission first (403, and nothing changes, for a role
without it) and turns the service's domain error into a message.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from door.errors import CheckInError
from festival.models import FestivalPage
from ticketing.forms import NameField
from ticketing.models import CheckIn, Order, Ticket, TicketType
from ticketing.services import boxoffice, refunds
from ticketing.services.badges import BadgeError
from ticketing.services.errors import ShopError
from ticketing.services.orders import pounds
from ticketing.viewsets import ADD_ORDER, CHANGE_ORDER, REFUND_ORDER


def action(permission: str):
    """A box-office action: GET or POST only, and for a user without ``permission`` a 403 page (Wagtail
    would redirect to the dashboard instead), before anything is read or changed."""

    def decorate(view):
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                context = {"page_title": _("Not allowed")}
                return TemplateResponse(request, "ticketing/admin/forbidden.html", context, status=403)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def _order(pk) -> Order:
    return get_object_or_404(Order.objects.select_related("festival"), pk=pk)


def _ticket(pk) -> Ticket:
    return get_object_or_404(Ticket.objects.select_related("order__festival", "ticket_type"), pk=pk)


def _to_order(order_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("orders:inspect", args=[order_id]))


def _render(request, template: str, *, title: str, order: Order, **context) -> TemplateResponse:
    context |= {"page_title": title, "order": order, "order_url": reverse("orders:inspect", args=[order.pk]),
                "left": pounds(order.total - order.refunded_amount)}  # fmt: skip
    return TemplateResponse(request, template, context)


def _confirm(request, *, title: str, order: Order, lead: str, confirm: str, warning: str = "", step: str = ""):
    """The page that says what a button is about to do, with the button and a way back."""
    return _render(request, "ticketing/admin/confirm.html", title=title, order=order, lead=lead, confirm=confirm,
                   warning=warning, step=step)  # fmt: skip


def _ticket_label(ticket: Ticket) -> str:
    return f"{ticket.attendee_name} · {ticket.ticket_type.name} · {pounds(ticket.price)}"


class TicketsForm(forms.Form):
    """Some of an order's valid tickets."""

    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(), widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Tickets"),
        error_messages={"required": gettext_lazy("Choose at least one ticket.")},
    )  # fmt: skip

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        valid = order.tickets.filter(status=Ticket.Status.VALID).select_related("ticket_type").order_by("pk")
        self.fields["tickets"].queryset = valid
        self.fields["tickets"].label_from_instance = _ticket_label


class RefundForm(TicketsForm):
    include_donation = forms.BooleanField(
        required=False, label=gettext_lazy("Refund the donation too"),
        help_text=gettext_lazy("Refunding the last valid tickets always refunds the donation and anything else left."),
    )  # fmt: skip
    reason = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("Reason (optional, kept in the ledger)")
    )


def _chosen(form) -> list[Ticket]:
    return sorted(form.cleaned_data["tickets"], key=lambda t: t.pk)


@action(REFUND_ORDER)
def refund(request, pk):
    """Refund all or part of a paid order: choose, see the amount, confirm."""
    order = _order(pk)
    step = request.POST.get("step", "")
    data = request.POST or None
    if step == "review_all":  # the whole order: every valid ticket and the donation
        valid = order.tickets.filter(status=Ticket.Status.VALID).values_list("pk", flat=True)
        data = {"tickets": list(valid), "include_donation": "on", "reason": request.POST.get("reason", "")}
    form = RefundForm(data, order=order)
    if request.method == "POST" and step in ("review", "review_all", "confirm") and form.is_valid():
        tickets = _chosen(form)
        ids, donation = [t.pk for t in tickets], form.cleaned_data["include_donation"]
        try:
            if step == "confirm":
                done = refunds.refund_tickets(order=order, ticket_ids=ids, include_donation=donation, user=request.user,
                                              reason=form.cleaned_data.get("reason", ""))  # fmt: skip
                return _refunded(request, order, done)
            amount = refunds.refund_amount(order=order, ticket_ids=ids, include_donation=donation)
        except ShopError as error:
            messages.error(request, error.message)
            if step == "confirm":
                return HttpResponseRedirect(reverse("ticketing_order_refund", args=[order.pk]))
        else:
            return _render(request, "ticketing/admin/refund_confirm.html", title=_("Confirm the refund"), order=order,
                           amount=pounds(amount), tickets=tickets, include_donation=donation,
                           reason=form.cleaned_data.get("reason", ""))  # fmt: skip
    return _render(request, "ticketing/admin/refund.html", title=_("Refund"), order=order, form=form)


def _refunded(request, order: Order, done) -> HttpResponseRedirect:
    amount = {"amount": pounds(done.amount), "buyer": order.buyer_name}
    if done.state == done.State.SUCCEEDED:
        messages.success(request, _("Refunded %(amount)s to %(buyer)s. They will get an email saying so.") % amount)
    else:
        messages.warning(
            request,
            _("Stripe has not answered yet. The refund of %(amount)s to %(buyer)s is recorded and will be asked for "
              "again within a few minutes; the tickets no longer admit. Check this order again later.") % amount,
        )  # fmt: skip
    return _to_order(order.pk)


@action(REFUND_ORDER)
def cancel(request, pk):
    """Cancel a paid order, or its chosen tickets, without moving money: choose, confirm."""
    order = _order(pk)
    step, whole = request.POST.get("step", ""), request.POST.get("whole") == "on"
    data = request.POST or None
    if step == "review_all" or whole:  # the whole order: every valid ticket
        valid = order.tickets.filter(status=Ticket.Status.VALID).values_list("pk", flat=True)
        data, whole = {"tickets": list(valid)}, True
    form = TicketsForm(data, order=order)
    if request.method == "POST" and step in ("review", "review_all", "confirm") and form.is_valid():
        tickets = _chosen(form)
        if step == "confirm":
            return _cancelled(request, order, tickets, whole=whole)
        return _render(request, "ticketing/admin/cancel_confirm.html", title=_("Confirm the cancellation"),
                       order=order, tickets=tickets, whole=whole)  # fmt: skip
    return _render(request, "ticketing/admin/cancel.html", title=_("Cancel without a refund"), order=order, form=form)


def _cancelled(request, order: Order, tickets: list[Ticket], *, whole: bool) -> HttpResponseRedirect:
    if whole:
        if refunds.cancel_order(order=order, user=request.user):
            messages.success(request, _("Order cancelled. No money was moved."))
        else:
            messages.error(request, _("This order can no longer be cancelled."))
        return _to_order(order.pk)
    try:
        count = refunds.cancel_tickets(order=order, ticket_ids=[t.pk for t in tickets], user=request.user)
    except ShopError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("ticketing_order_cancel", args=[order.pk]))
    messages.success(
        request,
        ngettext("%(count)s ticket cancelled. No money was moved.",
                 "%(count)s tickets cancelled. No money was moved.", count) % {"count": count},
    )  # fmt: skip
    return _to_order(order.pk)


@action(CHANGE_ORDER)
def resend(request, pk):
    """Send the confirmation email, with the badges, to the buyer again."""
    order = _order(pk)
    if request.method == "POST":
        try:
            boxoffice.resend_confirmation(order=order, user=request.user)
        except ShopError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The confirmation is on its way to %(email)s.") % {"email": order.buyer_email})
        return _to_order(order.pk)
    lead = _("Send the confirmation email, with every valid badge attached, to %(email)s again?")
    return _confirm(request, title=_("Resend the confirmation"), order=order,
                    lead=lead % {"email": order.buyer_email}, confirm=_("Send it again"))  # fmt: skip


@action(REFUND_ORDER)
def release(request, pk):
    """Force-release a stuck hold: close the Stripe session and give the places back; when Stripe cannot
    be reached, offer to release it anyway, after a warning."""
    order = _order(pk)
    title = _("Release the hold")
    step = request.POST.get("step", "")
    if request.method == "POST" and step == "anyway":
        try:
            boxoffice.release_hold_anyway(order=order, user=request.user)
        except ShopError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Hold released without asking Stripe; the places are back on sale."))
        return _to_order(order.pk)
    if request.method == "POST":
        try:
            boxoffice.release_stuck_hold(order=order, user=request.user)
        except ShopError as error:
            if error.code != "stripe_unreachable":
                messages.error(request, error.message)
                return _to_order(order.pk)
            warning = _("Stripe could not be reached, so its payment page is still open and the buyer may still be "
                        "paying. If they pay after you release the hold, the payment is honoured if there is room, "
                        "otherwise refunded in full.")  # fmt: skip
            return _confirm(request, title=title, order=order, lead=error.message, warning=warning, step="anyway",
                            confirm=_("Release anyway"))  # fmt: skip
        messages.success(request, _("Hold released: the payment page is closed and the places are back on sale."))
        return _to_order(order.pk)
    lead = _("Close the buyer's payment page and put this order's places back on sale? The order is cancelled.")
    return _confirm(request, title=title, order=order, lead=lead, confirm=_("Release the hold"))


@action(CHANGE_ORDER)
def reissue(request, pk):
    """Reissue a ticket's badge: a new code, and the old one stops admitting."""
    ticket = _ticket(pk)
    if request.method == "POST":
        try:
            boxoffice.reissue_badge(ticket=ticket, user=request.user)
        except BadgeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Badge reissued for %(name)s. The old badge no longer gets in.")
                             % {"name": ticket.attendee_name})  # fmt: skip
        return _to_order(ticket.order_id)
    lead = _("Give %(name)s a new badge? The old badge stops working at the door at once.")
    return _confirm(request, title=_("Reissue a badge"), order=ticket.order,
                    lead=lead % {"name": ticket.attendee_name}, confirm=_("Reissue the badge"))  # fmt: skip


class RenameForm(forms.Form):
    attendee_name = NameField(max_length=200, label=gettext_lazy("New name"))


@action(CHANGE_ORDER)
def rename(request, pk):
    """Put another name on a ticket; its badge is reissued."""
    ticket = _ticket(pk)
    form = RenameForm(request.POST or None, initial={"attendee_name": ticket.attendee_name})
    if request.method == "POST" and form.is_valid():
        try:
            boxoffice.rename_attendee(
                ticket=ticket, attendee_name=form.cleaned_data["attendee_name"], user=request.user
            )
        except BadgeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Renamed. The badge was reissued and the old one no longer gets in."))
        return _to_order(ticket.order_id)
    intro = _("The badge is reissued with the new name, and the old badge stops working at the door.")
    return _render(request, "ticketing/admin/form.html", title=_("Rename %(name)s") % {"name": ticket.attendee_name},
                   order=ticket.order, form=form, intro=intro, submit=_("Rename"))  # fmt: skip


class CheckInForm(forms.Form):
    door = forms.CharField(max_length=60, required=False, initial=boxoffice.BOX_OFFICE_DOOR,
                           label=gettext_lazy("Door"),
                           help_text=gettext_lazy("Where they are coming in; left empty, “Box office”."))  # fmt: skip


RESULT_WORDS = {
    CheckIn.Result.ALREADY_CHECKED_IN: gettext_lazy("%(name)s has already been checked in today."),
    CheckIn.Result.UNPAID: gettext_lazy("%(name)s's order is not paid, so they were not checked in."),
    CheckIn.Result.CANCELLED: gettext_lazy("%(name)s's ticket was cancelled or refunded, so they were not checked in."),
    CheckIn.Result.NOT_VALID_TODAY: gettext_lazy(
        "%(name)s's ticket does not admit today, so they were not checked in."
    ),
}


@action(CHANGE_ORDER)
def check_in(request, pk):
    """Check an attendee in by hand, today, at a door the staff name: the door's rules hold."""
    ticket = _ticket(pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = {"name": ticket.attendee_name}
        try:
            outcome = boxoffice.check_in_by_hand(ticket=ticket, user=request.user, door=form.cleaned_data["door"])
        except CheckInError as error:
            messages.error(request, error.message)
        else:
            if outcome.result == CheckIn.Result.ADMITTED:
                messages.success(request, _("%(name)s is checked in.") % name)
            else:
                messages.error(request, RESULT_WORDS.get(outcome.result, _("%(name)s was not checked in.")) % name)
        return _to_order(ticket.order_id)
    title = _("Check %(name)s in by hand") % {"name": ticket.attendee_name}
    intro = _("They are checked in now, as if their badge were scanned: once a day, and only if it admits today.")
    return _render(request, "ticketing/admin/form.html", title=title, order=ticket.order, form=form, intro=intro,
                   submit=_("Check in"))  # fmt: skip


class ComplimentaryForm(forms.Form):
    festival = forms.ModelChoiceField(
        queryset=FestivalPage.objects.order_by("-start_date"), label=gettext_lazy("Edition")
    )
    ticket_type = forms.ModelChoiceField(
        queryset=TicketType.objects.filter(is_complimentary=True).select_related("festival"),
        label=gettext_lazy("Complimentary ticket type"),
    )
    people = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), label=gettext_lazy("People"),
        help_text=gettext_lazy("One a line, as a name and an email address: Ada Lovelace <ada@example.org>. "
                               "Each gets their own order and their badge by email."),
    )  # fmt: skip
    note = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("Note (optional)"),
        help_text=gettext_lazy("Speaker, volunteer or carer, say; kept in the history."),
    )  # fmt: skip


@action(ADD_ORDER)
def complimentary(request):
    """Issue complimentary tickets: each person their own paid order of £0 and their badge by email."""
    form = ComplimentaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people = boxoffice.parse_people(data["people"])
            issued = boxoffice.issue_complimentary(festival=data["festival"], ticket_type=data["ticket_type"],
                                                   people=people, user=request.user, note=data["note"])  # fmt: skip
        except ShopError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                ngettext("%(count)s complimentary ticket issued; its badge is on its way by email.",
                         "%(count)s complimentary tickets issued; each badge is on its way by email.",
                         len(issued)) % {"count": len(issued)},
            )  # fmt: skip
            return HttpResponseRedirect(reverse("orders:index"))
    context = {"page_title": _("Issue complimentary tickets"), "form": form, "submit": _("Issue the tickets"),
               "intro": _("For speakers, volunteers and carers. If any line is wrong, or there is not room for "
                          "everyone, no tickets are issued.")}  # fmt: skip
    return TemplateResponse(request, "ticketing/admin/form.html", context)


urlpatterns = [
    path("ticketing/orders/<int:pk>/refund/", refund, name="ticketing_order_refund"),
    path("ticketing/orders/<int:pk>/cancel/", cancel, name="ticketing_order_cancel"),
    path("ticketing/orders/<int:pk>/resend/", resend, name="ticketing_order_resend"),
    path("ticketing/orders/<int:pk>/release/", release, name="ticketing_order_release"),
    path("ticketing/tickets/<int:pk>/reissue/", reissue, name="ticketing_ticket_reissue"),
    path("ticketing/tickets/<int:pk>/rename/", rename, name="ticketing_ticket_rename"),
    path("ticketing/tickets/<int:pk>/check-in/", check_in, name="ticketing_ticket_check_in"),
    path("ticketing/complimentary/", complimentary, name="ticketing_complimentary"),
]
