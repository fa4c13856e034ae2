"""The imports' follow-ups: each signal of ``imports.signals`` queues its tasks (connected in ``apps.py``)."""

from imports import signals, tasks


def queue_confirmations(sender, *, order_ids: list[int], **kwargs) -> None:
    for start in range(0, len(order_ids), tasks.BATCH):
        tasks.send_confirmations.enqueue(order_ids[start : start + tasks.BATCH])


def connect() -> None:
    signals.complimentary_issued.connect(queue_confirmations, dispatch_uid="imports.complimentary_issued")
