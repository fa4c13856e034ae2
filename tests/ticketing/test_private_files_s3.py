"""Badge PDFs and bulk sheets in an S3 bucket, against a local S3 server (moto in server mode): the
site reads and writes both buckets through django-storages as it would in production, the badge
view answers the order's link with a short-lived presigned link, the private bucket answers no one
without a signature, and public images keep plain, lasting addresses in the public bucket."""

import io
import json
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.images import ImageFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage
from wagtail.images.models import Image

from festival import roles
from festival.backup import back_up
from festival.settings.storage import file_storages
from tests.ticketing.factories import UserFactory
from tests.ticketing.test_badges import qr_codes_on_page
from ticketing.models import BadgePrintJob
from ticketing.services import badges

pytestmark = pytest.mark.django_db

KEYS = {"access_key": "AKIAFESTIVALTEST", "secret_key": "festival-test-secret"}
REGION = "eu-west-2"


@pytest.fixture(scope="module")
def s3_server():
    """A local S3 server on a free port of 127.0.0.1, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def buckets(s3_server, settings):
    """A public and a private bucket of their own, set up as the README says, and the site's
    storages pointed at them through the same settings code production uses."""
    public, private = f"media-{uuid.uuid4().hex[:10]}", f"private-{uuid.uuid4().hex[:10]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION, aws_access_key_id=KEYS["access_key"],
                          aws_secret_access_key=KEYS["secret_key"])  # fmt: skip
    location = {"CreateBucketConfiguration": {"LocationConstraint": REGION}}
    client.create_bucket(Bucket=public, **location)
    client.create_bucket(Bucket=private, **location)  # private: S3's default
    # Anyone may read the public bucket's images, and nothing else in it.
    readable = [f"arn:aws:s3:::{public}/original_images/*", f"arn:aws:s3:::{public}/images/*"]
    policy = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": readable}
    client.put_bucket_policy(Bucket=public, Policy=json.dumps({"Version": "2012-10-17", "Statement": [policy]}))
    settings.STORAGES = {
        **file_storages(
            media_root=settings.MEDIA_ROOT,
            private_root=settings.PRIVATE_FILES_ROOT,
            public_bucket=public,
            private_bucket=private,
            public_url=f"{s3_server}/{public}",
            endpoint_url=s3_server,
            region=REGION,
            link_seconds=60,
            **KEYS,
        ),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    return SimpleNamespace(client=client, public=public, private=private, url=s3_server)


def keys_in(buckets, bucket):
    return sorted(o["Key"] for o in buckets.client.list_objects_v2(Bucket=bucket).get("Contents", []))


def png() -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "#b0172b").save(buffer, format="PNG")
    return ImageFile(buffer, name="poster.png")


def badge_url(ticket, token=None):
    return reverse("ticketing:badge_download", kwargs={"token": token or ticket.order.access_token,
                                                       "ticket_id": ticket.pk})  # fmt: skip


def test_a_badge_is_drawn_into_the_private_bucket_and_downloaded_through_the_view(client, buckets, make_ticket):
    ticket = make_ticket(attendee_name="Jayaben Desai")

    response = client.get(badge_url(ticket))  # the worker has not drawn it yet: the view does
    ticket.refresh_from_db()
    link = urlsplit(response["Location"])
    query = parse_qs(link.query)
    pdf = requests.get(response["Location"], timeout=10)

    assert response.status_code == 302
    assert keys_in(buckets, buckets.private) == [ticket.badge_pdf.name]
    assert keys_in(buckets, buckets.public) == []
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{buckets.url}/{buckets.private}/{ticket.badge_pdf.name}"
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="badge-{ticket.order.code}-Jayaben-Desai.pdf"'
    assert qr_codes_on_page(pdf.content) == [ticket.secret]


def test_the_attendee_s_own_badge_link_answers_with_a_short_lived_link_into_the_private_bucket(
    client, buckets, make_ticket
):
    ticket = make_ticket(attendee_name="Claudia Jones")

    response = client.get(reverse("ticketing:ticket_badge", kwargs={"token": ticket.access_token}))
    ticket.refresh_from_db()
    pdf = requests.get(response["Location"], timeout=10)

    assert response.status_code == 302
    assert keys_in(buckets, buckets.private) == [ticket.badge_pdf.name]
    assert parse_qs(urlsplit(response["Location"]).query)["X-Amz-Expires"] == ["60"]
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert pdf.status_code == 200
    assert qr_codes_on_page(pdf.content) == [ticket.secret]


def test_the_private_bucket_answers_no_one_without_a_signature(client, buckets, make_ticket):
    ticket = badges.store_badge(ticket=make_ticket())
    signed = client.get(badge_url(ticket))["Location"]
    unsigned = signed.split("?")[0]

    assert requests.get(f"{buckets.url}/{buckets.private}/{ticket.badge_pdf.name}", timeout=10).status_code == 403
    assert requests.get(unsigned, timeout=10).status_code == 403
    assert requests.get(signed, timeout=10).status_code == 200


def test_without_the_order_s_link_the_badge_view_refuses_and_links_to_nothing(client, buckets, make_ticket):
    ticket = badges.store_badge(ticket=make_ticket())
    other = make_ticket(attendee_name="Someone Else")

    for token in ("not-the-order-s-link", other.order.access_token):
        response = client.get(badge_url(ticket, token=token))

        assert response.status_code == 404
        assert buckets.private not in response.content.decode() and not response.has_header("Location")


def test_a_bulk_sheet_goes_to_the_private_bucket_and_only_organisers_get_a_link_to_it(
    client, buckets, make_ticket, live_festival, groups, door_staff, django_capture_on_commit_callbacks
):
    make_ticket(attendee_name="Jayaben Desai")
    organiser = UserFactory(username="olu")
    organiser.groups.add(groups[roles.ORGANISER])
    with django_capture_on_commit_callbacks(execute=True):
        job = badges.request_print_job(festival=live_festival, user=organiser, layout="a4")
    job.refresh_from_db()
    url = reverse("door:print_job_pdf", kwargs={"job_id": job.pk})

    anonymous = client.get(url)
    client.force_login(door_staff)
    door = client.get(url)
    client.force_login(organiser)
    page = client.get(reverse("door:print_job", kwargs={"job_id": job.pk}))
    download = client.get(url)

    assert job.status == BadgePrintJob.Status.READY
    assert keys_in(buckets, buckets.private) == [job.pdf.name] and keys_in(buckets, buckets.public) == []
    assert anonymous.status_code == 302 and buckets.url not in anonymous["Location"]  # to the sign-in page
    assert door.status_code == 403
    assert page.context["size"] == job.pdf.size > 0
    assert download.status_code == 302 and download["Location"].startswith(f"{buckets.url}/{buckets.private}/")
    assert requests.get(download["Location"], timeout=10).content[:5] == b"%PDF-"


def test_public_images_get_plain_lasting_addresses_in_the_public_bucket(buckets):
    image = Image.objects.create(title="Poster", file=png())
    rendition = image.get_rendition("width-20")

    assert image.file.url == f"{buckets.url}/{buckets.public}/{image.file.name}"
    assert rendition.url.startswith(f"{buckets.url}/{buckets.public}/images/") and "?" not in rendition.url
    for url in (image.file.url, rendition.url):
        answer = requests.get(url, timeout=10)
        assert (answer.status_code, answer.content[:4]) == (200, b"\x89PNG")
    assert keys_in(buckets, buckets.private) == []


@pytest.mark.django_db(transaction=True)  # SQLite's backup waits for the test's own open transaction
def test_a_backup_names_the_buckets_it_does_not_copy(buckets, home, tmp_path, make_ticket):
    badges.store_badge(ticket=make_ticket())

    manifest = back_up(folder=tmp_path / "backup")

    assert manifest["buckets"] == {"media": buckets.public, "private": buckets.private}
    assert manifest["file_counts"] == {} and manifest["files"] == 0
    assert not list((tmp_path / "backup").glob("*.tar.gz"))
