"""``manage.py restore --from FOLDER``: a backup into an empty database and media folder (see festival/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from festival.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into this site's empty database and empty media folder, and check it."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="the backup folder")

    def handle(self, *args, source, **options):
        try:
            result = restore(folder=Path(source))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result["missing"]:
            lines = ", ".join(f"{t}: {want} backed up, {got} restored" for t, (want, got) in result["missing"].items())
            raise CommandError(f"Restored, but not everything arrived: {lines}")
        self.stdout.write(
            f"Restored {result['tables']} tables and {result['files']} files; every row and file arrived."
        )
        for kind, bucket in result["buckets"].items():
            self.stdout.write(f"The {kind} files were in the bucket {bucket}, which this restore leaves as it is.")
