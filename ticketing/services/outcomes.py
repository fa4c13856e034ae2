"""What a payment or refund event did: the answers of ``payments`` and ``refunds``, below both.

A ``StrEnum``: the webhook answers ``{"outcome": ...}`` with the same strings as before, and
the sweep's counts are keyed by them.
"""

from enum import StrEnum


class Outcome(StrEnum):
    FULFILLED = "fulfilled"
    ALREADY_PAID = "already_paid"
    LATE_HONOURED = "late_honoured"
    LATE_REFUNDED = "late_refunded"
    LATE_REFUND_FAILED = "late_refund_failed"
    NOT_PAID = "not_paid"
    IGNORED = "ignored"
    RELEASED = "released"
    AWAITING_DELAYED_PAYMENT = "awaiting_delayed_payment"
    STRIPE_UNREACHABLE = "stripe_unreachable"
    REFUNDED = "refunded"  # a whole refund made in Stripe's dashboard, taken in
    FLAGGED = "flagged"  # a part refund made in Stripe's dashboard, flagged for a person
