"""Helpers for tests that start another process (a worker, a killed refund) on the test database."""

import time

from django.db import connection


def database_url() -> str:
    """The test database, as a DATABASE_URL for another process (the test must commit: transaction=True)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate, *, seconds: float) -> bool:
    """Whether ``predicate()`` came true within ``seconds``, asked every 50 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
