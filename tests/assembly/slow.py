"""Holding a race open on PostgreSQL: a row's INSERT into one table waits, in sessions marked slow."""

import contextlib

from django.db import connection


def mark_this_session_slow() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET assembly.slow = '1'")


@contextlib.contextmanager
def slow_inserts(model, seconds: float):
    """An INSERT into ``model``'s table waits ``seconds`` in sessions marked by ``mark_this_session_slow``
    (the racing requests), so a race is held open; other sessions' writes are not slowed."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_slow_insert() RETURNS trigger AS $$ BEGIN "
            f"IF current_setting('assembly.slow', true) = '1' THEN PERFORM pg_sleep({float(seconds)}); END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
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
