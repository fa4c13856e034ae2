"""Random codes: ticket secrets, order codes and order-page tokens.

Secrets and codes use an alphabet with no look-alike characters (no 0/O, 1/I/L), so a
code read aloud or typed from a badge is not mistaken for another.
"""

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 characters: ~4.95 bits each
SECRET_LENGTH = 28  # 28 × log2(31) ≈ 138 bits, above the 128 the spec asks for
ORDER_CODE_PREFIX = "FOR-"
ORDER_CODE_LENGTH = 5


def random_string(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_ticket_secret() -> str:
    """A badge secret of at least 128 random bits; the QR code holds only this."""
    return random_string(SECRET_LENGTH)


def new_order_code() -> str:
    """A short human order code such as FOR-7KQ3M. Uniqueness is the database's job."""
    return ORDER_CODE_PREFIX + random_string(ORDER_CODE_LENGTH)


def new_access_token() -> str:
    """The unguessable token in an order page's link (no password needed)."""
    return secrets.token_urlsafe(32)


def normalise_code(raw: str) -> str:
    """What a scanner or a person typed, made comparable: trimmed and upper-case."""
    return "".join(raw.split()).upper()


_ALPHABET = frozenset(ALPHABET)


def looks_like_secret(code: str) -> bool:
    """Whether a normalised code has a badge secret's shape (the door looks up nothing else)."""
    return len(code) == SECRET_LENGTH and all(c in _ALPHABET for c in code)
