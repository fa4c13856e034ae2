"""The shell's pages are tested with an edition's programme and speakers (link previews)."""

from tests.programme.conftest import (  # noqa: F401
    formats,
    make_session,
    make_speaker,
    programme,
    speaker_index,
    stages,
    tracks,
)
