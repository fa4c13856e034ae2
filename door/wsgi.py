"""The door's own WSGI application: the project's one performance boundary.

Run as its own pool (``gunicorn door.wsgi``), with the proxy sending ``/door/api/`` to it; the
site (festival.wsgi) serves the same paths through Django's full stack as well, so one process
can still answer everything. Every badge scanned is one small JSON request, sixteen scanners
at once at a busy door, and the answer must come within a glance: the targets are twenty
times pretix's unknown-code throughput and a first-scan p99 of 60 ms (bench/bench_door.py).

What is bypassed here, and only here (each place says what it buys):
- Django's handler and the site's twelve middleware: sessions, CSRF, sign-in, messages, static
  files, redirects and the page cache do nothing for a bearer-token API. ``door.application``
  runs only ``door.middleware.DOOR_API_MIDDLEWARE`` (security headers and HTTPS redirect, the
  Host check, the body limit) around a fixed table of paths, with Django's request, exception
  handling and signals. In-process on the bench database (2026-12-06, five interleaved rounds
  of 800 unknown codes, a loaded 2-core machine) a scan took a median 579 µs of CPU here
  against 735 µs through the site's full stack; a scan-only WSGI endpoint without the
  middleware chain and the view's decorators took 502 µs, within the rounds' spread, so the
  scan keeps to the one table. The door benchmark on this pool: unknown codes 24x pretix
  (target 20x), 788 a second at 16 scanners.
- The ORM, for a scan's lookup and its log row: ``door.lookup`` (one query and one guarded
  insert a scan, where the ORM took three reads and a savepoint).
- Per-request queries for the door's identity: ``door.auth`` keeps verified tokens, the scan
  permission and the edition in memory, each re-checked at most once a minute.
"""

import os

import django

from festival.runtime import settle_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "festival.settings.production")
django.setup(set_prefix=False)  # as get_wsgi_application(); the prefix is set per request

from door.application import DoorApplication  # noqa: E402  (imports models: only once Django is set up)

application = DoorApplication()
settle_garbage_collector()
