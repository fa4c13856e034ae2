"""The delivery task, queued when an email is committed; ``deliver_due`` catches whatever it misses."""

from django_tasks import task

from outbox import delivery


@task()
def deliver_email(email_id: int) -> str | None:
    return delivery.deliver(email_id)


@task()
def deliver_emails(email_ids: list[int]) -> dict[str, int]:
    """Several emails queued together (``services.queue_many``), over one mail connection."""
    return delivery.deliver_many(email_ids)
