"""Backups you have restored: `manage.py backup`, then `manage.py restore` into an empty database and
empty public and private folders, in another process as an operator would, finds every order,
ticket, badge and check-in, and each file back in its own folder."""

import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from door.checkin import check_in
from ticketing.models import CheckIn, Order, Ticket
from ticketing.services import badges

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = """
import json
from ticketing.models import CheckIn, Order, Ticket
print(json.dumps({
    "orders": sorted(Order.objects.values_list("code", flat=True)),
    "tickets": sorted(Ticket.objects.values_list("attendee_name", flat=True)),
    "check_ins": CheckIn.objects.filter(result="admitted").count(),
    "badges": {t.attendee_name: t.badge_pdf.read().hex() for t in Ticket.objects.exclude(badge_pdf="")},
}))
"""


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the kind the tests run on, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"festival_restore_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_manage(*args, database_url, files):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="festival.settings.dev", DATABASE_URL=database_url,
               MEDIA_ROOT=str(files / "public"), PRIVATE_FILES_ROOT=str(files / "private"))  # fmt: skip
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_restored_backup_has_every_order_ticket_badge_and_check_in(
    tmp_path, settings, make_ticket, door_staff, live_festival, empty_database
):
    settings.MEDIA_ROOT, settings.PRIVATE_FILES_ROOT = tmp_path / "public", tmp_path / "private"
    (tmp_path / "public" / "original_images").mkdir(parents=True)
    (tmp_path / "public" / "original_images" / "poster.png").write_bytes(b"a public image")
    tickets = [make_ticket(attendee_name=name) for name in ("Rosa Luxemburg", "Clara Zetkin", "Tony Benn")]
    for ticket in tickets:
        badges.store_badge(ticket=Ticket.objects.get(pk=ticket.pk))
    check_in(festival=live_festival, staff_id=door_staff.pk, door="Main", nonce="n-1", code=tickets[0].secret)
    before = {
        "orders": sorted(Order.objects.values_list("code", flat=True)),
        "tickets": sorted(t.attendee_name for t in tickets),
        "check_ins": CheckIn.objects.filter(result="admitted").count(),
        "badges": {t.attendee_name: t.badge_pdf.read().hex() for t in Ticket.objects.all()},
    }

    call_command("backup", to=str(tmp_path / "backup"))
    restored = run_manage("restore", "--from", str(tmp_path / "backup"),
                          database_url=empty_database, files=tmp_path / "restored")  # fmt: skip
    after = run_manage("shell", "-c", REPORT, database_url=empty_database, files=tmp_path / "restored")

    assert restored.returncode == 0, restored.stderr
    assert "every row and file arrived" in restored.stdout
    assert json.loads(after.stdout.strip().splitlines()[-1]) == before
    assert before["check_ins"] == 1 and len(before["badges"]) == 3
    # Each file went back to its own kind of folder: the badges never into the public one.
    assert (tmp_path / "restored" / "public" / "original_images" / "poster.png").read_bytes() == b"a public image"
    assert len(list((tmp_path / "restored" / "private" / "badges").iterdir())) == 3
    assert not (tmp_path / "restored" / "public" / "badges").exists()


def test_a_backup_is_never_written_over_another(tmp_path, home):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "manifest.json").write_text("{}")

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", to=str(tmp_path / "backup"))


def test_a_restore_into_a_database_in_use_is_refused_and_changes_nothing(tmp_path, settings, home):
    settings.MEDIA_ROOT, settings.PRIVATE_FILES_ROOT = tmp_path / "public", tmp_path / "private"
    call_command("backup", to=str(tmp_path / "backup"))
    pages = connection.cursor().execute("SELECT COUNT(*) FROM wagtailcore_page").fetchone()[0]

    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", "--from", str(tmp_path / "backup"))

    assert connection.cursor().execute("SELECT COUNT(*) FROM wagtailcore_page").fetchone()[0] == pages


def test_a_folder_that_is_not_a_backup_is_refused_clearly(tmp_path, home):
    with pytest.raises(CommandError, match="no manifest.json"):
        call_command("restore", "--from", str(tmp_path))
