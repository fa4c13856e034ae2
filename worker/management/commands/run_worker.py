"""The background worker: django-tasks' ``db_worker``, plus a housekeeping thread that

- says this worker is alive every WORKER_HEARTBEAT_SECONDS, and gives back to the queue the tasks
  left running by workers that stopped saying so (``worker.recovery``);
- sends due outgoing emails every OUTBOX_SWEEP_SECONDS (and once at start), so a waiting email
  goes out with no cron (``outbox.delivery``);
- starts the messages to ticket holders scheduled for now, on the same period (``mailings.services``).

Run this, not ``db_worker``, wherever tasks are run (``manage.py devserver`` does). Several may run
at once, on several servers: each task and each email is claimed by one guarded update. Its options
are ``db_worker``'s.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
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


class Command(db_worker.Command):
    help = "Run the task worker, keep its tasks alive across dead workers, and send due outgoing emails."

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
        super().handle(*args, **options)
