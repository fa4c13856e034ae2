"""Reading a Content-Disposition header as RFC 6266 has it, for the tests of every download."""

import re
from urllib.parse import unquote

# The ASCII fallback: a quoted string of plain, printable ASCII with no quote or backslash in it.
ASCII_FILENAME = re.compile(r'filename="([\x20\x21\x23-\x5b\x5d-\x7e]+)"')
EXTENDED_FILENAME = re.compile(r"filename\*=(?i:utf-8)''([A-Za-z0-9%!#$&+.^_`|~-]+)")


def disposition(header: str) -> tuple[str, str, str]:
    """(type, ASCII filename, the filename a browser saves as) of a Content-Disposition value,
    checked against RFC 6266: plain ASCII, a quoted ``filename`` every client reads, then, when
    the name is not plain ASCII, ``filename*`` in UTF-8, which a browser prefers."""
    assert header.isascii() and "\r" not in header and "\n" not in header, header
    parts = [part.strip() for part in header.split(";")]
    assert len(parts) in (2, 3), header
    fallback = ASCII_FILENAME.fullmatch(parts[1])
    assert fallback is not None, header
    extended = EXTENDED_FILENAME.fullmatch(parts[2]) if len(parts) > 2 else None
    assert len(parts) == (3 if extended else 2), header
    return parts[0], fallback[1], unquote(extended[1], errors="strict") if extended else fallback[1]
