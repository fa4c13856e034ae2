from .conftest import at


def test_site_search_finds_sessions_by_title_and_by_speaker(client, make_session, make_speaker):
    ada = make_speaker("Ada Okafor", organisation="Tenants Together Leeds")
    make_session("Rent strikes that won", start=at(16, 10), end=at(16, 11), speakers=[ada], publish=True)

    by_title = client.get("/search/", {"q": "rent strikes"})
    by_speaker = client.get("/search/", {"q": "Okafor"})

    assert "Rent strikes that won" in by_title.text
    assert "Ada Okafor" in by_speaker.text
    assert "Rent strikes that won" in by_speaker.text


def test_site_search_finds_a_speaker_by_organisation(client, make_speaker):
    make_speaker("Ada Okafor", organisation="Tenants Together Leeds")

    response = client.get("/search/", {"q": "Tenants Together"})

    assert "Ada Okafor" in response.text


def test_site_search_does_not_find_a_session_by_a_draft_or_private_speaker(client, make_session, make_speaker):
    from wagtail.models import PageViewRestriction

    ada = make_speaker("Ada Okafor")
    draft, private = make_speaker("Cleo Draftname"), make_speaker("Dana Privatename")
    draft.unpublish()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    speakers = [ada, draft, private]
    make_session("Rent strikes that won", start=at(16, 10), end=at(16, 11), speakers=speakers, publish=True)

    assert "Rent strikes that won" in client.get("/search/", {"q": "Okafor"}).text
    assert "Rent strikes that won" not in client.get("/search/", {"q": "Draftname"}).text
    assert "Rent strikes that won" not in client.get("/search/", {"q": "Privatename"}).text


def test_publishing_a_speaker_later_makes_their_sessions_findable_by_their_name_and_unpublishing_undoes_it(
    client, make_session, make_speaker
):
    cleo = make_speaker("Cleo Latename")
    cleo.unpublish()
    make_session("Rent strikes that won", start=at(16, 10), end=at(16, 11), speakers=[cleo], publish=True)
    assert "Rent strikes that won" not in client.get("/search/", {"q": "Latename"}).text

    cleo.save_revision().publish()

    assert "Rent strikes that won" in client.get("/search/", {"q": "Latename"}).text

    cleo.refresh_from_db()
    cleo.unpublish()

    assert "Rent strikes that won" not in client.get("/search/", {"q": "Latename"}).text
