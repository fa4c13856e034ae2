"""The real worker (``manage.py run_worker``) in its own process, killed mid-send and started again:
the email waits, is taken back after its lease, and goes out exactly once, in seconds here (short
lease and back-off through the environment) and within two minutes with the default settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from outbox import services
from outbox.models import OutgoingEmail
from tests.processes import database_url, wait_for

from .test_delivery import confirmation

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)  # the worker must see the test's rows


def start_worker(smtp_port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="festival.settings.dev",
        DATABASE_URL=database_url(),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        EMAIL_TIMEOUT="60",  # the hanging server must not time the send out before the kill
        OUTBOX_LEASE_SECONDS="2",
        OUTBOX_RETRY_SECONDS="0.2",
        OUTBOX_MAX_BACKOFF_SECONDS="0.5",
        OUTBOX_SWEEP_SECONDS="0.2",
    )
    command = [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def state_of(email: OutgoingEmail) -> str:
    email.refresh_from_db()
    return email.state


def test_worker_killed_mid_send_then_restarted_delivers_the_email_once(smtp_server, tasks_wait, settings, tmp_path):
    log = tmp_path / "worker.log"
    email = services.queue(confirmation(), key=None, about="order FOR-TEST")  # waits for a worker
    smtp_server.mode = "hang"
    first = start_worker(smtp_server.port, log)
    try:
        assert smtp_server.hanging.wait(timeout=30), log.read_text()
        assert state_of(email) == OutgoingEmail.State.SENDING
        first.send_signal(signal.SIGKILL)  # mid-send: the DATA is on the wire, unanswered
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()

    smtp_server.mode = "accept"
    mail_works_again = time.monotonic()
    second = start_worker(smtp_server.port, log)
    try:
        delivered = wait_for(lambda: state_of(email) == OutgoingEmail.State.SENT, seconds=60)
        took = time.monotonic() - mail_works_again
        time.sleep(1)  # the new worker keeps sweeping: nothing goes out a second time
        assert delivered, log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=10)
        except subprocess.TimeoutExpired:
            second.kill()

    assert len(smtp_server.accepted) == 1
    assert email.attempts == 2
    assert took < 120
