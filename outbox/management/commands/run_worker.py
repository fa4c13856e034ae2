"""The background worker: django-tasks' ``db_worker`` plus the outbox's sweep every
``OUTBOX_SWEEP_SECONDS`` (and once at start), so a waiting email goes out with no cron.

Run this, not ``db_worker``, wherever tasks are run (``manage.py devserver`` does). Several may run
at once: each email is claimed by one guarded update. Its options are ``db_worker``'s.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from outbox import delivery

logger = logging.getLogger(__name__)


def sweep_forever(*, every: float, stop: threading.Event) -> None:
    """Deliver what is due, then wait ``every`` seconds, until ``stop`` is set; a failed sweep is
    logged and the next one tries again."""
    while not stop.is_set():
        try:
            close_old_connections()
            counts = delivery.deliver_due()
            if any(counts.values()):
                logger.info("outbox sweep: %s", ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
        except Exception:  # a database blip must not end the sweeping for good
            logger.exception("outbox sweep failed")
        finally:
            close_old_connections()
        stop.wait(every)


class Command(db_worker.Command):
    help = "Run the task worker, and send due outgoing emails every OUTBOX_SWEEP_SECONDS."

    def handle(self, *args, **options):
        # Under --reload the outer process only watches files; the sweep runs in the one doing the work.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            stop = threading.Event()
            # A daemon: a stopping worker does not wait for it; an email cut off mid-send is taken back later.
            sweeper = threading.Thread(
                target=sweep_forever,
                kwargs={"every": settings.OUTBOX_SWEEP_SECONDS, "stop": stop},
                name="outbox-sweep",
                daemon=True,
            )
            sweeper.start()
        super().handle(*args, **options)
