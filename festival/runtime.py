"""How a long-running WSGI process settles after start-up; called by each WSGI module
(festival.wsgi for the site, door.wsgi for the door's pool). Imports no app."""

import gc

from django.urls import get_resolver


def settle_garbage_collector() -> None:
    """Keep Python's garbage collector off the objects that live as long as the process.

    Django, Wagtail and every view (loaded here through the URLconf) leave about 200,000
    objects that are never freed. Left in the collector's oldest generation, each full
    collection walks all of them: about 100 ms with every thread of the worker stopped,
    which is the slowest answer a door scanner or a buyer sees. ``gc.freeze()`` sets them
    aside for good, and a larger first threshold runs the young collections less often
    (a request makes a few thousand short-lived objects).
    """
    get_resolver().url_patterns  # noqa: B018  (imports every view and what it uses)
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)
