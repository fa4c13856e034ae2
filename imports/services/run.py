"""The imports the admin offers, by name, and the one way to run each on an uploaded file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from festival.models import FestivalPage
from imports.files import FileProblem, read_table
from imports.models import IMPORT_COMPLIMENTARY, IMPORT_PROGRAMME
from imports.services import complimentary, programme
from imports.services.results import ImportResult


@dataclass(frozen=True)
class Kind:
    label: str
    description: str
    permission: str
    headings: Callable[[], tuple[list[str], list[str]]]
    run: Callable[..., ImportResult]
    publishes: bool  # whether the organiser may choose to publish what it creates


KINDS = {
    "speakers": Kind(
        _("Speakers"),
        _("Speaker pages for an edition, matched by their slug: a new slug adds a page, a known one updates it."),
        IMPORT_PROGRAMME,
        programme.speaker_headings,
        programme.import_speakers,
        publishes=True,
    ),
    "sessions": Kind(
        _("Sessions"),
        _(
            "Sessions for an edition's programme, matched by their slug; speakers by their slugs, separated by "
            "semicolons. Stages, formats and tracks by name. Times are in the edition's time zone."
        ),
        IMPORT_PROGRAMME,
        programme.session_headings,
        programme.import_sessions,
        publishes=True,
    ),  # fmt: skip
    "complimentary": Kind(
        _("Complimentary tickets"),
        _("A free ticket for each speaker, volunteer or carer listed, each emailed their own badge."),
        IMPORT_COMPLIMENTARY,
        complimentary.headings,
        lambda *, festival, table, user, publish, commit: complimentary.import_complimentary(
            festival=festival, table=table, user=user, commit=commit
        ),
        publishes=False,
    ),
}


def run_import(
    kind: str, *, festival: FestivalPage, content: bytes, filename: str, user, publish: bool, commit: bool
) -> ImportResult:
    """Read ``content`` and run the import named ``kind`` on it: a preview (``commit=False``, nothing kept)
    or for real. A file that cannot be read answers a result whose one problem says why."""
    spec = KINDS[kind]
    required, optional = spec.headings()
    try:
        table = read_table(content, filename, required=required, optional=optional)
    except FileProblem as problem:
        return ImportResult(problems=[problem.message])
    return spec.run(festival=festival, table=table, user=user, publish=publish and spec.publishes, commit=commit)
