"""Backups: the database and the uploaded and generated files, into one folder, and back.

A backup folder holds ``database.dump`` (PostgreSQL's custom format, from ``pg_dump``) or
``database.sqlite3`` (SQLite's own online backup), ``media.tar.gz`` (the public media under
MEDIA_ROOT: images and documents), ``private.tar.gz`` (the private files under PRIVATE_FILES_ROOT:
badge PDFs, bulk sheets) and ``manifest.json`` (what was backed up, and how many rows of each table
and files of each kind, so a restore can say whether it found everything). A restore goes only into
an empty database and empty folders: it never mixes two sites' data.

Files kept in an S3 bucket are not copied: the manifest names the bucket, and the bucket's own
versioning (or its provider's backups) keeps them; a restore leaves them where they are.
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
from django.core.files.storage import storages
from django.db import connection

from festival.files import in_bucket


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
    """Write a backup of the database, MEDIA_ROOT and PRIVATE_FILES_ROOT into ``folder`` (made if
    missing, must be empty).
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
    counts, buckets = {}, {}
    for kind, (storage, root) in _file_kinds().items():
        if in_bucket(storage):
            buckets[kind] = storage.bucket_name
            continue
        with tarfile.open(folder / f"{kind}.tar.gz", "w:gz") as archive:
            if root.exists():
                archive.add(root, arcname=".")
        counts[kind] = _count_files(root)
    manifest = {
        "made_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "tables": table_counts(),
        "files": sum(counts.values()),
        "file_counts": counts,
        "buckets": buckets,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def _file_kinds() -> dict:
    """Each kind of file a backup holds: its archive's name -> (its storage, its folder on this server)."""
    return {
        "media": (storages["default"], Path(settings.MEDIA_ROOT)),
        "private": (storages["private"], Path(settings.PRIVATE_FILES_ROOT)),
    }


def _count_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(*, folder: Path) -> dict:
    """Restore a backup folder into this site's (empty) database and (empty) file folders, then count
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
    # The archives this site restores into its folders; a kind kept in a bucket stays in its bucket.
    archives = {kind: (folder / f"{kind}.tar.gz", root) for kind, (storage, root) in _file_kinds().items()
                if (folder / f"{kind}.tar.gz").exists() and not in_bucket(storage)}  # fmt: skip
    for kind, (_archive, root) in archives.items():
        if root.exists() and any(root.iterdir()):
            variable = "MEDIA_ROOT" if kind == "media" else "PRIVATE_FILES_ROOT"
            raise BackupError(f"{variable} ({root}) is not empty: restore into an empty folder")
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
    files = {}
    for kind, (archive_path, root) in archives.items():
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(root, filter="data")  # refuses links and paths that leave the folder
        files[kind] = _count_files(root)
    found = table_counts()
    missing = {t: (n, found.get(t, 0)) for t, n in manifest["tables"].items() if found.get(t, 0) != n}
    # A backup made before private files had their own folder counted only media.tar.gz's.
    expected = {kind: n for kind, n in manifest.get("file_counts", {"media": manifest["files"]}).items()
                if kind in archives}  # fmt: skip
    for kind, n in expected.items():
        if files.get(kind, 0) != n:
            missing[f"({kind} files)"] = (n, files.get(kind, 0))
    return {"missing": missing, "files": sum(files.values()), "tables": len(found),
            "buckets": manifest.get("buckets", {})}  # fmt: skip
