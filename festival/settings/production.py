"""Production: only tightens what base.py sets. SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, STRIPE_WEBHOOK_SECRET, _read, env

DEBUG = False
if SECRET_KEY.startswith("dev-only-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production")
if STRIPE_WEBHOOK_SECRET in ("", "whsec_festival_emulator"):
    # base.py's default is published for the local emulator: with it anyone could sign a "paid" webhook.
    raise ImproperlyConfigured(
        "STRIPE_WEBHOOK_SECRET must be set in production to the signing secret of the Stripe webhook "
        "endpoint (whsec_...); the default 'whsec_festival_emulator' is public and only for the local emulator"
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT", env.bool, True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
