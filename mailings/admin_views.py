"""Messages to ticket holders in the Wagtail admin: write, preview (the email and how many get it), send
a test to yourself, then send now (after a confirmation) or at a time. Thin views over ``services``;
each checks its permission first (403, and nothing changes, for a role without it)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mailings import sending, services
from mailings.forms import MessageForm, ScheduleForm
from mailings.models import Message
from ticketing.admin_views import action

VIEW, ADD, CHANGE, SEND = (f"mailings.{name}_message" for name in ("view", "add", "change", "send"))


def _message(pk) -> Message:
    return get_object_or_404(Message.objects.select_related("festival", "ticket_type", "created_by", "sent_by"), pk=pk)


def _to_message(message: Message) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("mailings_message", args=[message.pk]))


def _render(request, template: str, *, title: str, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {"page_title": title, **context})


def _edit(request, message: Message, *, title: str):
    form = MessageForm(request.POST or None, instance=message)
    if request.method == "POST" and form.is_valid():
        if services.save(form.save(commit=False), user=request.user):
            messages.success(request, _("Saved. Check the preview, send yourself a test, then send it."))
        else:
            messages.error(request, _("This message is being sent or has been sent, so it can no longer change."))
        return _to_message(form.instance)
    cancel_url = reverse("mailings_message", args=[message.pk]) if message.pk else reverse("mailings:index")
    return _render(request, "mailings/admin/form.html", title=title, form=form, cancel_url=cancel_url,
                   submit=_("Save and preview"))  # fmt: skip


@action(ADD)
def compose(request):
    return _edit(request, Message(), title=_("Write a message to ticket holders"))


@action(CHANGE)
def edit(request, pk):
    message = _message(pk)
    if not message.editable:
        messages.error(request, _("This message is being sent or has been sent, so it can no longer change."))
        return _to_message(message)
    return _edit(request, message, title=_("Edit the message"))


@action(VIEW)
def message_page(request, pk):
    """The message as it goes out, how many it goes (or went) to, and what became of its emails."""
    message = _message(pk)
    preview = services.preview(message)
    user = request.user
    context = {
        "message": message,
        "email": preview.email,
        "recipients": preview.recipients,
        "outcomes": sending.outcomes(message) if message.state in (Message.State.SENDING, Message.State.SENT) else None,
        "can_change": message.editable and user.has_perm(CHANGE),
        "can_send": message.editable and user.has_perm(SEND),
        "test_address": user.email,
        "send_at": timezone.localtime(message.send_at, message.festival.tz) if message.send_at else None,
    }
    return _render(request, "mailings/admin/message.html", title=message.subject, **context)


@require_POST
@action(CHANGE)
def send_test(request, pk):
    message = _message(pk)
    try:
        address = services.send_test(message, user=request.user)
    except services.MailingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A test is on its way to %(address)s.") % {"address": address})
    return _to_message(message)


@action(SEND)
def send(request, pk):
    """Confirm, then start sending in the background."""
    message = _message(pk)
    if request.method == "POST":
        try:
            count = services.start_sending(message, user=request.user)
        except services.MailingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, ngettext(
                "Sending to %(count)s person. The log below shows how many have been delivered.",
                "Sending to %(count)s people. The log below shows how many have been delivered.", count,
            ) % {"count": count})  # fmt: skip
        return _to_message(message)
    if not message.editable:
        messages.error(request, _("This message is being sent or has been sent already, so it was not sent again."))
        return _to_message(message)
    recipients = services.preview(message).recipients
    return _render(request, "mailings/admin/send_confirm.html", title=_("Send the message"), message=message,
                   recipients=recipients)  # fmt: skip


@action(SEND)
def schedule(request, pk):
    """Choose when the worker sends it: days before the festival at a time, or a date and time."""
    message = _message(pk)
    if not message.editable:
        messages.error(request, _("This message is being sent or has been sent, so it can no longer be scheduled."))
        return _to_message(message)
    form = ScheduleForm(request.POST or None, festival=message.festival)
    if request.method == "POST" and form.is_valid():
        moment = form.cleaned_data["moment"]
        try:
            services.schedule(message, send_at=moment, user=request.user)
        except services.MailingError as error:
            form.add_error(None, error.message)
        else:
            when = timezone.localtime(moment, message.festival.tz)
            messages.success(request, _("Scheduled for %(when)s. The worker sends it then.")
                             % {"when": when.strftime("%A %-d %B %Y at %H:%M %Z")})  # fmt: skip
            return _to_message(message)
    return _render(request, "mailings/admin/form.html", title=_("Schedule the message"), form=form,
                   cancel_url=reverse("mailings_message", args=[message.pk]), submit=_("Schedule it"),
                   intro=_("The worker sends it at that time, to whoever holds a ticket then."))  # fmt: skip


@require_POST
@action(SEND)
def unschedule(request, pk):
    message = _message(pk)
    if services.unschedule(message):
        messages.success(request, _("No longer scheduled: it is a draft again."))
    else:
        messages.error(request, _("This message was not scheduled."))
    return _to_message(message)


urlpatterns = [
    path("mailings/new/", compose, name="mailings_compose"),
    path("mailings/<int:pk>/", message_page, name="mailings_message"),
    path("mailings/<int:pk>/edit/", edit, name="mailings_edit"),
    path("mailings/<int:pk>/test/", send_test, name="mailings_test"),
    path("mailings/<int:pk>/send/", send, name="mailings_send"),
    path("mailings/<int:pk>/schedule/", schedule, name="mailings_schedule"),
    path("mailings/<int:pk>/unschedule/", unschedule, name="mailings_unschedule"),
]
