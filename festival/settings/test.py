"""Tests: fast hashing, email kept in memory, tasks run at once."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
_FILES = Path(tempfile.mkdtemp(prefix="festival-test-files-"))
MEDIA_ROOT = _FILES / "public"  # the storages follow these two (festival/files.py)
PRIVATE_FILES_ROOT = _FILES / "private"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file rather than memory, so live-server tests serve parallel requests on real connections.
    DATABASES["default"]["TEST"] = {
        "NAME": f"{tempfile.gettempdir()}/festival-test-{__import__('os').getpid()}.sqlite3"
    }
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
ALLOWED_HOSTS = ["*"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
