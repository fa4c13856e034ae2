"""A task for the worker tests: long enough to kill its worker in the middle of."""

import time
from pathlib import Path

from django_tasks import task


@task()
def wait_for_file(path: str) -> str:
    """Say it has started (``path``.started), then run until ``path`` exists."""
    Path(f"{path}.started").touch()
    while not Path(path).exists():
        time.sleep(0.05)
    return "done"
