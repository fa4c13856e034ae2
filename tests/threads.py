"""Racing threads against one database, for tests of what holds under concurrency."""

import threading

from django.db import connections


def race(count, work, *, prepare=None):
    """Run ``work(n)`` in ``count`` threads released together; their results (or exceptions), in order.
    ``prepare(n)``, if given, runs in each thread before the release (opening its connection, say), so
    the racers start their work at the same moment however long that took."""
    start = threading.Barrier(count, timeout=30)
    results = [None] * count

    def run(n):
        try:
            if prepare is not None:
                prepare(n)
            start.wait()
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
