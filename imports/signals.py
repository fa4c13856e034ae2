"""What the imports announce once it has happened, for the layer above to act on (as ``ticketing.signals``):
the services never import the task definitions, which import the services."""

from django.dispatch import Signal

# Complimentary tickets were issued from a file; sent with ``order_ids``, once the import commits.
complimentary_issued = Signal()
