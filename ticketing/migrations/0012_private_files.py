"""Badge PDFs and bulk badge sheets move to the private storage (festival/files.py), out of
MEDIA_ROOT, which is public. The files already stored under MEDIA_ROOT's badges/ and badge-prints/
move with them, under the same names, so the tickets and print jobs still find them. A file that
cannot be moved is logged and stays behind (``manage.py move_private_files`` tries again): a badge
whose file is missing is drawn again when it is next downloaded or emailed, and a bulk sheet asks to
be printed again (they last a week anyway)."""

from django.core.files.storage import storages
from django.db import migrations, models

import festival.files

PRIVATE_FOLDERS = ("badges", "badge-prints")


def move_private_files(apps, schema_editor):
    for folder in PRIVATE_FOLDERS:
        festival.files.move_folder(folder, source=storages["default"], target=festival.files.private_storage())


class Migration(migrations.Migration):
    dependencies = [
        ("ticketing", "0011_checkin_displaced"),
    ]

    operations = [
        migrations.AlterField(
            model_name="badgeprintjob",
            name="pdf",
            field=models.FileField(blank=True, storage=festival.files.private_storage, upload_to="badge-prints/"),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="badge_pdf",
            field=models.FileField(blank=True, storage=festival.files.private_storage, upload_to="badges/"),
        ),
        migrations.RunPython(move_private_files, migrations.RunPython.noop),
    ]
