"""A stored message as Django's mail backends take it: the same bytes on every attempt.

The backends ask an ``EmailMessage`` for ``recipients()``, ``from_email`` and ``message()``, and
the SMTP backend sends ``message().as_bytes(linesep="\\r\\n")``. ``StoredMessage`` answers with
the bytes stored when the email was queued (Message-ID and Date included), and carries the body,
the HTML alternative and the attachments read back from them, for the in-memory test backend.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.parser import BytesHeaderParser

from django.core.mail import EmailMessage


class RawMIME:
    """The stored bytes, answering what the backends ask of a built message."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n", **kwargs) -> bytes:
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n", **kwargs) -> str:
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def get_charset(self):
        return None  # the console backend then decodes the bytes as UTF-8

    def __getitem__(self, name: str):
        return message_from_bytes(self.raw, policy=policy.default)[name]


class StoredMessage(EmailMessage):
    """An email rebuilt from its stored bytes; ``message()`` gives those bytes unchanged.

    Sending needs only the bytes, so the subject, body, alternatives (the HTML part) and attachments
    are read back from them only when asked for (the in-memory test backend, the admin): parsing a multipart
    message costs milliseconds, and a mailing sends thousands."""

    def __init__(self, *, raw: bytes, from_email: str, recipients: list[str]):
        self.raw = raw
        self._parts = None
        super().__init__(from_email=from_email, to=recipients)

    def _read(self) -> tuple[str, list, list]:
        if self._parts is None:
            body, alternatives, attachments = "", [], []
            for part in message_from_bytes(self.raw, policy=policy.default).walk():
                if part.is_multipart():
                    continue
                if part.get_filename() or part.get_content_disposition() == "attachment":
                    attachments.append((part.get_filename(), part.get_content(), part.get_content_type()))
                elif part.get_content_type() == "text/plain" and not body:
                    body = part.get_content()
                else:
                    alternatives.append((part.get_content(), part.get_content_type()))
            self._parts = (body, alternatives, attachments)
        return self._parts

    # EmailMessage.__init__ sets these empty; the stored bytes are the message, so those writes are dropped.
    subject = property(
        lambda self: str(BytesHeaderParser(policy=policy.default).parsebytes(self.raw)["Subject"] or ""),
        lambda self, value: None,
    )
    body = property(lambda self: self._read()[0], lambda self, value: None)
    alternatives = property(lambda self: self._read()[1], lambda self, value: None)
    attachments = property(lambda self: self._read()[2], lambda self, value: None)

    def message(self, *, policy=None):
        return RawMIME(self.raw)

    def recipients(self) -> list[str]:
        return list(self.to)
