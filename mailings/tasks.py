"""The background task that sends a message (queued by ``services.start_sending`` and by the worker's
sweep for scheduled ones). Retried safely: every email is keyed in the outbox."""

from django_tasks import task

from mailings import sending


@task()
def send_message(message_id: int) -> int | None:
    return sending.send(message_id)
