"""The fixtures of the test suite, for the implementation checks that ``bench_internals.py`` runs."""

from tests.conftest import festival, groups, home, live_festival  # noqa: F401
from tests.door.conftest import _fresh_door_caches, _midday, door_staff, make_ticket, weekend  # noqa: F401
