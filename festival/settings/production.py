"""Production: only tightens what base.py sets. SECRET_KEY, ALLOWED_HOSTS, STRIPE_SECRET_KEY and
STRIPE_WEBHOOK_SECRET must be set: production refuses to start without them rather than run on a
development default."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, STORAGES, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, _read, env

DEBUG = False
if SECRET_KEY.startswith("dev-only-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production")
if STRIPE_WEBHOOK_SECRET in ("", "whsec_festival_emulator"):
    # base.py's default is published for the local emulator: with it anyone could sign a "paid" webhook.
    raise ImproperlyConfigured(
        "STRIPE_WEBHOOK_SECRET must be set in production to the signing secret of the Stripe webhook "
        "endpoint (whsec_...); the default 'whsec_festival_emulator' is public and only for the local emulator"
    )

if not os.environ.get("ALLOWED_HOSTS") or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in production to the site's host names, e.g. festival.example.org (not *)"
    )
if not STRIPE_SECRET_KEY.startswith(("sk_live_", "sk_test_", "rk_live_", "rk_test_")):
    # Without a key the site would talk to the local emulator at 127.0.0.1:8420 and take no money.
    raise ImproperlyConfigured(
        "STRIPE_SECRET_KEY must be set in production to a Stripe secret or restricted key (sk_live_... or rk_live_...)"
    )

# base.py has checked the file storages (a bucket without its keys, private files inside MEDIA_ROOT).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT", env.bool, True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, 60 * 60 * 24 * 365)
# Both bind every subdomain (and, once preloaded, browsers for months): Django's documentation warns
# against turning them on before every subdomain serves HTTPS, so they are the operator's choice.
SECURE_HSTS_INCLUDE_SUBDOMAINS = _read("SECURE_HSTS_INCLUDE_SUBDOMAINS", env.bool, False)
SECURE_HSTS_PRELOAD = _read("SECURE_HSTS_PRELOAD", env.bool, False)
# check --deploy warns while they are off; off is the documented default here, so its warnings are
# silenced only while they are off.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
