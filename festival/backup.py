"""Backups: the database and the uploaded and generated files, into one folder, and back.

A backup folder holds ``database.dump`` (PostgreSQL's custom format, from ``pg_dump``) or
``database.sqlite3`` (SQLite's own online backup), ``media.tar.gz`` (everything under
MEDIA_ROOT: images, badge PDFs, bulk sheets) and ``manifest.json`` (what was backed up, and
how many rows of each table, so a restore can say whether it found everything). A restore
goes only into an empty database and an empty media folder: it never mixes two sites' data.
Imports no app: it counts the rows of every installed model through Django's app registry.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432),
            "--username", db.get("USER") or "postgres"]  # fmt: skip
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    return args, env


def _tool(name: str) -> str:
    """PostgreSQL's client program ``name``, by its full path; raises BackupError if it is not installed."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client programs (postgresql-client)")
    return path


def table_counts() -> dict[str, int]:
    """Rows in the table of every installed model (their many-to-many tables too), by table name."""
    return {
        model._meta.db_table: model._base_manager.using(connection.alias).count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def back_up(*, folder: Path) -> dict:
    """Write a backup of the database and MEDIA_ROOT into ``folder`` (made if missing, must be empty).
    Answers the manifest. Raises BackupError."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for each backup")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        target = folder / "database.dump"
        command = [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
                   "--file", str(target), db["NAME"]]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - our settings' values
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as copy:
            connection.connection.backup(copy)  # a consistent copy, even while the site writes
        copy.close()
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    manifest = {
        "made_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "tables": table_counts(),
        "files": sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(*, folder: Path) -> dict:
    """Restore a backup folder into this site's (empty) database and (empty) MEDIA_ROOT, then count
    what arrived against the manifest. Answers {"missing": {table: (expected, found)}, "files": n}.
    Raises BackupError."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{folder} holds no manifest.json: is it a backup folder?")
    manifest = json.loads(manifest_path.read_text())
    if manifest["database"] != connection.vendor:
        raise BackupError(f"this backup is of a {manifest['database']} database; this site uses {connection.vendor}")
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore into a new, empty database")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise BackupError(f"MEDIA_ROOT ({media}) is not empty: restore into an empty folder")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        command = [_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error",
                   "--dbname", db["NAME"], str(folder / "database.dump")]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - our settings' values
        if done.returncode:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    else:
        connection.close()
        shutil.copyfile(folder / "database.sqlite3", db["NAME"])
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
        archive.extractall(media, filter="data")  # refuses links and paths that leave the folder
    found = table_counts()
    missing = {t: (n, found.get(t, 0)) for t, n in manifest["tables"].items() if found.get(t, 0) != n}
    files = sum(1 for p in media.rglob("*") if p.is_file())
    if files != manifest["files"]:
        missing["(files)"] = (manifest["files"], files)
    return {"missing": missing, "files": files, "tables": len(found)}
