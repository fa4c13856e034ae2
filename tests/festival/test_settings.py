import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3.base import DatabaseWrapper

from festival.settings.base import database_from_url, email_from_url, sqlite_options

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "x" * 20 + "a-long-random-production-key-for-the-check-0123456789"


def clean_environ(*drop: str) -> dict[str, str]:
    """The test process's environment without the named variables or the browser tests' async flag."""
    return {k: v for k, v in os.environ.items() if k not in {*drop, "DJANGO_ALLOW_ASYNC_UNSAFE"}}


def test_database_url_for_postgres_is_parsed():
    config = database_from_url("postgres://festival:secret@db.example.org:5433/festival")

    assert config["ENGINE"] == "festival.postgres"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example.org",
        5433,
        "festival",
        "festival",
    )


def test_postgres_connections_bind_parameters_on_the_server_and_prepare_repeated_statements():
    config = database_from_url("postgres://festival@127.0.0.1:5432/festival")

    assert config["OPTIONS"]["server_side_binding"] is True
    assert config["OPTIONS"]["prepare_threshold"] == 5
    assert config["CONN_MAX_AGE"] == 60  # prepared statements live as long as the connection


def test_database_url_for_sqlite_gets_wal_and_immediate():
    config = database_from_url("sqlite:////tmp/festival.sqlite3")

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


@pytest.mark.parametrize("url", ["not a url", "mysql://root@localhost/festival", "postgres://localhost", ""])
def test_malformed_database_url_is_refused_naming_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_malformed_email_url_is_refused_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_from_url("carrier-pigeon://coo")


def test_a_filemail_url_keeps_its_absolute_folder_as_written():
    config = email_from_url("filemail:///var/mail/festival")

    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert config["EMAIL_FILE_PATH"] == "/var/mail/festival"


@pytest.mark.parametrize("url", ["filemail://", "filemail:///", "filemail://mail/festival"])
def test_a_filemail_url_without_an_absolute_folder_is_refused_naming_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL is malformed: .*filemail:///"):
        email_from_url(url)


def test_emails_sent_with_a_filemail_url_land_in_its_folder_whatever_the_working_directory(tmp_path):
    folder, elsewhere = tmp_path / "mails", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_environ("EMAIL_URL", "DATABASE_URL")
    env.update(DJANGO_SETTINGS_MODULE="festival.settings.dev", EMAIL_URL=f"filemail://{folder}", PYTHONPATH=str(ROOT))
    send = "import django; django.setup(); from django.core import mail; mail.send_mail('Hi', 'Hi', None, ['a@b.c'])"

    result = subprocess.run([sys.executable, "-c", send], cwd=elsewhere, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert len(list(folder.glob("*.log"))) == 1
    assert list(elsewhere.iterdir()) == []


def test_sqlite_connection_really_uses_wal_and_immediate(tmp_path, django_db_blocker):
    wrapper = DatabaseWrapper(
        {
            "NAME": str(tmp_path / "wal.sqlite3"),
            "OPTIONS": sqlite_options(),
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="wal-check",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            busy_timeout = cursor.fetchone()[0]
        assert journal_mode == "wal"
        assert busy_timeout >= 5000
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "mysql://nope"), ("DEBUG", "perhaps"), ("REDIS_URL", "memcached://x"), ("EMAIL_URL", "x://y")],
)
def test_malformed_variable_stops_start_up_naming_it(variable, value):
    env = clean_environ("DATABASE_URL", "DEBUG", "REDIS_URL", "EMAIL_URL")
    env[variable] = value
    env["DJANGO_SETTINGS_MODULE"] = "festival.settings.dev"

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert variable in result.stderr


def test_production_settings_refuse_the_development_secret_key():
    env = clean_environ("SECRET_KEY")
    env["DJANGO_SETTINGS_MODULE"] = "festival.settings.production"

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("secret", [None, "whsec_festival_emulator", ""])
def test_production_settings_refuse_the_public_emulator_webhook_secret(secret):
    env = clean_environ("STRIPE_WEBHOOK_SECRET")
    env.update(DJANGO_SETTINGS_MODULE="festival.settings.production", SECRET_KEY=PRODUCTION_KEY)
    if secret is not None:
        env["STRIPE_WEBHOOK_SECRET"] = secret

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: STRIPE_WEBHOOK_SECRET" in result.stderr


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "festival.settings.production",
    "SECRET_KEY": PRODUCTION_KEY,
    "ALLOWED_HOSTS": "festival.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # the shared cache the sign-in throttle counts in
    "STRIPE_SECRET_KEY": "sk_live_the_account_s_secret_key",
    "STRIPE_WEBHOOK_SECRET": "whsec_the_endpoint_signing_secret_from_the_stripe_dashboard",
}


def start_production(**changes) -> subprocess.CompletedProcess:
    """Load the production settings with PRODUCTION_ENV changed by ``changes`` (None drops a variable)."""
    env = clean_environ(*PRODUCTION_ENV)
    env.update({k: v for k, v in {**PRODUCTION_ENV, **changes}.items() if v is not None})
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("key", [None, "", "pk_live_a_publishable_key", "whatever"])
def test_production_refuses_to_start_without_a_stripe_secret_key(key):
    result = start_production(STRIPE_SECRET_KEY=key)

    assert result.returncode != 0
    assert "ImproperlyConfigured: STRIPE_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("hosts", [None, "*", "festival.example.org,*"])
def test_production_refuses_to_start_without_its_host_names(hosts):
    result = start_production(ALLOWED_HOSTS=hosts)

    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_what_it_requires_and_hsts_preload_off_until_asked():
    off, on = start_production(), start_production(SECURE_HSTS_PRELOAD="true")

    assert (off.returncode, off.stdout.strip()) == (0, "False"), off.stderr
    assert (on.returncode, on.stdout.strip()) == (0, "True"), on.stderr


def test_check_deploy_warns_when_the_sign_in_throttle_has_no_shared_cache():
    env = clean_environ()
    env.update({k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"})
    env.pop("REDIS_URL", None)

    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip

    assert result.returncode != 0
    assert "axes.W001" in result.stdout + result.stderr


def test_production_settings_pass_check_deploy():
    env = clean_environ()
    env.update(PRODUCTION_ENV)

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
