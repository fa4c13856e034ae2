"""Tasks survive their worker. The database task backend marks a task RUNNING when a worker claims it
and nothing ever looks at it again: a worker killed mid-task (out of memory, a deploy, a power cut)
left its task RUNNING for ever, so a badge was never drawn or an email never queued.

So each worker beats (``beat``) every WORKER_HEARTBEAT_SECONDS, and ``requeue_orphans`` gives back
to the queue every RUNNING task none of whose workers has beaten for WORKER_STALE_SECONDS. A task
may therefore run again after its worker died part-way: the project's tasks are written to be run
twice safely (emails are keyed in the outbox, badges are drawn again, refunds carry their key).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from worker.models import Heartbeat

log = logging.getLogger(__name__)


def beat(worker_id: str, *, now: datetime | None = None) -> None:
    """Record that ``worker_id`` is alive now."""
    Heartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now or timezone.now()})


def requeue_orphans(*, now: datetime | None = None) -> int:
    """Give every task left RUNNING by dead workers back to the queue; answers how many. Raises nothing."""
    now = now or timezone.now()
    alive = set(
        Heartbeat.objects.filter(seen_at__gte=now - timedelta(seconds=settings.WORKER_STALE_SECONDS)).values_list(
            "worker_id", flat=True
        )
    )
    requeued = 0
    for task_id, worker_ids in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "id", "worker_ids"
    ):
        if alive.intersection(worker_ids or []):
            continue
        with transaction.atomic():  # guarded: a worker finishing it this instant keeps its result
            requeued += DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
        log.warning("task %s was left running by a dead worker (%s); queued again", task_id, worker_ids)
    Heartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()  # long-gone workers
    return requeued
