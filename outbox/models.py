"""Outgoing email as stored records: each message is a row, sent by the worker with retries."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One message to send, stored whole (its MIME bytes, with a fixed Message-ID) so that every
    attempt sends the same bytes."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed for good")

    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    # One email per key: an order's confirmation is queued once however often its signal fires.
    key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True, editable=False)
    about = models.CharField(_("about"), max_length=200, blank=True, help_text=_("What the email is about."))
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, editable=False)
    from_email = models.CharField(_("from"), max_length=320)
    recipients = models.JSONField(_("recipients"), default=list)
    to = models.CharField(_("to"), max_length=1000, help_text=_("Every recipient, comma-separated."))
    subject = models.CharField(_("subject"), max_length=998)
    mime = models.BinaryField(_("message"), editable=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While "sending": until when the claimant may take; after that a sweep takes the row back.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["key"], name="outbox_unique_key")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]
        permissions = [("retry_outgoingemail", "Can retry a failed outgoing email")]

    def __str__(self):
        return f"{self.subject} → {self.to}"
