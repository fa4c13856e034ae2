"""The ledger of money: every payment and every refund a record, with its state, its Stripe ids,
the tickets it covers, who made it and when.

Rows move forward only (created -> sent -> succeeded or failed) and only through the payment and
refund services' guarded updates. Imported by ``ticketing.models``, so Django finds them there.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MadeBy(models.TextChoices):
    """Who set a payment or refund going."""

    BUYER = "buyer", _("The buyer")
    STAFF = "staff", _("A member of staff")
    STRIPE = "stripe", _("Stripe's dashboard")
    SITE = "site", _("The site, by itself")  # a late payment with no room left, refunded


class LedgerState(models.TextChoices):
    CREATED = "created", _("Created")  # written; Stripe not asked yet
    SENT = "sent", _("Sent to Stripe")  # asked; the answer not recorded yet
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


OPEN_STATES = (LedgerState.CREATED, LedgerState.SENT)


class Payment(models.Model):
    """A buyer's payment for an order, through a Stripe Checkout Session. It covers the order's tickets."""

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    State = LedgerState

    order = models.ForeignKey("ticketing.Order", on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField(help_text=_("In pence."))
    currency = models.CharField(max_length=3, default="gbp")
    state = models.CharField(max_length=10, choices=LedgerState.choices, default=LedgerState.CREATED, db_index=True)
    made_by = models.CharField(max_length=10, choices=MadeBy.choices, default=MadeBy.BUYER)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text=_("When it succeeded or failed."))

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Payment {self.pk} of {self.order}"

    @property
    def tickets(self):
        """A payment pays for its whole order."""
        return self.order.tickets.all()


class Refund(models.Model):
    """Money given back for some of an order's tickets (and perhaps its donation).

    Written, with its tickets claimed, before Stripe is asked, so a crash between the two loses
    neither money nor places: the sweep asks Stripe again with the same idempotency key.
    """

    # Sales records, not content: Wagtail's reference index would queue a task for every save.
    wagtail_reference_index_ignore = True

    State = LedgerState

    order = models.ForeignKey("ticketing.Order", on_delete=models.PROTECT, related_name="refunds")
    tickets = models.ManyToManyField("ticketing.Ticket", blank=True, related_name="refunds")
    amount = models.PositiveIntegerField(help_text=_("In pence."))
    includes_donation = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, default="gbp")
    state = models.CharField(max_length=10, choices=LedgerState.choices, default=LedgerState.CREATED, db_index=True)
    made_by = models.CharField(max_length=10, choices=MadeBy.choices, default=MadeBy.STAFF)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.CharField(max_length=300, blank=True, help_text=_("Stripe's words, when it refused."))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text=_("When it succeeded or failed."))

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Refund {self.pk} of {self.order}"
