"""The Redis task backend (TASKS_BACKEND=django_tasks_rq.RQBackend): a task the site queues waits in
Redis and ``manage.py run_worker`` runs it in another process; a task whose worker was killed in the
middle of it is run again by the next worker (RQ's own handling of abandoned tasks, worker/rq.py).

Against the machine's Redis (127.0.0.1:6379), in a database of its own that it empties."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django_tasks.base import TaskResultStatus
from rq.registry import StartedJobRegistry

from outbox.models import OutgoingEmail
from tests.festival.test_settings import clean_environ
from tests.processes import database_url, wait_for
from ticketing import tasks as ticketing_tasks
from worker.rq import RetryingQueue

from .tasks import wait_for_file

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/13"

pytestmark = pytest.mark.django_db(transaction=True)  # the workers must see the test's rows


@pytest.fixture
def redis_tasks(settings):
    """Tasks queued in Redis through RQ, as a larger install would run them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS, "QUEUE_CLASS": "worker.rq.RetryingQueue"}}
    connection = redis.Redis.from_url(REDIS)
    connection.flushdb()
    yield connection
    connection.flushdb()


def start_worker(name: str, log: Path, media: Path) -> subprocess.Popen:
    """``manage.py run_worker`` on the Redis backend, in a process group of its own (RQ forks a child
    for each task: killing the group kills the worker whole, as a dying server would)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="festival.settings.dev", DATABASE_URL=database_url(),
               TASKS_BACKEND="django_tasks_rq.RQBackend", TASKS_REDIS_URL=REDIS, MEDIA_ROOT=str(media),
               EMAIL_URL="consolemail://", TASKS_RQ_MAINTENANCE_SECONDS="2", OUTBOX_SWEEP_SECONDS="30")  # fmt: skip
    command = [sys.executable, "manage.py", "run_worker", "--no-reload", "--worker-id", name]
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def status(result) -> TaskResultStatus:
    return result.task.get_result(result.id).status


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def test_an_order_confirmation_queued_in_redis_is_sent_by_a_worker_process(redis_tasks, make_ticket, tmp_path):
    order = make_ticket().order

    result = ticketing_tasks.send_order_confirmation.enqueue(order.pk)

    waiting = ticketing_tasks.send_order_confirmation.get_result(result.id).status
    assert not OutgoingEmail.objects.exists()  # nothing ran in this process
    log = tmp_path / "worker.log"
    worker = start_worker("confirmations", log, tmp_path / "media")
    try:
        sent = wait_for(lambda: OutgoingEmail.objects.filter(state=OutgoingEmail.State.SENT).exists(), seconds=90)
        finished = wait_for(lambda: status(result) == TaskResultStatus.SUCCESSFUL, seconds=30)
    finally:
        stop(worker)

    assert waiting == TaskResultStatus.READY
    assert sent, log.read_text()
    assert finished, log.read_text()
    email = OutgoingEmail.objects.get()
    assert order.code in email.subject
    assert ticketing_tasks.send_order_confirmation.get_result(result.id).worker_ids == ["confirmations"]


def test_a_task_whose_worker_was_killed_is_run_again_by_the_next_worker(redis_tasks, tmp_path):
    release, log = tmp_path / "release", tmp_path / "workers.log"
    result = wait_for_file.enqueue(str(release))
    first = start_worker("first", log, tmp_path / "media")
    try:
        assert wait_for(Path(f"{release}.started").exists, seconds=60), log.read_text()
        os.killpg(first.pid, signal.SIGKILL)  # the worker and the child running the task, mid-task
        first.wait(timeout=10)
    finally:
        stop(first)
    left = wait_for_file.get_result(result.id).status
    # The dead worker's lease on the task runs about 90 s; rather than wait, this lets it lapse now.
    # Everything after is RQ's: the next worker's maintenance round finds it and queues it again.
    registry = StartedJobRegistry(queue=RetryingQueue("default", connection=redis_tasks))
    leases = redis_tasks.zrange(registry.key, 0, -1)
    redis_tasks.zadd(registry.key, dict.fromkeys(leases, 1))
    release.touch()

    second = start_worker("second", log, tmp_path / "media")
    try:
        finished = wait_for(
            lambda: wait_for_file.get_result(result.id).status == TaskResultStatus.SUCCESSFUL, seconds=60
        )
    finally:
        stop(second)

    assert left == TaskResultStatus.RUNNING
    assert len(leases) == 1
    assert finished, log.read_text()
    assert wait_for_file.get_result(result.id).return_value == "done"


SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django_tasks import task_backends
print(json.dumps({"backend": type(task_backends["default"]).__name__, "url": settings.RQ_QUEUES["default"]["URL"],
                  "django_rq": "django_rq" in settings.INSTALLED_APPS}))
"""


def settings_with(**variables: str) -> subprocess.CompletedProcess:
    env = clean_environ("TASKS_BACKEND", "TASKS_REDIS_URL")
    env.update(DJANGO_SETTINGS_MODULE="festival.settings.dev", **variables)
    return subprocess.run([sys.executable, "-c", SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True)


def test_the_redis_backend_is_chosen_from_the_environment_with_its_own_redis():
    result = settings_with(TASKS_BACKEND="django_tasks_rq.RQBackend", TASKS_REDIS_URL="redis://10.0.0.5:6379/3")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"backend": "RQBackend", "url": "redis://10.0.0.5:6379/3", "django_rq": True}


def test_the_redis_backend_without_a_redis_url_stops_start_up_naming_it():
    result = settings_with(TASKS_BACKEND="django_tasks_rq.RQBackend")

    assert result.returncode != 0
    assert "TASKS_REDIS_URL" in result.stderr
