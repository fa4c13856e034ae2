"""Reading an uploaded file: every way a file can be wrong as a whole gets a clear message."""

import pytest

from imports.files import MAX_BYTES, MAX_ROWS, FileProblem, read_table
from tests.imports.conftest import csv_bytes, xlsx_bytes

REQUIRED, OPTIONAL = ["name", "email", "ticket_type"], ["pronouns"]
GOOD = [["Name", "Email", "Ticket type"], ["Zoë Ní Bhriain", "zoe@example.org", "Speaker"]]


def read(content: bytes, filename: str = "people.csv"):
    return read_table(content, filename, required=REQUIRED, optional=OPTIONAL)


def problem(content: bytes, filename: str = "people.csv") -> str:
    with pytest.raises(FileProblem) as caught:
        read(content, filename)
    return caught.value.message


def test_utf8_csv_is_read_with_headings_normalised_and_rows_numbered_as_the_spreadsheet_shows():
    table = read(csv_bytes([*GOOD, ["", "", ""], ["Ana", "ana@example.org", "Speaker"]]))

    assert table.headings == ["name", "email", "ticket_type"]
    assert table.rows == [
        (2, {"name": "Zoë Ní Bhriain", "email": "zoe@example.org", "ticket_type": "Speaker"}),
        (4, {"name": "Ana", "email": "ana@example.org", "ticket_type": "Speaker"}),
    ]


def test_utf8_with_a_byte_order_mark_is_read():
    table = read("\ufeff".encode() + csv_bytes(GOOD))

    assert table.headings == ["name", "email", "ticket_type"]
    assert table.rows[0][1]["name"] == "Zoë Ní Bhriain"


def test_xlsx_is_read():
    table = read(xlsx_bytes(GOOD), "people.xlsx")

    assert table.rows == [(2, {"name": "Zoë Ní Bhriain", "email": "zoe@example.org", "ticket_type": "Speaker"})]


def test_a_file_not_in_utf8_is_refused_saying_which_line_and_how_to_save_it():
    message = problem(csv_bytes(GOOD, encoding="latin-1"))

    assert "not in UTF-8" in message and "line 2" in message and "CSV UTF-8" in message


def test_semicolons_or_tabs_between_columns_are_refused_by_name():
    assert "separated by semicolons" in problem(csv_bytes(GOOD, delimiter=";"))
    assert "separated by tabs" in problem(csv_bytes(GOOD, delimiter="\t"))


def test_missing_and_unknown_headings_are_named():
    message = problem(csv_bytes([["Name", "E-mail address", "Ticket type"], ["A", "a@example.org", "Speaker"]]))

    assert "Missing columns: email." in message
    assert "Columns we do not know: e_mail_address." in message
    assert "name, email, ticket_type, pronouns (optional)" in message


def test_an_empty_file_and_a_file_of_headings_only_are_refused():
    assert "The file is empty" in problem(b"")
    assert "The file is empty" in problem(b"\n\n  \n")
    assert "no rows under it" in problem(csv_bytes(GOOD[:1]))


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    assert "not a spreadsheet" in problem(b"%PDF-1.7\x00\x01binary", "people.pdf")
    assert "not a spreadsheet" in problem(b"PK\x03\x04 not really a zip", "people.xlsx")
    assert "not a spreadsheet" in problem(b"just some text", "people.xlsx")


def test_an_oversized_file_is_refused_before_it_is_read():
    assert "the most we take is 5 MB" in problem(b"a" * (MAX_BYTES + 1))


def test_too_many_rows_are_refused():
    rows = [GOOD[0]] + [["A", "a@example.org", "Speaker"]] * (MAX_ROWS + 1)

    assert "Split it into smaller files" in problem(csv_bytes(rows))


def test_a_row_with_more_cells_than_headings_is_marked():
    table = read(csv_bytes([GOOD[0], ["A", "a@example.org", "Speaker", "surplus"]]))

    assert table.rows[0][1]["__extra__"] is True
