"""File downloads named after people and pages: a Content-Disposition that holds for any name, in any script.

A header value must be plain ASCII: given anything else, Django writes the whole value as a MIME
encoded word, and a browser then sees neither ``attachment`` nor a file name. So a download says
``attachment; filename="…"`` with an ASCII file name that every client reads and, when the name
is not plain ASCII, RFC 6266's ``filename*=utf-8''…`` as well, which browsers prefer.
"""

from __future__ import annotations

import unicodedata

from django.utils.http import content_disposition_header

MAX_FILENAME = 120  # characters: well inside a file system's 255 bytes, even in UTF-8
# Latin letters that Unicode does not decompose into a plain letter and a mark.
_LATIN_FOLDS = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"}
    | {"ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th"}
)


def filename_part(text: str) -> str:
    """``text`` fit for a file name: its words (letters, marks and digits of any script) joined by
    hyphens; spaces, punctuation, symbols, emoji and control characters only separate words."""
    text = unicodedata.normalize("NFC", text)
    return "-".join("".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text).split())


def _ascii(text: str) -> str:
    """``text`` in plain ASCII letters: accents dropped, other scripts left out."""
    folded = unicodedata.normalize("NFKD", text.translate(_LATIN_FOLDS))
    return folded.encode("ascii", "ignore").decode("ascii")


def attachment(filename: str, *, default: str = "download") -> str:
    """The Content-Disposition value that downloads the file as ``filename``, whatever its
    characters: its name goes through ``filename_part`` (``default`` if nothing is left of it) and
    its extension is kept in ASCII."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    extension = filename_part(_ascii(extension))
    suffix = f".{extension}" if extension else ""
    stem = filename_part(stem)[:MAX_FILENAME] or default
    name, fallback = stem + suffix, (filename_part(_ascii(stem)) or default) + suffix
    header = content_disposition_header(True, fallback)
    if name != fallback:  # Django writes a name that is not plain ASCII as filename* alone
        header += "; " + content_disposition_header(True, name).partition("; ")[2]
    return header
