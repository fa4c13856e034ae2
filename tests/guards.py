"""Take one of the database's guards away for the length of a negative control, then put it back.

A ``transaction=True`` test database is flushed after each test, not re-created, so a guard
dropped here must be restored before the test ends: ``clean_up`` first removes the rows that
would break it (the race the control provoked), then the constraint is added again.
"""

import contextlib
from collections.abc import Callable

from django.db import connection


@contextlib.contextmanager
def without_constraint(model, name: str, *, clean_up: Callable[[], None]):
    constraint = next(c for c in model._meta.constraints if c.name == name)
    with connection.schema_editor() as editor:
        editor.remove_constraint(model, constraint)
    try:
        yield
    finally:
        clean_up()
        with connection.schema_editor() as editor:
            editor.add_constraint(model, constraint)


def constraint_names(model) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


SLOW_SETTING = "tests.slow"


def mark_this_session_slow() -> None:
    """Mark this connection's session as one whose inserts ``slow_inserts(..., marked_only=True)`` slows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET {SLOW_SETTING} = '1'")


@contextlib.contextmanager
def slow_inserts(model, seconds: float, *, marked_only: bool = False):
    """Each INSERT into ``model``'s table waits ``seconds`` before it commits (a PostgreSQL trigger), so
    racers released together by a barrier all read the table before the first of them has written.
    With ``marked_only``, only in sessions marked by ``mark_this_session_slow`` (the racers), so the
    other writes of the test (a vote's close, say) are not slowed."""
    table = connection.ops.quote_name(model._meta.db_table)
    wait = f"PERFORM pg_sleep({float(seconds)});"
    if marked_only:
        wait = f"IF current_setting('{SLOW_SETTING}', true) = '1' THEN {wait} END IF;"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_slow_insert() RETURNS trigger AS $$ "
            f"BEGIN {wait} RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER test_slow_insert BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION test_slow_insert()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER test_slow_insert ON {table}")
            cursor.execute("DROP FUNCTION test_slow_insert()")
