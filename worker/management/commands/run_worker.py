"""The background worker: django-tasks' ``db_worker``, plus a housekeeping thread that

- says this worker is alive every WORKER_HEARTBEAT_SECONDS, and gives back to the queue the tasks
  left running by workers that stopped saying so (``worker.recovery``);
- sends due outgoing emails every OUTBOX_SWEEP_SECONDS (and once at start), so a waiting email
  goes out with no cron (``outbox.delivery``);
- starts the messages to ticket holders scheduled for now, on the same period (``mailings.services``).

Run this, not ``db_worker``, wherever tasks are run (``manage.py devserver`` does). Several may run
at once, on several servers: each task and each email is claimed by one guarded update. Its options
are ``db_worker``'s.

With the Redis task backend (TASKS_BACKEND=django_tasks_rq.RQBackend) it runs RQ's worker instead
(django-rq's ``rqworker`` with the project's worker and job classes, worker/rq.py, and RQ's
scheduler), beside the same housekeeping: only --queue-name, --worker-id and --max-tasks apply.
"""

import logging
import os
import threading
import time
from argparse import BooleanOptionalAction

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from mailings import services as mailings
from outbox import delivery
from worker import recovery

logger = logging.getLogger(__name__)


def _each(every: float, last: dict, name: str, now: float) -> bool:
    """Whether the job ``name``, run every ``every`` seconds, is due at ``now`` (and mark it run)."""
    if now - last.get(name, float("-inf")) < every:
        return False
    last[name] = now
    return True


def housekeep_forever(*, worker_id: str, stop: threading.Event) -> None:
    """Beat, requeue orphaned tasks, sweep the outbox and start scheduled messages, each on its own
    period, until ``stop`` is set; a failed round is logged and the next one tries again."""
    last: dict[str, float] = {}
    tick = min(settings.WORKER_HEARTBEAT_SECONDS, settings.OUTBOX_SWEEP_SECONDS)
    while not stop.is_set():
        now = time.monotonic()
        try:
            close_old_connections()
            if _each(settings.WORKER_HEARTBEAT_SECONDS, last, "beat", now):
                recovery.beat(worker_id)
                if requeued := recovery.requeue_orphans():
                    logger.warning("requeued %s tasks left running by dead workers", requeued)
            if _each(settings.OUTBOX_SWEEP_SECONDS, last, "outbox", now):
                counts = delivery.deliver_due()
                if any(counts.values()):
                    logger.info("outbox sweep: %s", ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
            if _each(settings.OUTBOX_SWEEP_SECONDS, last, "mailings", now) and (started := mailings.start_due()):
                logger.info("started %s scheduled messages to ticket holders", started)
        except Exception:  # a database blip must not end the housekeeping for good
            logger.exception("worker housekeeping failed")
        finally:
            close_old_connections()
        stop.wait(tick)


def _on_redis() -> bool:
    return settings.TASKS["default"]["BACKEND"] == settings.RQ_TASKS_BACKEND


class Command(db_worker.Command):
    help = "Run the task worker, keep its tasks alive across dead workers, and send due outgoing emails."

    def add_arguments(self, parser):
        if not _on_redis():
            super().add_arguments(parser)
            return
        # RQ's worker waits on Redis and reloads nothing: of db_worker's options, these mean something to it.
        parser.add_argument("--queue-name", default="default", help="The queues to work on, separated by commas.")
        parser.add_argument("--worker-id", default=get_random_string(32), help="The worker's name, unique.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many tasks.")
        parser.add_argument("--interval", type=float, default=None, help="Ignored: RQ's worker waits on Redis.")
        parser.add_argument("--reload", action=BooleanOptionalAction, default=False, help="Ignored.")

    def handle(self, *args, **options):
        # Under --reload the outer process only watches files; housekeeping runs in the one doing the work.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            stop = threading.Event()
            # A daemon: a stopping worker does not wait for it. Its heartbeat stops with it, which is
            # how the others learn it is gone.
            keeper = threading.Thread(
                target=housekeep_forever,
                kwargs={"worker_id": options["worker_id"], "stop": stop},
                name="worker-housekeeping",
                daemon=True,
            )
            keeper.start()
        if _on_redis():
            queues = options["queue_name"].split(",")
            call_command("rqworker", *queues, name=options["worker_id"], with_scheduler=True,
                         max_jobs=options["max_tasks"], verbosity=options["verbosity"])  # fmt: skip
            return
        super().handle(*args, **options)
