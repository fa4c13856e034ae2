"""Editors build the programme in the Wagtail admin; a clash comes back as a form error, not a 500."""

from django.contrib.auth.models import User
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from programme.models import SessionPage

from .conftest import at


def session_form(title, *, start, end, stage, session_format, speakers=()):
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "summary": "",
            "description": rich_text(""),
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "end": end.strftime("%Y-%m-%d %H:%M"),
            "stage": stage.pk,
            "session_format": session_format.pk,
            "track": "",
            "language": "en",
            "step_free": "on",
            "may_be_recorded": "on",
            "speaker_links": inline_formset([{"speaker": s.pk, "role": "speaker"} for s in speakers]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


def test_admin_refuses_a_speaker_clash_with_a_message(client, programme, make_session, make_speaker, stages, formats):
    admin = User.objects.create_superuser("boss", "boss@festival.invalid", "pw")
    client.force_login(admin)
    ada = make_speaker("Ada Okafor")
    make_session("Building a union", start=at(16, 10), end=at(16, 11), stage=stages[0], speakers=[ada])
    url = f"/admin/pages/add/programme/sessionpage/{programme.pk}/"

    response = client.post(
        url,
        session_form(
            "Housing panel",
            start=at(16, 10, 30),
            end=at(16, 11, 30),
            stage=stages[1],
            session_format=formats["panel"],
            speakers=[ada],
        ),
    )

    assert response.status_code == 200
    assert "Ada Okafor is already on “Building a union”" in response.text
    assert SessionPage.objects.filter(title="Housing panel").exists() is False


def test_admin_publishes_a_session_with_speakers(client, programme, make_speaker, stages, formats):
    admin = User.objects.create_superuser("boss", "boss@festival.invalid", "pw")
    client.force_login(admin)
    ada = make_speaker("Ada Okafor")
    url = f"/admin/pages/add/programme/sessionpage/{programme.pk}/"

    response = client.post(
        url,
        session_form(
            "Rent strikes",
            start=at(16, 10),
            end=at(16, 11),
            stage=stages[0],
            session_format=formats["talk"],
            speakers=[ada],
        ),
    )

    session = SessionPage.objects.get(title="Rent strikes")
    assert response.status_code == 302
    assert session.live is True
    assert [link.speaker_id for link in session.speaker_links.all()] == [ada.pk]
    assert session.revisions.count() == 1


def test_editor_role_can_manage_stages(db, home):
    from festival import roles

    groups = roles.sync_roles(root_page=Page.objects.get(pk=home.pk))
    editor = User.objects.create_user("esme")
    editor.groups.set([groups[roles.EDITOR]])

    assert editor.has_perms(["programme.add_stage", "programme.change_track", "programme.delete_sessionformat"])


def test_editor_reorders_stages_in_the_admin_listing(client, db, home, stages):
    from festival import roles

    groups = roles.sync_roles(root_page=Page.objects.get(pk=home.pk))
    editor = User.objects.create_user("esme", is_staff=False)
    editor.groups.set([groups[roles.EDITOR]])
    client.force_login(editor)

    response = client.get("/admin/snippets/programme/stage/")

    assert response.status_code == 200
    assert "Main Hall" in response.text
    assert "Tolpuddle Room" in response.text


def test_editor_previews_a_session_with_its_speakers(client, programme, make_session, make_speaker, stages, formats):
    admin = User.objects.create_superuser("boss", "boss@festival.invalid", "pw")
    client.force_login(admin)
    ada, ben = make_speaker("Ada Okafor"), make_speaker("Ben Llewellyn")
    session = make_session("Rent strikes", start=at(16, 10), end=at(16, 11), stage=stages[0], speakers=[ada])
    preview_url = f"/admin/pages/{session.pk}/edit/preview/"
    data = session_form(
        "Rent strikes",
        start=at(16, 10),
        end=at(16, 11),
        stage=stages[0],
        session_format=formats["talk"],
        speakers=[ben],
    )

    assert client.post(preview_url, data).json()["is_valid"] is True
    response = client.get(preview_url)

    assert response.status_code == 200
    assert "Ben Llewellyn" in response.text  # from the form, not yet saved anywhere
    assert session.speaker_links.count() == 1


def test_admin_saves_a_clashing_draft_but_refuses_to_publish_it(client, programme, make_session, stages, formats):
    client.force_login(User.objects.create_superuser("boss", "boss@festival.invalid", "pw"))
    make_session("Who owns the weather", start=at(16, 10), end=at(16, 11), stage=stages[0])
    session = make_session("Movable", start=at(16, 14), end=at(16, 15), stage=stages[0])
    url = f"/admin/pages/{session.pk}/edit/"
    moved = session_form(
        "Movable", start=at(16, 10, 30), end=at(16, 11, 30), stage=stages[0], session_format=formats["talk"]
    )
    draft = {key: value for key, value in moved.items() if key != "action-publish"}

    saved = client.post(url, draft)
    published = client.post(url, moved)

    assert saved.status_code == 302
    assert [r.as_object().start for r in session.revisions.all()] == [at(16, 10, 30)]  # the draft, kept
    assert published.status_code == 200
    assert "Main Hall is already booked for “Who owns the weather”" in published.text
    session.refresh_from_db()
    assert (session.start, session.live) == (at(16, 14), True)
