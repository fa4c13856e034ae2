"""The imports in the Wagtail admin, through the test client: who may, upload, preview, confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from festival import roles
from imports import staging
from imports.files import MAX_BYTES
from programme.models import SessionPage
from tests.imports.conftest import csv_bytes
from ticketing.models import Order

HEAD = ["name", "email", "ticket_type"]
GOOD = [HEAD, ["Rosa Luxemburg", "rosa@example.org", "Speaker"], ["Tom Mann", "tom@example.org", "Volunteer"]]


def upload(client, kind, content, festival, *, name="people.csv", publish=False):
    data = {"edition": festival.pk, "file": SimpleUploadedFile(name, content, content_type="text/csv")}
    if publish:
        data["publish"] = "on"
    return client.post(reverse("imports_upload", kwargs={"kind": kind}), data)


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        (roles.ORGANISER, ["speakers", "sessions", "complimentary"]),
        (roles.EDITOR, ["speakers", "sessions"]),
        (roles.BOX_OFFICE, ["complimentary"]),
    ],
)
def test_each_role_sees_the_imports_it_may_run(client, signed_in, festival, role, kinds):
    signed_in(role)
    index = client.get(reverse("imports_index"))
    home = client.get(reverse("wagtailadmin_home"))

    assert index.status_code == 200 and reverse("imports_index") in home.content.decode()
    for kind in ("speakers", "sessions", "complimentary"):
        page = client.get(reverse("imports_upload", kwargs={"kind": kind}))
        assert page.status_code == (200 if kind in kinds else 403), kind


@pytest.mark.parametrize("role", [roles.FINANCE, roles.DOOR_STAFF])
def test_roles_without_imports_are_refused(client, signed_in, festival, comp_types, role):
    signed_in(role)
    assert client.get(reverse("imports_index")).status_code in (403, 302)
    response = upload(client, "complimentary", csv_bytes(GOOD), festival)
    assert response.status_code in (403, 302) and Order.objects.count() == 0


def test_upload_previews_then_confirm_issues_the_tickets(client, signed_in, festival, comp_types):
    signed_in(roles.BOX_OFFICE)
    preview = upload(client, "complimentary", csv_bytes(GOOD), festival)

    text = preview.content.decode()
    assert preview.status_code == 200 and "2 to create, 0 to update." in text and "Rosa Luxemburg" in text
    assert Order.objects.count() == 0
    token = preview.context["token"]

    done = client.post(reverse("imports_confirm", kwargs={"kind": "complimentary"}), {"token": token}, follow=True)

    assert "2 created, 0 updated" in done.content.decode()
    assert sorted(Order.objects.values_list("buyer_email", flat=True)) == ["rosa@example.org", "tom@example.org"]
    # The kept file is gone: confirming again writes nothing more.
    again = client.post(reverse("imports_confirm", kwargs={"kind": "complimentary"}), {"token": token}, follow=True)
    assert "has expired" in again.content.decode() and Order.objects.count() == 2


def test_a_preview_with_row_errors_lists_them_and_offers_no_confirm(client, signed_in, festival, comp_types):
    signed_in(roles.BOX_OFFICE)
    response = upload(client, "complimentary", csv_bytes([*GOOD, ["Ann", "nope", "Speaker"], GOOD[1]]), festival)

    text = response.content.decode()
    assert "2 of 4 rows have errors; nothing has been written." in text
    assert "“nope” is not an email address." in text and "This person is already on row 2." in text
    assert "Confirm and import" not in text and response.context["token"] is None


def test_confirm_checks_again_and_writes_nothing_if_the_edition_changed(client, signed_in, festival, comp_types):
    signed_in(roles.BOX_OFFICE)
    token = upload(client, "complimentary", csv_bytes(GOOD), festival).context["token"]
    comp_types["speaker"].capacity = 0
    comp_types["speaker"].save()

    response = client.post(reverse("imports_confirm", kwargs={"kind": "complimentary"}), {"token": token})

    assert response.status_code == 409 and "Speaker has 0 places left" in response.content.decode()
    assert Order.objects.count() == 0


def test_a_token_from_another_preview_or_person_confirms_nothing(client, signed_in, festival, comp_types):
    signed_in(roles.BOX_OFFICE)
    upload(client, "complimentary", csv_bytes(GOOD), festival)

    response = client.post(
        reverse("imports_confirm", kwargs={"kind": "complimentary"}), {"token": "guess"}, follow=True
    )
    assert "has expired" in response.content.decode()
    signed_in(roles.ORGANISER)  # the same browser, another person: their session has no kept file
    client.post(reverse("imports_confirm", kwargs={"kind": "complimentary"}), {"token": "guess"})
    assert Order.objects.count() == 0


def test_the_kept_file_is_on_the_server_not_in_the_form(client, signed_in, festival, comp_types):
    user = signed_in(roles.BOX_OFFICE)
    preview = upload(client, "complimentary", csv_bytes(GOOD), festival)

    entry = client.session[staging.SESSION_KEY]
    assert entry["user"] == user.pk and entry["path"] not in preview.content.decode()
    with open(entry["path"], "rb") as kept:
        assert kept.read() == csv_bytes(GOOD)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "people.csv", "The file is empty"),
        (csv_bytes(GOOD, encoding="latin-1").replace(b"Rosa", b"R\xf6sa"), "people.csv", "not in UTF-8"),
        (csv_bytes(GOOD, delimiter=";"), "people.csv", "separated by semicolons"),
        (
            csv_bytes([["name", "mail", "ticket_type"], ["A", "a@example.org", "Speaker"]]),
            "people.csv",
            "Missing columns: email.",
        ),
        (b"%PDF-1.7\x00\x00", "people.pdf", "not a spreadsheet"),
        (b"PK\x03\x04broken", "people.xlsx", "not a spreadsheet"),
        (b"a" * (MAX_BYTES + 10), "people.csv", "the most we take is 5 MB"),
    ],
    ids=["empty", "encoding", "delimiter", "headings", "not-a-spreadsheet", "broken-xlsx", "oversized"],
)
def test_a_bad_file_gets_its_message_on_the_file_field_and_never_a_500(client, signed_in, festival, comp_types,
                                                                        content, name, message):  # fmt: skip
    signed_in(roles.BOX_OFFICE)
    response = upload(client, "complimentary", content, festival, name=name)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'aria-invalid="true"' in response.content.decode() or "error-message" in response.content.decode()
    assert Order.objects.count() == 0


def test_sessions_import_through_the_admin_as_published(client, signed_in, festival, programme, speaker_index,
                                                         stages, formats, tracks):  # fmt: skip
    signed_in(roles.EDITOR)
    rows = [["title", "start", "end", "stage", "format"],
            ["Mass strike", "2026-10-16 10:00", "2026-10-16 11:00", "Main Hall", "Talk"]]  # fmt: skip
    preview = upload(client, "sessions", csv_bytes(rows), festival, name="s.csv", publish=True)
    assert "1 to create, 0 to update." in preview.content.decode() and SessionPage.objects.count() == 0

    client.post(reverse("imports_confirm", kwargs={"kind": "sessions"}), {"token": preview.context["token"]})

    assert SessionPage.objects.get(slug="mass-strike").live
