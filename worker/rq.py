"""RQ, for the Redis task backend (TASKS_BACKEND=django_tasks_rq.RQBackend): the one module that knows it.

RQ has its own answer to a worker that dies mid-task. Each task it runs sits in the queue's
"started" registry with a lease its worker keeps renewing (about 90 seconds ahead); a worker killed
outright stops renewing it, and any worker's maintenance round, on starting and then every
TASKS_RQ_MAINTENANCE_SECONDS, finds the lapsed lease and queues the task again if it has retries
left, or records it as failed. RQ gives a task no retries unless asked, so ``RetryingQueue`` gives
each TASKS_RQ_RETRIES. As with the database backend, a task may therefore run twice: the project's
tasks are written to be safe so (see worker/recovery.py).
"""

from django.conf import settings
from django_rq.queues import DjangoRQ
from rq import Retry
from rq import Worker as RQWorker


class RetryingQueue(DjangoRQ):
    """django-rq's queue, but every task it is given may be tried again when its worker dies (or it fails)."""

    def create_job(self, *args, retry=None, **kwargs):
        return super().create_job(*args, retry=retry or Retry(max=settings.TASKS_RQ_RETRIES), **kwargs)


class Worker(RQWorker):
    """RQ's worker, looking for the tasks of dead workers every TASKS_RQ_MAINTENANCE_SECONDS."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("maintenance_interval", settings.TASKS_RQ_MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
