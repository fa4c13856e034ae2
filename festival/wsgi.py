"""The site's WSGI application: Django's handler and the site's full middleware, for every path.

The door's check-in API is served here too (door.urls); in production it can also run as its
own pool, ``gunicorn door.wsgi``, with the proxy sending /door/api/ to it (see the README).
"""

import os

from django.core.wsgi import get_wsgi_application

from festival.runtime import settle_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "festival.settings.production")

application = get_wsgi_application()
settle_garbage_collector()
