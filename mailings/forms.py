"""The organiser's forms: write a message, and choose when a scheduled one goes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from festival.models import FestivalPage
from mailings.models import Message
from ticketing.models import TicketType


class MessageForm(forms.ModelForm):
    festival = forms.ModelChoiceField(
        queryset=FestivalPage.objects.order_by("-start_date"), label=_("Edition"),
        error_messages={"required": _("Choose the edition whose ticket holders get it.")},
    )  # fmt: skip
    ticket_type = forms.ModelChoiceField(
        queryset=TicketType.objects.select_related("festival").order_by("festival__title", "sort_order", "name"),
        required=False, label=_("Ticket type"), help_text=_("Only when it goes to the holders of one ticket type."),
    )  # fmt: skip

    class Meta:
        model = Message
        fields = ["festival", "audience", "ticket_type", "subject", "body"]
        widgets = {"audience": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 12})}
        labels = {"audience": _("Who gets it"), "subject": _("Subject"), "body": _("Message")}
        error_messages = {
            "subject": {"required": _("Write a subject: it is the first thing people see.")},
            "body": {"required": _("Write the message: it cannot be empty.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].label_from_instance = lambda t: f"{t.name} ({t.festival.title})"

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())  # one line: no header can be smuggled in
        if not subject:
            raise forms.ValidationError(_("Write a subject: it is the first thing people see."))
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write the message: it cannot be empty."))
        return body

    def clean(self):
        data = super().clean()
        festival, ticket_type = data.get("festival"), data.get("ticket_type")
        if data.get("audience") == Message.Audience.TICKET_TYPE:
            if ticket_type is None:
                self.add_error("ticket_type", _("Choose the ticket type whose holders get it."))
            elif festival is not None and ticket_type.festival_id != festival.pk:
                wrong = _("That ticket type belongs to another edition. Choose one of this edition's.")
                self.add_error("ticket_type", wrong)
        else:
            data["ticket_type"] = None
        return data


class ScheduleForm(forms.Form):
    """Either so many days before the edition's first day, at a time of day (in its time zone), or a
    date and time."""

    days_before = forms.TypedChoiceField(
        choices=[("", _("Not this way")), ("1", _("The day before")),
                 *((str(n), _("%(n)s days before") % {"n": n}) for n in (2, 3, 7, 14))],
        coerce=int, empty_value=None, required=False, label=_("Before the festival"),
    )  # fmt: skip
    time_of_day = forms.TimeField(
        required=False, initial=time(9, 0), label=_("At"), widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("In the edition's time zone."),
    )  # fmt: skip
    send_at = forms.DateTimeField(
        required=False, widget=AdminDateTimeInput, label=_("Or at this date and time"),
        help_text=_("In the edition's time zone."),
    )  # fmt: skip

    def __init__(self, *args, festival: FestivalPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.festival = festival

    def clean(self):
        data = super().clean()
        days, at, when = data.get("days_before"), data.get("time_of_day") or time(9, 0), data.get("send_at")
        if self.errors:
            return data
        if days is not None and when is not None:
            raise forms.ValidationError(_("Choose either days before the festival or a date and time, not both."))
        tz = self.festival.tz
        if days is not None:
            data["moment"] = datetime.combine(self.festival.start_date - timedelta(days=days), at, tzinfo=tz)
        elif when is not None:
            data["moment"] = datetime.combine(when.date(), when.time(), tzinfo=tz)  # as read in the edition's zone
        else:
            raise forms.ValidationError(_("Choose when to send it: days before the festival, or a date and time."))
        return data
