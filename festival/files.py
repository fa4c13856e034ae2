"""Private files: badge PDFs and bulk badge sheets, kept apart from public media and handed out
only by the views that check who asks. The one module that knows a storage may be a bucket
(django-storages and boto); the storages themselves are set up in ``festival/settings/storage.py``.

A private file never has a public address. On this server's disk it lives in
``PRIVATE_FILES_ROOT``, outside every folder the proxy serves, and the view streams it. In a
bucket, the view answers with a redirect to a presigned link that lasts
``PRIVATE_FILES_LINK_SECONDS`` (a minute): the bucket sends the bytes, so a big bulk sheet does
not hold a server thread, and a link copied from the address bar soon stops working.
"""

from __future__ import annotations

import logging
import posixpath

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.functional import LazyObject, cached_property, empty
from storages.backends.s3 import S3Storage

from festival.downloads import attachment

logger = logging.getLogger(__name__)

# What a storage raises when it cannot be reached or refuses: a disk's errors, or S3's.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class PrivateFileSystemStorage(FileSystemStorage):
    """Files in ``PRIVATE_FILES_ROOT`` (followed when a test changes it), with no URL at all."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_FILES_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_FILES_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("A private file has no address: hand it out through a view that checks who asks")


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up again whenever the STORAGES setting changes."""

    def _setup(self):
        self._wrapped = storages["private"]


private_files = _PrivateStorage()


def private_storage() -> Storage:
    """The storage of private files, for ``FileField(storage=private_storage)``: a callable, so
    migrations name it rather than the storage the settings happen to give."""
    return private_files


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_FILES_ROOT"):
        private_files._wrapped = empty


def in_bucket(storage: Storage) -> bool:
    """Whether ``storage`` keeps its files in an S3 bucket rather than on this server."""
    return isinstance(storage, S3Storage)  # a LazyObject answers for what it wraps


def private_file_response(
    file, *, filename: str, default: str, content_type: str = "application/pdf", stream: bool = False
):
    """The download of a private ``file`` (a FieldFile) as ``filename``, for a view that has already
    checked who asks: read from disk (streamed if ``stream``, for big files), or a redirect to a
    short-lived presigned link into the bucket. Raises FileNotFoundError if it is not stored (any more)."""
    storage = file.storage
    disposition = attachment(filename, default=default)
    if in_bucket(storage):
        if not storage.exists(file.name):
            raise FileNotFoundError(file.name)
        link = storage.url(
            file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.PRIVATE_FILES_LINK_SECONDS,
        )
        response: HttpResponse = HttpResponseRedirect(link)
    else:
        handle = storage.open(file.name, "rb")
        if stream:
            response = FileResponse(handle, content_type=content_type)
        else:
            with handle:
                response = HttpResponse(handle.read(), content_type=content_type)
        response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the order's link is in the page's address
    return response


def move_folder(folder: str, *, source: Storage, target: Storage) -> int:
    """Move every file under ``folder`` of ``source`` to the same name in ``target``; answers how
    many moved. Safe to run again: a file already in ``target`` is only removed from ``source``.
    A file that cannot be moved is logged and left where it was."""
    try:
        directories, files = source.listdir(folder)
    except FileNotFoundError:
        return 0
    moved = 0
    for name in files:
        path = posixpath.join(folder, name)
        try:
            if not target.exists(path):
                with source.open(path, "rb") as handle:
                    saved = target.save(path, handle)
                if saved != path:
                    target.delete(saved)
                    logger.error("Could not move %s to the private files: stored under another name", path)
                    continue
            source.delete(path)
            moved += 1
        except STORAGE_ERRORS:
            logger.exception("Could not move %s to the private files; it stays where it was", path)
    for directory in directories:
        moved += move_folder(posixpath.join(folder, directory), source=source, target=target)
    return moved
