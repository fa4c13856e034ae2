"""Where files are kept: two storages, read from the environment (see ``festival/files.py``).

``default`` holds public media: Wagtail's images (and their renditions) and documents.
``private`` holds what only the site may hand out, after its own access check: badge PDFs and
bulk badge sheets. Each is a folder on this server (``MEDIA_ROOT``, ``PRIVATE_FILES_ROOT``) or,
when its bucket is named, an S3-compatible bucket (django-storages' ``S3Storage``). Receipts are
made when asked for and never stored.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
PUBLIC_FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
PRIVATE_FILESYSTEM_BACKEND = "festival.files.PrivateFileSystemStorage"
# A presigned link to a private file is made after the access check, for one download: a minute
# is plenty for a browser to follow a redirect, and an hour is S3's own default, far too long.
LINK_SECONDS_RANGE = (5, 900)


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{name} is malformed: expected an http(s):// address, got {value!r}")
    return value.rstrip("/")


def _inside(inner: Path, outer: Path) -> bool:
    inner, outer = inner.resolve(), outer.resolve()
    return inner == outer or outer in inner.parents


def file_storages(
    *,
    media_root: Path,
    private_root: Path,
    public_bucket: str = "",
    private_bucket: str = "",
    public_url: str = "",
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    link_seconds: int = 60,
) -> dict:
    """The ``default`` (public) and ``private`` entries of Django's STORAGES. Raises
    ImproperlyConfigured, naming the variable, for a configuration that would not work or would
    publish private files."""
    if _inside(private_root, media_root) or _inside(media_root, private_root):
        raise ImproperlyConfigured(
            f"PRIVATE_FILES_ROOT ({private_root}) and MEDIA_ROOT ({media_root}) must be separate folders, "
            "neither inside the other: MEDIA_ROOT is public, and badge PDFs must never be served from it"
        )
    if not (public_bucket or private_bucket):
        named = [n for n, v in (("S3_ENDPOINT_URL", endpoint_url), ("S3_ACCESS_KEY_ID", access_key),
                                ("PUBLIC_MEDIA_URL", public_url)) if v]  # fmt: skip
        if named:
            raise ImproperlyConfigured(
                f"{named[0]} is set but no bucket is: set PUBLIC_MEDIA_BUCKET and/or PRIVATE_FILES_BUCKET, "
                f"or unset {named[0]} to keep files on this server"
            )
        return {
            "default": {"BACKEND": PUBLIC_FILESYSTEM_BACKEND},
            "private": {"BACKEND": PRIVATE_FILESYSTEM_BACKEND},
        }
    bucket_variable = "PUBLIC_MEDIA_BUCKET" if public_bucket else "PRIVATE_FILES_BUCKET"
    if not (access_key and secret_key):
        missing = " and ".join(n for n, v in (("S3_ACCESS_KEY_ID", access_key), ("S3_SECRET_ACCESS_KEY", secret_key))
                               if not v)  # fmt: skip
        raise ImproperlyConfigured(f"{bucket_variable} is set but {missing} is not: a bucket needs both S3 keys")
    if public_bucket and public_bucket == private_bucket:
        raise ImproperlyConfigured(
            "PRIVATE_FILES_BUCKET must be another bucket than PUBLIC_MEDIA_BUCKET: the public one is readable by anyone"
        )
    low, high = LINK_SECONDS_RANGE
    if not low <= link_seconds <= high:
        raise ImproperlyConfigured(
            f"PRIVATE_FILES_LINK_SECONDS is malformed: expected {low} to {high} seconds, got {link_seconds}"
        )
    connection = {
        "access_key": access_key,
        "secret_key": secret_key,
        "endpoint_url": _http_url("S3_ENDPOINT_URL", endpoint_url) if endpoint_url else None,
        "region_name": region or None,
        "file_overwrite": False,  # never replace a file under another's name
        "default_acl": None,  # each bucket's own policy decides who reads it, not per-object ACLs
    }
    storages = {}
    if public_bucket:
        if not public_url:
            raise ImproperlyConfigured(
                "PUBLIC_MEDIA_BUCKET is set but PUBLIC_MEDIA_URL is not: give the address its objects are read "
                "at, e.g. https://festival-media.s3.eu-west-2.amazonaws.com or https://media.festival.example.org"
            )
        parts = urlsplit(_http_url("PUBLIC_MEDIA_URL", public_url))
        storages["default"] = {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **connection,
                "bucket_name": public_bucket,
                "querystring_auth": False,  # plain, lasting addresses for pages to link to
                "url_protocol": f"{parts.scheme}:",
                "custom_domain": parts.netloc + parts.path,
            },
        }
    else:
        storages["default"] = {"BACKEND": PUBLIC_FILESYSTEM_BACKEND}
    if private_bucket:
        storages["private"] = {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **connection,
                "bucket_name": private_bucket,
                "querystring_auth": True,  # every address is signed ...
                "querystring_expire": link_seconds,  # ... and short-lived
            },
        }
    else:
        storages["private"] = {"BACKEND": PRIVATE_FILESYSTEM_BACKEND}
    return storages


def media_origin(storages: dict) -> str | None:
    """The origin pages load public images from when they are in a bucket (for the CSP), else None."""
    public = storages["default"]
    if public["BACKEND"] != S3_BACKEND:
        return None
    options = public["OPTIONS"]
    return f"{options['url_protocol']}//{options['custom_domain'].split('/')[0]}"
