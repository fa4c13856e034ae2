"""The voter's pages: the ballot link, casting from a phone, receipts, the badge code."""

from datetime import date

from django.templatetags.static import static
from django.urls import reverse

from assembly import links, voting
from assembly.models import Ballot, Vote
from festival.demo import upsert_child
from festival.models import FestivalPage
from ticketing.services import boxoffice

from ..ticketing.factories import UserFactory


def test_the_ballot_page_lists_the_open_vote_with_its_form(client, member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)

    response = client.get(reverse("assembly:ballot", kwargs={"token": links.ballot_token(ticket)}))

    assert response.status_code == 200
    assert reverse("assembly:cast", kwargs={"token": links.ballot_token(ticket), "vote_id": vote.pk}) in (
        response.content.decode()
    )
    assert response["Cache-Control"] == "private, no-store"


def test_the_private_ballot_pages_offer_no_card_to_share(client, member, make_vote):
    # The address holds the badge's vote: no canonical link or share card pointing anywhere from it.
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    token = links.ballot_token(ticket)

    page = client.get(reverse("assembly:ballot", kwargs={"token": token})).content.decode()
    done = client.post(reverse("assembly:cast", kwargs={"token": token, "vote_id": vote.pk}), {"choice": "yes"})

    for html in (page, done.content.decode()):
        assert 'rel="canonical"' not in html
        assert "og:title" not in html
        assert 'name="robots" content="noindex"' in html


def test_the_ballot_page_reads_the_same_few_rows_however_many_votes_are_open(
    client, member, make_vote, django_assert_max_num_queries
):
    ticket = member()
    for title in ("First", "Second", "Third"):
        voting.open_vote(vote_id=make_vote(title=title).pk)
    url = reverse("assembly:ballot", kwargs={"token": links.ballot_token(ticket)})
    client.get(url)  # the site's header and footer, cached once

    with django_assert_max_num_queries(3):  # the ticket with its order and edition, the votes, the electors
        response = client.get(url)

    assert response.content.decode().count("Cast my ballot") == 3
    assert "Voting as" in response.content.decode()


def test_a_ballot_is_cast_with_four_statements_and_the_link_checked_inside(
    client, member, make_vote, django_assert_max_num_queries
):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    url = reverse("assembly:cast", kwargs={"token": links.ballot_token(ticket), "vote_id": vote.pk})
    client.get(reverse("assembly:ballot", kwargs={"token": links.ballot_token(ticket)}))  # the header, cached

    # The vote; then, in one transaction (a savepoint in tests), claim, read back, insert.
    with django_assert_max_num_queries(6):
        response = client.post(url, {"choice": "yes"})

    assert response.status_code == 200
    assert Ballot.objects.count() == 1


def test_casting_from_the_page_answers_with_a_receipt_and_never_the_choice(client, member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    url = reverse("assembly:cast", kwargs={"token": links.ballot_token(ticket), "vote_id": vote.pk})

    response = client.post(url, {"choice": "abstain"})
    again = client.post(url, {"choice": "yes"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your ballot is in" in page
    assert "abstain" not in page.lower()
    assert again.status_code == 409
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["abstain"]


def test_a_forged_link_is_refused_with_403(client, member, make_vote):
    member()
    vote = voting.open_vote(vote_id=make_vote().pk)

    page = client.get(reverse("assembly:ballot", kwargs={"token": "forged:abc:def"}))
    cast = client.post(
        reverse("assembly:cast", kwargs={"token": "forged:abc:def", "vote_id": vote.pk}), {"choice": "yes"}
    )

    assert (page.status_code, cast.status_code) == (403, 403)
    assert Ballot.objects.count() == 0


def test_someone_outside_the_electorate_is_refused_with_403(client, make_ticket, make_vote):
    outsider = make_ticket()  # not checked in
    vote = voting.open_vote(vote_id=make_vote().pk)

    response = client.post(
        reverse("assembly:cast", kwargs={"token": links.ballot_token(outsider), "vote_id": vote.pk}), {"choice": "yes"}
    )

    assert response.status_code == 403
    assert Ballot.objects.count() == 0


def test_a_ranked_ballot_is_posted_as_numbers(client, member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote(method=Vote.Method.RANKED, candidates=["Ada", "Bo", "Cy"]).pk)
    ada, bo, cy = vote.candidates.all()
    url = reverse("assembly:cast", kwargs={"token": links.ballot_token(ticket), "vote_id": vote.pk})

    response = client.post(url, {f"rank_{cy.pk}": "1", f"rank_{ada.pk}": "2", f"rank_{bo.pk}": ""})

    assert response.status_code == 200
    assert list(Ballot.objects.values_list("choice", flat=True)) == [[cy.pk, ada.pk]]


def test_the_receipt_page_says_counted_and_not_the_choice(client, member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    receipt = voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice="no")

    found = client.get(reverse("assembly:receipt"), {"receipt": receipt})
    unknown = client.get(reverse("assembly:receipt"), {"receipt": "nope"})

    assert found.status_code == 200
    assert "Counted" in found.content.decode()
    assert ">no<" not in found.content.decode().lower()
    assert unknown.status_code == 404


def test_the_badge_code_leads_to_the_ballot_link(client, member):
    ticket = member()

    response = client.post(reverse("assembly:badge"), {"code": ticket.secret})
    wrong = client.post(reverse("assembly:badge"), {"code": "not-a-badge"})

    assert response.status_code == 302
    assert response["Location"] == reverse("assembly:ballot", kwargs={"token": links.ballot_token(ticket)})
    assert wrong.status_code == 400


def test_the_badge_page_may_use_the_camera_to_scan_the_badge(client, db):
    # The site's policy refuses the camera everywhere; this page scans the badge's QR code with it.
    response = client.get(reverse("assembly:badge"))

    policy = dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))
    assert policy["camera"] == "(self)"
    assert policy["microphone"] == "()"
    assert static("assembly/badge-scan.js") in response.content.decode()


def test_the_camera_is_allowed_on_the_badge_page_only(client, member):
    ticket = member()

    ballot = client.get(reverse("assembly:ballot", kwargs={"token": links.ballot_token(ticket)}))

    assert "camera=()" in ballot["Permissions-Policy"]


def test_the_order_page_links_each_badge_to_its_ballot_and_motions(client, member):
    ticket = member()

    page = client.get(reverse("ticketing:order", kwargs={"token": ticket.order.access_token})).content.decode()

    token = links.ballot_token(ticket)
    assert reverse("assembly:ballot", kwargs={"token": token}) in page
    assert reverse("assembly:member_motions", kwargs={"token": token}) in page


def test_a_replaced_badges_old_link_casts_nothing_before_or_after_the_new_one_votes(client, member, make_vote):
    ticket = member()
    vote = voting.open_vote(vote_id=make_vote().pk)
    old = reverse("assembly:cast", kwargs={"token": links.ballot_token(ticket), "vote_id": vote.pk})
    boxoffice.reissue_badge(ticket=ticket, user=UserFactory(username="box"))
    ticket.refresh_from_db()
    new = reverse("assembly:cast", kwargs={"token": links.ballot_token(ticket), "vote_id": vote.pk})

    before = client.post(old, {"choice": "no"})
    counted = client.post(new, {"choice": "yes"})
    after = client.post(old, {"choice": "no"})

    assert before.status_code == after.status_code == 403
    assert "This badge has been replaced" in before.content.decode()
    assert "This badge has been replaced" in after.content.decode()
    assert counted.status_code == 200
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]


def test_a_ballot_for_another_editions_vote_is_refused_and_casts_nothing(client, member, make_vote, home):
    ticket = member()
    other = upsert_child(home, FestivalPage, slug="other-edition", title="Other edition",
                         start_date=date(2027, 7, 1), end_date=date(2027, 7, 2), venue_name="Hall")  # fmt: skip
    elsewhere = voting.open_vote(vote_id=Vote.objects.create(festival=other, title="Elsewhere").pk)

    response = client.post(
        reverse("assembly:cast", kwargs={"token": links.ballot_token(ticket), "vote_id": elsewhere.pk}),
        {"choice": "yes"},
    )

    assert response.status_code in (403, 404)
    assert Ballot.objects.count() == 0
