"""Badge PDFs and bulk sheets on this server's disk: in PRIVATE_FILES_ROOT, never under the public
MEDIA_ROOT, handed out only by the views that check who asks; files left in the old place by an
earlier version move across (ticketing's migration 0012), and a badge whose file is gone is drawn
again."""

import importlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image

from festival import roles
from festival.files import private_storage
from tests.ticketing.factories import UserFactory
from tests.ticketing.test_badges import qr_codes_on_page
from ticketing.models import BadgePrintJob, Ticket
from ticketing.services import badges

pytestmark = pytest.mark.django_db

migration = importlib.import_module("ticketing.migrations.0012_private_files")


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT, settings.PRIVATE_FILES_ROOT = tmp_path / "public", tmp_path / "private"
    return tmp_path / "public", tmp_path / "private"


@pytest.fixture
def organiser(client, groups):
    user = UserFactory(username="olu")
    user.groups.add(groups[roles.ORGANISER])
    return user


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def png() -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "#b0172b").save(buffer, format="PNG")
    return ImageFile(buffer, name="poster.png")


def badge_url(ticket, token=None):
    return reverse("ticketing:badge_download", kwargs={"token": token or ticket.order.access_token,
                                                       "ticket_id": ticket.pk})  # fmt: skip


def test_badges_and_bulk_sheets_land_in_the_private_folder_and_images_in_the_public_one(
    folders, make_ticket, live_festival, organiser, django_capture_on_commit_callbacks
):
    public, private = folders
    ticket = badges.store_badge(ticket=make_ticket(attendee_name="Jayaben Desai"))
    with django_capture_on_commit_callbacks(execute=True):
        job = badges.request_print_job(festival=live_festival, user=organiser, layout="a4")
    job.refresh_from_db()
    Image.objects.create(title="Poster", file=png()).get_rendition("width-20")

    assert job.status == BadgePrintJob.Status.READY
    assert files_under(private) == sorted([ticket.badge_pdf.name, job.pdf.name])
    assert ticket.badge_pdf.name.startswith("badges/") and job.pdf.name.startswith("badge-prints/")
    assert not [name for name in files_under(public) if not name.startswith(("original_images/", "images/"))]
    assert any(name.startswith("images/") for name in files_under(public))


def test_a_private_file_has_no_address_but_a_public_image_has(folders, make_ticket):
    ticket = badges.store_badge(ticket=make_ticket())
    image = Image.objects.create(title="Poster", file=png())

    with pytest.raises(ValueError, match="no address"):
        ticket.badge_pdf.url  # noqa: B018 - the property is what is tested
    assert image.file.url == f"/media/{image.file.name}"


def test_the_badge_comes_only_with_the_order_s_link(client, folders, make_ticket):
    ticket = badges.store_badge(ticket=make_ticket(attendee_name="Jayaben Desai"))
    other = make_ticket(attendee_name="Someone Else")

    mine = client.get(badge_url(ticket))
    wrong_token = client.get(badge_url(ticket, token="not-the-order-s-link"))
    other_order = client.get(badge_url(ticket, token=other.order.access_token))

    assert mine.status_code == 200
    assert qr_codes_on_page(mine.content) == [ticket.secret]
    assert mine["Cache-Control"] == "private, no-store"
    assert (wrong_token.status_code, other_order.status_code) == (404, 404)


def test_a_badge_whose_file_is_gone_is_drawn_again_when_downloaded(client, folders, make_ticket):
    ticket = make_ticket(attendee_name="Jayaben Desai")
    Ticket.objects.filter(pk=ticket.pk).update(badge_pdf="badges/lost-with-the-old-disk.pdf")

    response = client.get(badge_url(ticket))
    ticket.refresh_from_db()

    assert response.status_code == 200
    assert qr_codes_on_page(response.content) == [ticket.secret]
    assert ticket.badge_pdf.name != "badges/lost-with-the-old-disk.pdf"
    assert private_storage().exists(ticket.badge_pdf.name)


def test_files_stored_under_the_public_folder_by_an_earlier_version_move_to_the_private_one(
    client, folders, make_ticket, live_festival, organiser
):
    public, private = folders
    ticket = make_ticket(attendee_name="Jayaben Desai")
    pdf = badges.render_badge_pdf(ticket)
    old_badge = default_storage.save("badges/0123456789abcdef.pdf", ContentFile(pdf))
    old_sheet = default_storage.save("badge-prints/fedcba9876543210.pdf", ContentFile(b"%PDF-1.7 a sheet"))
    Ticket.objects.filter(pk=ticket.pk).update(badge_pdf=old_badge)
    image = Image.objects.create(title="Poster", file=png())

    migration.move_private_files(None, None)
    migration.move_private_files(None, None)  # again, as a migration re-run after a failure would

    assert files_under(private) == [old_sheet, old_badge]
    assert files_under(public) == [image.file.name]
    assert client.get(badge_url(ticket)).content == pdf  # the same file, found under the same name


def test_the_command_moves_what_the_migration_left_behind(folders, capsys):
    public, private = folders
    default_storage.save("badges/left-behind.pdf", ContentFile(b"%PDF-1.7 a badge"))

    call_command("move_private_files")

    assert "Moved 1 private files" in capsys.readouterr().out
    assert files_under(private) == ["badges/left-behind.pdf"] and files_under(public) == []
