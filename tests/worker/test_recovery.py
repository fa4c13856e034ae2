"""Tasks survive their worker: a task left running by a worker that died is given to another, and
one whose worker is alive is left alone."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.processes import database_url, wait_for
from worker import recovery

from .tasks import wait_for_file

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)  # the workers must see the test's rows


@pytest.fixture
def database_tasks(settings):
    """Tasks queued in the database, as in production, for a worker to claim."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def claimed_by(worker_id: str) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=wait_for_file.enqueue("/nonexistent").id)
    result.claim(worker_id)
    return result


def test_a_task_whose_worker_stopped_beating_is_queued_again(database_tasks):
    recovery.beat("gone", now=timezone.now() - timedelta(minutes=5))
    orphan = claimed_by("gone")

    requeued = recovery.requeue_orphans()

    orphan.refresh_from_db()
    assert requeued == 1
    assert (orphan.status, orphan.started_at) == (TaskResultStatus.READY, None)


def test_a_task_whose_worker_is_alive_is_left_running(database_tasks):
    recovery.beat("alive")
    running = claimed_by("alive")

    requeued = recovery.requeue_orphans()

    running.refresh_from_db()
    assert requeued == 0
    assert running.status == TaskResultStatus.RUNNING


def test_a_task_of_a_worker_that_never_beat_is_queued_again(database_tasks):
    orphan = claimed_by("a-db-worker-without-heartbeat")

    requeued = recovery.requeue_orphans()

    orphan.refresh_from_db()
    assert (requeued, orphan.status) == (1, TaskResultStatus.READY)


def start_worker(worker_id: str, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="festival.settings.dev", DATABASE_URL=database_url(),
               TASKS_BACKEND="django_tasks_db.DatabaseBackend", WORKER_HEARTBEAT_SECONDS="0.2",
               WORKER_STALE_SECONDS="1", OUTBOX_SWEEP_SECONDS="5")  # fmt: skip
    command = [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1",
               "--worker-id", worker_id]  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_a_worker_killed_mid_task_leaves_it_to_the_next_worker(database_tasks, tmp_path):
    release, log = tmp_path / "release", tmp_path / "workers.log"
    result = DBTaskResult.objects.get(id=wait_for_file.enqueue(str(release)).id)
    first = start_worker("first", log)
    try:
        assert wait_for(Path(f"{release}.started").exists, seconds=60), log.read_text()
        first.send_signal(signal.SIGKILL)  # mid-task
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    result.refresh_from_db()
    left = result.status
    release.touch()

    second = start_worker("second", log)
    try:
        finished = wait_for(lambda: DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL,
                            seconds=60)  # fmt: skip
    finally:
        stop(second)

    result.refresh_from_db()
    assert left == TaskResultStatus.RUNNING  # what the database backend alone would keep for ever
    assert finished, log.read_text()
    assert result.worker_ids == ["first", "second"]
    assert result.return_value == "done"
