"""The door's own WSGI application: the project's one performance boundary.

Run as its own pool (``gunicorn door.wsgi``), with the proxy sending ``/door/api/`` to it; the
site (festival.wsgi) serves the same paths through Django's full stack as well, so one process
can still answer everything. Every badge scanned is one small JSON request, sixteen scanners
at once at a busy door, and the answer must come within a glance: the targets are twenty
times pretix's unknown-code throughput and a first-scan p99 of 60 ms (bench/bench_door.py).

What is bypassed here, and only here (each place says what it buys):
- Django's handler and the site's middleware: sessions, CSRF, sign-in, messages, static files
  and the page cache do nothing for a bearer-token API. ``door.application`` runs only
  ``door.middleware.DOOR_API_MIDDLEWARE`` (security headers and HTTPS redirect, the Host check,
  the body limit) around a fixed table of paths, with Django's request, exception handling and
  signals. Django's machinery around the view took about a fifth of a scan's CPU (2026-12-05,
  interleaved runs: 1,395-1,498 unknown codes a second through a lean Django handler against
  1,773-1,927 through a plain WSGI endpoint).
- The ORM, for a scan's lookup and its log row: ``door.lookup`` (one query and one guarded
  insert a scan).
"""

import os

import django

from festival.runtime import settle_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "festival.settings.production")
django.setup(set_prefix=False)  # as get_wsgi_application(); the prefix is set per request

from door.application import DoorApplication  # noqa: E402  (imports models: only once Django is set up)

application = DoorApplication()
settle_garbage_collector()
