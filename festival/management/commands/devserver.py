"""Serve the site for development with its companions: the task worker and, with no
Stripe keys, the local Stripe emulator. Ctrl+C stops them all."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand


def companion_commands() -> list[tuple[str, list[str]]]:
    """The processes that run beside the web server in development."""
    python = sys.executable
    # run_worker: django-tasks' db_worker, plus requeuing tasks of dead workers and the outbox's sweep.
    commands = [("worker", [python, "manage.py", "run_worker", "--interval", "0.5"])]
    if not settings.STRIPE_SECRET_KEY and settings.STRIPE_API_BASE.startswith("http://127.0.0.1"):
        port = settings.STRIPE_API_BASE.rsplit(":", 1)[-1].strip("/")
        commands.append(("stripe-emulator", [python, "manage.py", "stripe_emulator", "--port", port]))
    return commands


def child_environment(*, host: str, port: str) -> dict[str, str]:
    """The environment of the server and its companions: ``SITE_URL`` is the address served, unless set.

    Stripe's return addresses, the emulator's webhooks and the links in emails all come from
    ``SITE_URL``, so ``--port 8001`` must move it too. One set in the environment or in ``.env``
    (read into the environment with the settings) is kept.
    """
    env = dict(os.environ)
    if not env.get("SITE_URL"):
        reachable = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - every interface: ask the loopback
        env["SITE_URL"] = f"http://{reachable}:{port}"
    return env


class Command(BaseCommand):
    help = "Run the development server with the task worker and the Stripe emulator."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        available = get_commands()
        env = child_environment(host=host, port=port)
        processes = []
        for name, command in companion_commands():
            if command[2] not in available:
                continue
            self.stdout.write(f"starting {name}: {' '.join(command[1:])}")
            processes.append(subprocess.Popen(command, env=env))  # noqa: S603 - our own interpreter and manage.py
        self.stdout.write(self.style.SUCCESS(f"Festival site on http://{host}:{port}/  (admin: /admin/)"))
        web = subprocess.Popen([sys.executable, "manage.py", "runserver", f"{host}:{port}"], env=env)  # noqa: S603
        processes.append(web)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGINT)
            for p in processes:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
