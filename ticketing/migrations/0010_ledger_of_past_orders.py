"""Orders paid or refunded before the ledger existed get their payment and refund records, so the
ledger adds up to what the orders say."""

from django.db import migrations


def write_past_records(apps, schema_editor):
    Order = apps.get_model("ticketing", "Order")
    Payment = apps.get_model("ticketing", "Payment")
    Refund = apps.get_model("ticketing", "Refund")
    for order in Order.objects.filter(paid_at__isnull=False, total__gt=0).iterator():
        Payment.objects.create(
            order=order,
            amount=order.total,
            currency=order.currency,
            state="succeeded",
            made_by="buyer",
            stripe_checkout_session_id=order.stripe_checkout_session_id,
            stripe_payment_intent_id=order.stripe_payment_intent_id,
            finished_at=order.paid_at,
        )
    for order in Order.objects.filter(refunded_amount__gt=0).iterator():
        Refund.objects.create(
            order=order,
            amount=order.refunded_amount,
            currency=order.currency,
            state="succeeded",
            made_by="staff",
            reason="Refunded before the ledger was kept",
            stripe_payment_intent_id=order.stripe_payment_intent_id,
            idempotency_key=f"before-ledger-{order.pk}",
            finished_at=order.updated_at,
        )


class Migration(migrations.Migration):
    dependencies = [("ticketing", "0009_ledger")]

    operations = [migrations.RunPython(write_past_records, migrations.RunPython.noop)]
