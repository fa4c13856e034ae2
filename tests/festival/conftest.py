"""The shell's pages feature the programme and its speakers, and preview them for sharing: they share the
programme's fixtures."""

from tests.programme.conftest import (  # noqa: F401
    formats,
    make_session,
    make_speaker,
    programme,
    speaker_index,
    stages,
    tracks,
)
