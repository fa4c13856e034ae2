"""Background tasks of the imports: the confirmations (with badges) of complimentary tickets issued from a
file, a batch of orders per task, so ten thousand people queue a hundred tasks rather than ten thousand.

Each order's email is the shop's own confirmation (``ticketing.services.emails``), with its one key per
order in the outbox, so a batch that runs again sends nobody a second email."""

from django_tasks import task

from ticketing.models import Order
from ticketing.services import emails

BATCH = 100


@task()
def send_confirmations(order_ids: list[int]) -> None:
    for order in Order.objects.filter(pk__in=order_ids).select_related("festival").order_by("pk"):
        emails.send_order_confirmation(order)
