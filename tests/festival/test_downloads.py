"""The Content-Disposition of every download: valid for any file name."""

import pytest

from festival.downloads import attachment, filename_part
from tests.downloads import disposition


def test_a_plain_ascii_name_needs_no_filename_star():
    assert attachment("2026-programme.ics") == 'attachment; filename="2026-programme.ics"'


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("李小龍.ics", ("download.ics", "李小龍.ics")),
        ("...", ("download", "download")),
        ("notes", ("notes", "notes")),
        ('a\\b/c"d;e\r\nf.pdf', ("a-b-c-d-e-f.pdf", "a-b-c-d-e-f.pdf")),
        ("مُحَمَّد.pdf", ("download.pdf", "مُحَمَّد.pdf")),  # Arabic's vowel marks stay in the word
    ],
)
def test_any_file_name_gives_a_valid_header(filename, expected):
    assert disposition(attachment(filename)) == ("attachment", *expected)


def test_filename_part_keeps_words_of_every_script_and_drops_the_rest():
    assert filename_part(" Zoë  Łukasik 🌹 李小龍\u202e!") == "Zoë-Łukasik-李小龍"
