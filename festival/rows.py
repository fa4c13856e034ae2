"""INSERTs of model instances with their SQL built once per model and number of rows.

The ORM compiles an INSERT anew on every ``save()`` or ``bulk_create()``; in a sales rush that
compiling was a good part of an order's CPU. ``insert`` writes the same columns with each
field's own conversion (defaults, ``auto_now``, JSON, dates, files), but sends no model
signals and runs no ``save()`` override: use it only for models that no signal receiver or
custom ``save()`` needs on creation (orders and tickets).
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Model

# Values per statement: under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
MAX_PARAMS = 30_000


@functools.cache
def _fields(model: type[Model]) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


@functools.lru_cache(maxsize=128)
def _insert_sql(model: type[Model], rows: int, vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _fields(model))
    row = "(" + ", ".join(["%s"] * len(_fields(model))) + ")"
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)} RETURNING {pk}"  # noqa: S608


def insert(*objs: Model) -> None:
    """Insert new instances of one model and give each its primary key: one statement for up to
    ``MAX_PARAMS`` values (the database's own limit, if lower), more for more.

    Raises ``django.db.IntegrityError`` as ``save()`` would when a constraint refuses a row.
    """
    model = type(objs[0])
    if any(type(obj) is not model or obj.pk is not None for obj in objs):
        raise ValueError("insert() takes new instances of one model, without primary keys")
    fields = _fields(model)
    per_statement = max(1, min(connection.ops.bulk_batch_size(list(fields), objs), MAX_PARAMS // len(fields)))
    for start in range(0, len(objs), per_statement):
        batch = objs[start : start + per_statement]
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in batch for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(model, len(batch), connection.vendor), params)
            keys = [row[0] for row in cursor.fetchall()]
        for obj, key in zip(batch, keys, strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = connection.alias
