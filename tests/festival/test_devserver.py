"""The development server and its companions agree on the site's address (``make run PORT=8001``)."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from festival.management.commands import devserver

ROOT = Path(__file__).resolve().parents[2]


def test_the_served_address_is_the_site_url_when_none_is_set(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)

    env = devserver.child_environment(host="127.0.0.1", port="8001")

    assert env["SITE_URL"] == "http://127.0.0.1:8001"


def test_a_site_url_set_in_the_environment_or_dot_env_is_kept(monkeypatch):
    monkeypatch.setenv("SITE_URL", "http://festival.localhost:8001")

    env = devserver.child_environment(host="127.0.0.1", port="8001")

    assert env["SITE_URL"] == "http://festival.localhost:8001"


def test_a_server_on_every_interface_is_reached_at_the_loopback_address(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)

    env = devserver.child_environment(host="0.0.0.0", port="8002")  # noqa: S104 - what a developer may type

    assert env["SITE_URL"] == "http://127.0.0.1:8002"


def test_the_stripe_emulator_started_beside_the_server_sends_webhooks_to_the_port_served(tmp_path):
    port, emulator_port = free_port(), free_port()
    dropped = {"SITE_URL", "STRIPE_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="festival.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STRIPE_API_BASE=f"http://127.0.0.1:{emulator_port}",
    )
    command = [sys.executable, "manage.py", "devserver", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        announced = ""
        for line in server.stdout:
            if line.startswith("Stripe emulator on"):
                announced = line.strip()
                break
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)

    assert announced.endswith(f"webhooks to http://127.0.0.1:{port}/tickets/stripe/webhook/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
