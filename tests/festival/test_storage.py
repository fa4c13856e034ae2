"""The two storages read from the environment (festival/settings/storage.py): folders on this server
by default, S3-compatible buckets when named, and a clear refusal of a configuration that would not
work or would publish private files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from festival.settings.storage import file_storages, media_origin
from tests.festival.test_settings import PRODUCTION_ENV, ROOT, clean_environ

FOLDERS = {"media_root": Path("/var/lib/festival/media"), "private_root": Path("/var/lib/festival/private")}
BUCKETS = {
    "public_bucket": "festival-media",
    "private_bucket": "festival-private",
    "public_url": "https://media.festival.example.org",
    "access_key": "AKIAEXAMPLE",
    "secret_key": "example-secret",
}


def test_without_buckets_both_storages_are_folders_on_this_server():
    storages = file_storages(**FOLDERS)

    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["BACKEND"] == "festival.files.PrivateFileSystemStorage"
    assert media_origin(storages) is None


def test_with_buckets_private_links_are_signed_and_short_lived_and_public_ones_plain():
    storages = file_storages(**FOLDERS, **BUCKETS, endpoint_url="https://s3.example-provider.net", link_seconds=45)
    public, private = storages["default"]["OPTIONS"], storages["private"]["OPTIONS"]

    assert storages["private"]["BACKEND"] == storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (private["bucket_name"], private["querystring_auth"], private["querystring_expire"]) == (
        "festival-private", True, 45
    )  # fmt: skip
    assert (public["bucket_name"], public["querystring_auth"]) == ("festival-media", False)
    assert public["endpoint_url"] == private["endpoint_url"] == "https://s3.example-provider.net"
    assert media_origin(storages) == "https://media.festival.example.org"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"secret_key": ""}, "PUBLIC_MEDIA_BUCKET is set but S3_SECRET_ACCESS_KEY is not"),
        ({"public_bucket": "", "access_key": ""}, "PRIVATE_FILES_BUCKET is set but S3_ACCESS_KEY_ID is not"),
        ({"public_url": ""}, "PUBLIC_MEDIA_BUCKET is set but PUBLIC_MEDIA_URL is not"),
        ({"public_url": "media.festival.example.org"}, "PUBLIC_MEDIA_URL is malformed"),
        ({"endpoint_url": "s3.example-provider.net"}, "S3_ENDPOINT_URL is malformed"),
        ({"private_bucket": "festival-media"}, "PRIVATE_FILES_BUCKET must be another bucket"),
        ({"link_seconds": 3600}, "PRIVATE_FILES_LINK_SECONDS is malformed"),
        ({"public_bucket": "", "private_bucket": "", "public_url": ""}, "S3_ACCESS_KEY_ID is set but no bucket"),
        ({"private_root": Path("/var/lib/festival/media/private")}, "must be separate folders"),
        ({"media_root": Path("/var/lib/festival/private")}, "must be separate folders"),
    ],
)
def test_a_configuration_that_would_fail_or_publish_private_files_is_refused_by_name(changes, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        file_storages(**{**FOLDERS, **BUCKETS, **changes})


def production(**changes) -> subprocess.CompletedProcess:
    env = clean_environ(*PRODUCTION_ENV, "PUBLIC_MEDIA_BUCKET", "PRIVATE_FILES_BUCKET", "S3_ACCESS_KEY_ID")
    env.update({**PRODUCTION_ENV, **changes})
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_with_a_bucket_but_no_keys():
    result = production(PRIVATE_FILES_BUCKET="festival-private")

    assert result.returncode != 0
    assert "ImproperlyConfigured: PRIVATE_FILES_BUCKET is set but S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY" in (
        result.stderr
    )


def test_production_with_buckets_lets_pages_show_images_from_the_public_one_and_passes_check_deploy():
    buckets = {"PUBLIC_MEDIA_BUCKET": "festival-media", "PUBLIC_MEDIA_URL": "https://media.festival.example.org",
               "PRIVATE_FILES_BUCKET": "festival-private", "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
               "S3_SECRET_ACCESS_KEY": "example-secret", "S3_REGION": "eu-west-2"}  # fmt: skip
    env = clean_environ(*PRODUCTION_ENV)
    env.update({**PRODUCTION_ENV, **buckets})

    started = production(**buckets)
    checked = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                             cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip

    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout) == ["'self'", "data:", "blob:", "https://media.festival.example.org"]
    assert checked.returncode == 0, checked.stdout + checked.stderr
