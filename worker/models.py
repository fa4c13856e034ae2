"""The workers alive now: each running worker says so every few seconds."""

from django.db import models


class Heartbeat(models.Model):
    """A worker's last sign of life. A task claimed by workers none of which has beaten lately was
    left running by a dead one, and is given to another (``worker.recovery``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.worker_id} (seen {self.seen_at:%H:%M:%S})"
