"""Speakers share the programme's fixtures: sessions are what speaker pages list."""

from tests.programme.conftest import (  # noqa: F401
    formats,
    make_session,
    make_speaker,
    programme,
    speaker_index,
    stages,
    tracks,
)
