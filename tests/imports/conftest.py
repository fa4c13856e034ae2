"""Imports' fixtures: the programme's (stages, formats, programme, speakers), complimentary ticket
types, staff of each role signed in, and files made from rows."""

import csv
import io

import pytest
from openpyxl import Workbook

from festival import roles
from tests.programme.conftest import (  # noqa: F401 (fixtures, shared with the programme's tests)
    formats,
    make_session,
    make_speaker,
    programme,
    speaker_index,
    stages,
    tracks,
)
from tests.ticketing.factories import TicketTypeFactory, UserFactory


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def organiser(groups):
    user = UserFactory(username="organiser")
    user.groups.add(groups[roles.ORGANISER])
    return user


@pytest.fixture
def comp_types(festival):
    """Complimentary speaker and volunteer tickets, and a public one (never to be issued by import)."""
    return {
        "speaker": TicketTypeFactory(festival=festival, name="Speaker", price=0, capacity=50, is_complimentary=True),
        "volunteer": TicketTypeFactory(
            festival=festival, name="Volunteer", price=0, capacity=20000, is_complimentary=True
        ),  # fmt: skip
        "weekend": TicketTypeFactory(festival=festival, name="Weekend", capacity=100),
    }


@pytest.fixture
def signed_in(client, groups):
    def sign_in(role: str):
        user = UserFactory(username=role.lower().replace(" ", "-"))
        user.groups.add(groups[role])
        client.force_login(user)
        return user

    return sign_in
