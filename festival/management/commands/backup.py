"""``manage.py backup [--to FOLDER]``: the database and the media files into one folder (see festival/backup.py)."""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from festival.backup import BackupError, back_up


class Command(BaseCommand):
    help = "Back up the database, the public media (images) and the private files (badge PDFs) into one new folder."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="the folder to write (new or empty); default backups/<date and time>")

    def handle(self, *args, to=None, **options):
        folder = Path(to or f"backups/{datetime.now():%Y-%m-%d-%H%M%S}")
        try:
            manifest = back_up(folder=folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"Backed up {rows} rows in {len(manifest['tables'])} tables and {manifest['files']} files "
                          f"to {folder}")  # fmt: skip
        for kind, bucket in manifest["buckets"].items():
            self.stdout.write(f"The {kind} files are in the bucket {bucket} and were not copied: keep versioning "
                              "(or your provider's backups) on for that bucket.")  # fmt: skip
