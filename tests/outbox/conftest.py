"""A real SMTP server (aiosmtpd) the outbox sends to, which can refuse, reject, hang, or accept."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class MailServer:
    """The behaviour is ``mode``: "accept"; "refuse" (451 to RCPT: try later); "refuse_data" (451 after
    the DATA); "reject" (550 to RCPT: never); "hang" (holds the DATA unanswered until released, then 451)."""

    port: int
    mode: str = "accept"
    accepted: list[bytes] = field(default_factory=list)  # messages answered 250: delivered
    refused_data: list[bytes] = field(default_factory=list)  # messages whose DATA was answered 4xx
    peers: list = field(default_factory=list)  # the client's address and port per accepted message
    hanging: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            return "451 4.3.0 Mailbox busy, try again later"
        if self.mode == "reject":
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "hang":
            self.hanging.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Timed out"
        if self.mode == "refuse_data":
            self.refused_data.append(envelope.content)
            return "451 4.3.0 Queue full, try again later"
        self.accepted.append(envelope.content)
        self.peers.append(session.peer)
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    mail_server = MailServer(port=free_port())
    controller = Controller(mail_server, hostname="127.0.0.1", port=mail_server.port)
    controller.start()
    yield mail_server
    mail_server.released.set()
    controller.stop()


@pytest.fixture
def smtp_settings(smtp_server, settings):
    """The site sends through the test's SMTP server, with retries in fractions of a second."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.OUTBOX_RETRY_SECONDS = 0.2
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 0.5
    settings.OUTBOX_LEASE_SECONDS = 2
    return settings


@pytest.fixture
def tasks_wait(settings):
    """Queued tasks wait for a worker (django-tasks' dummy backend keeps them, runs none): the
    outbox's first attempt is left to a worker or a sweep, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
