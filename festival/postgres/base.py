"""Django's PostgreSQL backend, with a health check that needs no round trip.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request that reuses a connection. On the door's check-in API that was a third round trip
beside the scan's two statements, and a quarter of a scan's time.

An idle connection has nothing to read unless the server has spoken: when PostgreSQL
shuts down, restarts, or a backend is terminated, it sends an error and closes the socket,
so the socket turns readable. This backend looks at the socket without waiting (a
``poll`` with no timeout) and sends ``SELECT 1`` only when something is there. A
connection lost with no word from the server (a network cable, not a restart) is still
found by the failed query, and Django then drops it at the end of that request.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base

Database = base.Database


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.pool or self.connection is None or not self.health_check_enabled or self.health_check_done:
            return super().close_if_health_check_failed()
        if self.server_has_spoken() and not self.is_usable():
            self.close()
        self.health_check_done = True
        return None

    def server_has_spoken(self) -> bool:
        """Whether the server closed the connection or sent something unasked (checked without waiting)."""
        connection = self.connection
        if connection.closed or connection.broken:
            return True
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return bool(poller.poll(0))
        except (OSError, ValueError, Database.Error):
            return True
