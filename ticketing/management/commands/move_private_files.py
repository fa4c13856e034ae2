"""``manage.py move_private_files``: move badge PDFs and bulk sheets that an earlier version stored
under the public MEDIA_ROOT (badges/, badge-prints/) into the private storage, under the same names.

Migration ticketing 0012 does this once; run this if it logged a file it could not move (a full
disk, a bucket out of reach). Safe to run again: a file already moved is only removed from MEDIA_ROOT.
"""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand

from festival.files import move_folder, private_storage

PRIVATE_FOLDERS = ("badges", "badge-prints")  # as upload_to says in ticketing/models.py


class Command(BaseCommand):
    help = "Move badge PDFs and bulk sheets left under the public MEDIA_ROOT into the private storage."

    def handle(self, *args, **options):
        moved = sum(move_folder(f, source=storages["default"], target=private_storage()) for f in PRIVATE_FOLDERS)
        self.stdout.write(f"Moved {moved} private files out of the public media.")
