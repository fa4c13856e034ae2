"""The record: a PDF minute and CSV or XLSX exports (django-import-export) of motions and votes."""

import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assembly import voting
from assembly.models import Amendment, Motion
from festival import roles

from ..ticketing.factories import UserFactory


@pytest.fixture
def organiser(groups):
    user = UserFactory(username="organiser")
    user.groups.add(groups[roles.ORGANISER])
    return user


@pytest.fixture
def assembly_run(live_festival, member, make_vote):
    motion = Motion.objects.create(festival=live_festival, title="Register as a party", text="We register now.",
                                   proposer_name="Ada")  # fmt: skip
    Amendment.objects.create(motion=motion, text="We register next year.", proposer_name="Bo")
    tickets = [member() for _ in range(3)]
    vote = voting.open_vote(vote_id=make_vote(title="Register as a party", motion=motion).pk)
    for ticket, choice in zip(tickets, ["yes", "yes", "no"], strict=True):
        voting.cast_ballot(vote=vote, ticket_id=ticket.pk, choice=choice)
    return voting.close_vote(vote_id=vote.pk)


def test_the_minute_holds_the_motions_amendments_results_and_turnout(client, organiser, assembly_run, tmp_path):
    client.force_login(organiser)

    response = client.get(reverse("assembly_minute", args=[assembly_run.festival_id]))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    (tmp_path / "minute.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "minute.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Register as a party" in text and "Proposed by Ada" in text
    assert "Carried" in text and "Turnout: 3 of an electorate of 3." in text


def test_the_votes_export_has_the_outcome_and_turnout_but_no_ballot(client, organiser, assembly_run):
    client.force_login(organiser)

    votes = client.get(reverse("assembly_export", args=[assembly_run.festival_id, "votes", "csv"])).content.decode()
    motions = client.get(reverse("assembly_export", args=[assembly_run.festival_id, "motions", "csv"])).content.decode()

    assert "Carried: Yes 2, No 1, Abstain 0" in votes
    assert ",3," in votes  # electorate and turnout
    assert "Register as a party" in motions and "We register now." in motions


def test_the_record_exports_as_a_spreadsheet_that_opens(client, organiser, assembly_run):
    Motion.objects.filter(festival_id=assembly_run.festival_id).update(
        text="We register now.\x07", original_text='=HYPERLINK("http://x")'
    )  # a control character typed in, and a formula
    client.force_login(organiser)

    response = client.get(reverse("assembly_export", args=[assembly_run.festival_id, "motions", "xlsx"]))
    votes = client.get(reverse("assembly_export", args=[assembly_run.festival_id, "votes", "xlsx"]))

    assert response.status_code == 200 and votes.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("id", "title", "text")
    assert rows[1][1] == "Register as a party"
    assert rows[1][2].startswith("We register now.") and "\x07" not in rows[1][2]
    assert not str(rows[1][3]).startswith("=")
    vote_rows = list(load_workbook(io.BytesIO(votes.content)).active.iter_rows(values_only=True))
    assert "Carried: Yes 2, No 1, Abstain 0" in vote_rows[1]


def test_an_unknown_record_format_is_not_found(client, organiser, assembly_run):
    client.force_login(organiser)

    response = client.get(reverse("assembly_export", args=[assembly_run.festival_id, "motions", "ods"]))

    assert response.status_code == 404


def test_the_record_is_refused_to_roles_without_it(client, groups, assembly_run):
    finance = UserFactory(username="finance")
    finance.groups.add(groups[roles.FINANCE])
    client.force_login(finance)

    response = client.get(reverse("assembly_minute", args=[assembly_run.festival_id]))

    assert response.status_code == 403
