"""What the shop's services announce once it has happened, for the layers above them to act on.

The services sit below the task definitions (``ticketing.tasks``) and must not import them:
a service that queued its own follow-up would import the tasks, which import the services, a
cycle. So a service sends one of these signals, always from ``transaction.on_commit`` (nothing is
announced for a transaction that rolls back, and each commit announces once), and
``ticketing.receivers``, connected in ``TicketingConfig.ready``, turns each into a queued task.
Signals rather than returned events, because the same happening (tickets freed) comes from
deep inside several services (a lapsed hold, a refund, a cancellation), and each caller would
otherwise have to remember to pass it on.
"""

from django.dispatch import Signal

# An order has just become paid (fulfilled, or a late payment honoured); sent with ``order_id``.
order_paid = Signal()
# Staff asked for a paid order's confirmation to be sent again; sent with ``order_id``.
confirmation_requested = Signal()
# Tickets of an edition went back on sale (a hold released, a refund, a cancellation); sent with ``festival_id``.
capacity_freed = Signal()
# A waiting-list entry has just been offered tickets; sent with ``entry_id``.
offer_made = Signal()
# A refund has just gone through; sent with ``refund_id`` (the buyer is told).
refund_succeeded = Signal()
