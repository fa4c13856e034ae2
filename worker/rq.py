"""RQ, for the Redis task backend (TASKS_BACKEND=django_tasks_rq.RQBackend): the one module that knows it.

RQ has its own answer to a worker that dies mid-task. Each task it runs sits in the queue's
"started" registry with a lease (see ``Worker``); a worker killed outright leaves it to lapse, and
any worker's maintenance round, on starting and then every
TASKS_RQ_MAINTENANCE_SECONDS, finds the lapsed lease and queues the task again if it has retries
left, or records it as failed. RQ gives a task no retries unless asked, so ``RetryingQueue`` gives
each TASKS_RQ_RETRIES. As with the database backend, a task may therefore run twice: the project's
tasks are written to be safe so (see worker/recovery.py).
"""

from django.conf import settings
from django.db import close_old_connections
from django_rq.queues import DjangoRQ
from rq import Retry, SimpleWorker


class RetryingQueue(DjangoRQ):
    """django-rq's queue, but every task it is given may be tried again when its worker dies (or it fails)."""

    def create_job(self, *args, retry=None, **kwargs):
        return super().create_job(*args, retry=retry or Retry(max=settings.TASKS_RQ_RETRIES), **kwargs)


class Worker(SimpleWorker):
    """RQ's worker, looking for the tasks of dead workers every TASKS_RQ_MAINTENANCE_SECONDS.

    It runs each task itself rather than in a child forked for it (RQ's default): a child loads the
    badge's fonts and templates again for every badge, a quarter of a badge a second on the bench
    against several. A task's lease is then its timeout (RQ's default, three minutes) plus a minute.
    Its database connections are closed between tasks when old or broken, as Django does between
    requests."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("maintenance_interval", settings.TASKS_RQ_MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)

    def perform_job(self, *args, **kwargs):
        close_old_connections()
        try:
            return super().perform_job(*args, **kwargs)
        finally:
            close_old_connections()
