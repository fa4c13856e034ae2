"""An uploaded file kept on the server between its preview and the organiser's confirmation.

The file goes to django-import-export's temporary-folder storage; where it is, and whose it is, stay
in the signed-in person's session (never in the form), with a token the confirm form sends back so a
stale preview in another tab cannot confirm a different file.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass

from import_export.tmp_storages import TempFolderStorage

SESSION_KEY = "imports.staged"


@dataclass(frozen=True)
class Staged:
    kind: str
    edition_id: int
    publish: bool
    filename: str
    content: bytes


def keep(request, *, kind: str, edition_id: int, publish: bool, filename: str, content: bytes) -> str:
    """Keep ``content`` for this person (replacing what they kept before); answers the confirm token."""
    discard(request)
    storage = TempFolderStorage(read_mode="rb")
    storage.save(content)
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {"token": token, "user": request.user.pk, "path": storage.name, "kind": kind,
                                    "edition": edition_id, "publish": publish, "filename": filename[:200]}  # fmt: skip
    return token


def load(request, *, token: str, kind: str) -> Staged | None:
    """The file this person kept for ``token`` and ``kind``, or None (another token, expired, gone)."""
    entry = request.session.get(SESSION_KEY)
    if not entry or entry["user"] != request.user.pk or entry["kind"] != kind:
        return None
    if not secrets.compare_digest(str(token or ""), entry["token"]):
        return None
    try:
        content = TempFolderStorage(name=entry["path"], read_mode="rb").read()
    except OSError:
        return None
    return Staged(kind=kind, edition_id=entry["edition"], publish=entry["publish"], filename=entry["filename"],
                  content=content)  # fmt: skip


def discard(request) -> None:
    entry = request.session.pop(SESSION_KEY, None)
    if entry:
        with contextlib.suppress(OSError):
            TempFolderStorage(name=entry["path"]).remove()
