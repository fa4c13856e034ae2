"""Filters for the site's logging (settings.LOGGING)."""


def not_a_conflict(record) -> bool:
    """Keep every record but Django's warning about a 409 answer.

    Django logs each 4xx answer as a warning. A 409 is the shop working as it should (sold
    out, a voucher used up, an offer taken), and in a sales rush there are hundreds of them,
    which would bury the warnings that matter.
    """
    return getattr(record, "status_code", None) != 409
