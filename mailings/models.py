"""A message from the organisers to the holders of an edition's tickets, and its life: a draft,
perhaps scheduled, then sending (its emails being queued in the outbox), then sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone with a valid ticket")
        TICKET_TYPE = "ticket_type", _("Holders of one ticket type")
        ARRIVED = "arrived", _("Those who have arrived (checked in)")
        NOT_ARRIVED = "not_arrived", _("Those who have not arrived yet")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    festival = models.ForeignKey(
        "festival.FestivalPage", on_delete=models.PROTECT, related_name="messages", verbose_name=_("edition")
    )
    audience = models.CharField(_("to"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    ticket_type = models.ForeignKey(
        "ticketing.TicketType", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ticket type"), help_text=_("Only for holders of one ticket type."),
    )  # fmt: skip
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Plain text. A footer saying why they get it is added."))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    send_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("sent by"), help_text=_("Who pressed send, or scheduled it."),
    )  # fmt: skip
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to ticket holders")
        verbose_name_plural = _("messages to ticket holders")
        ordering = ["-created_at", "-pk"]
        permissions = [("send_message", "Can send a message to ticket holders")]

    def __str__(self):
        return self.subject

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.SCHEDULED)
