"""Settings shared by every environment, driven by the environment.

Every value that differs between machines comes from an environment variable (or a
``.env`` file beside ``manage.py``). A malformed value stops start-up with a message
that names the variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from festival.log_filters import not_a_conflict
from festival.settings.storage import file_storages, media_origin

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
EMAIL_SCHEMES = {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail"}


def _read(name, cast, default):
    """Read one variable, turning any parse error into a message that names it."""
    try:
        return cast(name, default=default)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a parse error from any caster names the variable
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from exc


def _strict_bool(name, default):
    """Like env.bool, but "perhaps" is an error rather than False."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} is malformed: expected true or false, got {raw!r}")


def database_from_url(url, *, name="DATABASE_URL"):
    """Turn a ``DATABASE_URL`` into a Django database dict, or name the variable."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} is malformed: expected sqlite:///path or postgres://user@host:port/name, got {url!r}"
        )
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} is malformed: a SQLite URL needs a file path")
        config["OPTIONS"] = sqlite_options()
    else:
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} is malformed: the URL needs a database name")
        config["CONN_MAX_AGE"] = _read("DB_CONN_MAX_AGE", env.int, 60)
        # Django's backend, with a health check that asks the socket, not the server (festival/postgres).
        config["ENGINE"] = "festival.postgres"
        config["CONN_HEALTH_CHECKS"] = True
        # Parameters travel apart from the SQL, so psycopg prepares a statement the fifth time a
        # connection runs it and PostgreSQL plans it once, not on every request. Planning the
        # door's scan lookup costs ten times as long as running it. (Not for PgBouncer in
        # transaction mode, which cannot keep prepared statements.)
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return config


def sqlite_options():
    """WAL, IMMEDIATE transactions and a busy timeout: writers queue instead of failing."""
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }


def email_from_url(url, *, name="EMAIL_URL"):
    scheme = url.split(":", 1)[0]
    if scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(f"{name} is malformed: unknown scheme {scheme!r}")
    if scheme == "filemail":
        return _file_email(url, name=name)
    try:
        return environ.Env.email_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from exc


def _file_email(url, *, name):
    """``filemail:///var/mail/festival``: the folder is the URL's path, absolute as written.

    django-environ drops the path's leading slash, which put the emails in a folder under
    whatever directory the server was started in.
    """
    parts = urlsplit(url)
    if parts.netloc or not parts.path.strip("/"):
        raise ImproperlyConfigured(
            f"{name} is malformed: write the folder in full, as in filemail:///var/mail/festival"
        )
    return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": parts.path}


SECRET_KEY = _read("SECRET_KEY", env.str, "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
DEBUG = _strict_bool("DEBUG", False)
ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, [])
SITE_URL = _read("SITE_URL", env.str, "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "festival",
    "programme",
    "speakers",
    "ticketing",
    "door",
    "outbox",
    "mailings",
    "worker",
    "reports",
    "imports",
    "assembly",
    "proposals",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "django_tasks",
    "axes",
    "csp",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",  # the sitemap's template, for wagtail.contrib.sitemaps
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "festival.headers.permissions_policy",
    "festival.csp.ContentSecurityPolicyMiddleware",  # outside XFrameOptionsMiddleware, whose header it follows
    "door.middleware.api_policy",  # /door/api/ only: the JSON API's own constant policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the visitor's language: the language cookie, then the browser's
    "django.middleware.common.CommonMiddleware",
    "door.middleware.api_body_limit",  # /door/api/ only: a JSON 413 before the CSRF check reads a body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "festival.admin_access.AdminAccessMiddleware",  # 403, not a sign-in loop, for staff without admin access
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "programme.caching.CachedProgrammeMiddleware",  # cached programme pages, before Wagtail's routing
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with the 429 page
]

# What the browser may let pages use: nothing powerful, but the camera on the door page (door/views.py)
# and on the badge page, to scan your own badge (assembly/views.py).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "display-capture=(), browsing-topics=()"
)

# Content-Security-Policy (django-csp), on every response in every environment, so the browser
# tests prove each page keeps to it (tests/browser.py fails a test on any violation). No inline
# script and no eval on the site; style attributes only, for the programme grid's positions and
# track colours, which come from the data. festival/csp.py adds Stripe Checkout's origin to
# form-action (the shop's "Pay" is answered with a redirect there) and makes frame-ancestors follow
# X-Frame-Options ('self' only where Wagtail's preview panel frames a page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
        "form-action": [SELF],
    },
}
# Wagtail's admin (under CSP_ADMIN_PATH) still writes inline <script>s: every chooser widget's
# (image, page, snippet), date and time widget's and InlinePanel's, and jQuery runs those in the
# HTML it puts into modals; its bundled libraries add <style> elements. Those widgets render
# without the request, so a nonce cannot reach them: the admin alone allows inline scripts and
# styles (never eval), and only signed-in staff reach its pages.
CSP_ADMIN_PATH = "/admin/"
CSP_ADMIN_DIRECTIVES = {"script-src": [SELF, UNSAFE_INLINE], "style-src": [SELF, UNSAFE_INLINE]}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # staff avatars from the site, not gravatar.com (no third party, no CDN)

# Sign-in throttle (django-axes) for the admin's, Django admin's and the door's sign-in pages.
# Failures are counted per account and address together, in the shared cache, so one person
# mistyping at a venue that shares one address locks out only that account from there, and
# only for a while.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = _read("AXES_FAILURE_LIMIT", env.int, 5)
AXES_COOLOFF_TIME = timedelta(minutes=_read("AXES_COOLOFF_MINUTES", env.int, 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "festival/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "festival.throttle.client_ip"  # the one rule for a visitor's address

# The check-in API's brake per door device (door/devices.py): at most this many requests per
# window, a busy scanner's tenfold; counted in the shared cache every DOOR_TOKEN_RATE_SAMPLE requests.
DOOR_TOKEN_RATE = (_read("DOOR_TOKEN_RATE_COUNT", env.int, 600), 60)
DOOR_TOKEN_RATE_SAMPLE = _read("DOOR_TOKEN_RATE_SAMPLE", env.int, 10)
# How stale a process's view of a revoked door device may be, in seconds (0: read the cache every request).
DOOR_REVOCATION_RECHECK_SECONDS = _read("DOOR_REVOCATION_RECHECK_SECONDS", env.float, 1.0)

ROOT_URLCONF = "festival.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",  # LANGUAGES, each named in itself, for the switch
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "festival.chrome.context_processor",
            ],
        },
    },
]

WSGI_APPLICATION = "festival.wsgi.application"

DATABASES = {
    "default": database_from_url(_read("DATABASE_URL", env.str, f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _read("REDIS_URL", env.str, "")
# Without Redis the sign-in throttle counts in each process alone: right for one development server,
# wrong for production, whose own silenced checks (production.py) leave axes' warning on.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["axes.W001"]
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL is malformed: expected redis://host:port/db, got {REDIS_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "festival",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "festival"}}

vars().update(email_from_url(_read("EMAIL_URL", env.str, "consolemail://")))
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", env.str, "Festival of Resistance <tickets@festival.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox (outbox/delivery.py): a waiting email is tried at least every OUTBOX_MAX_BACKOFF_SECONDS,
# the worker sweeps every OUTBOX_SWEEP_SECONDS, and a send cut off mid-way is taken back after
# OUTBOX_LEASE_SECONDS. Together: once mail works again, a waiting email goes out within two minutes.
EMAIL_TIMEOUT = _read("EMAIL_TIMEOUT", env.float, 20.0)  # seconds per SMTP socket operation
OUTBOX_RETRY_SECONDS = _read("OUTBOX_RETRY_SECONDS", env.float, 10.0)
OUTBOX_MAX_BACKOFF_SECONDS = _read("OUTBOX_MAX_BACKOFF_SECONDS", env.float, 60.0)
OUTBOX_LEASE_SECONDS = _read("OUTBOX_LEASE_SECONDS", env.float, 90.0)
OUTBOX_SWEEP_SECONDS = _read("OUTBOX_SWEEP_SECONDS", env.float, 15.0)
# Each worker beats every WORKER_HEARTBEAT_SECONDS; a task whose workers have not beaten for
# WORKER_STALE_SECONDS was left by a dead one and is queued again (worker/recovery.py).
WORKER_HEARTBEAT_SECONDS = _read("WORKER_HEARTBEAT_SECONDS", env.float, 10.0)
WORKER_STALE_SECONDS = _read("WORKER_STALE_SECONDS", env.float, 60.0)

# Tasks wait in the database (django-tasks-db), or, for larger installs, in Redis through RQ:
# TASKS_BACKEND=django_tasks_rq.RQBackend with TASKS_REDIS_URL (a Redis database of their own).
# Either way `manage.py run_worker` runs them (worker/management/commands/run_worker.py).
TASKS_BACKEND = _read("TASKS_BACKEND", env.str, "django_tasks_db.DatabaseBackend")
RQ_TASKS_BACKEND = "django_tasks_rq.RQBackend"
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
TASKS_REDIS_URL = _read("TASKS_REDIS_URL", env.str, "")
if TASKS_BACKEND == RQ_TASKS_BACKEND:
    if not TASKS_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"TASKS_BACKEND={RQ_TASKS_BACKEND} needs TASKS_REDIS_URL=redis://host:port/db, got {TASKS_REDIS_URL!r}"
        )
    INSTALLED_APPS.append("django_rq")
# RQ's queue and worker, as the project sets them (worker/rq.py): a task whose worker died is run
# again up to TASKS_RQ_RETRIES times, and each worker looks for such tasks every
# TASKS_RQ_MAINTENANCE_SECONDS (RQ's own default is ten minutes).
RQ_QUEUES = {
    "default": {"URL": TASKS_REDIS_URL or "redis://127.0.0.1:6379/0", "QUEUE_CLASS": "worker.rq.RetryingQueue"}
}
RQ = {"WORKER_CLASS": "worker.rq.Worker", "JOB_CLASS": "django_tasks_rq.Job"}
TASKS_RQ_RETRIES = _read("TASKS_RQ_RETRIES", env.int, 3)
TASKS_RQ_MAINTENANCE_SECONDS = _read("TASKS_RQ_MAINTENANCE_SECONDS", env.int, 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"  # dates and numbers are formatted the British way
TIME_ZONE = _read("TIME_ZONE", env.str, "Europe/London")
# The site's own words (menus, shop, order and ticket pages, the door) in British English or Welsh,
# from locale/cy. A visitor's language comes from the language cookie that the switch in the footer
# sets (Django's set_language, at /i18n/setlang/), else from the browser's Accept-Language. URLs
# carry no language prefix, so printed links, QR codes and the door's paths stay as they are.
# Page content (Wagtail's own localisation) is not translated.
USE_I18N = True
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(_read("STATIC_ROOT", env.str, str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_ROOT = BASE_DIR / "static" / "root"  # served at the site's root: /favicon.ico, where browsers ask
# Files (festival/settings/storage.py): public media (Wagtail's images and documents) in MEDIA_ROOT
# or PUBLIC_MEDIA_BUCKET; badge PDFs and bulk sheets in PRIVATE_FILES_ROOT or PRIVATE_FILES_BUCKET,
# handed out only by the views that check who asks (festival/files.py).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_read("MEDIA_ROOT", env.str, str(BASE_DIR / "media")))
PRIVATE_FILES_ROOT = Path(_read("PRIVATE_FILES_ROOT", env.str, str(BASE_DIR / "private")))
PRIVATE_FILES_LINK_SECONDS = _read("PRIVATE_FILES_LINK_SECONDS", env.int, 60)
STORAGES = {
    **file_storages(
        media_root=MEDIA_ROOT,
        private_root=PRIVATE_FILES_ROOT,
        public_bucket=_read("PUBLIC_MEDIA_BUCKET", env.str, ""),
        private_bucket=_read("PRIVATE_FILES_BUCKET", env.str, ""),
        public_url=_read("PUBLIC_MEDIA_URL", env.str, ""),
        endpoint_url=_read("S3_ENDPOINT_URL", env.str, ""),
        region=_read("S3_REGION", env.str, ""),
        access_key=_read("S3_ACCESS_KEY_ID", env.str, ""),
        secret_key=_read("S3_SECRET_ACCESS_KEY", env.str, ""),
        link_seconds=PRIVATE_FILES_LINK_SECONDS,
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if media_origin(STORAGES):  # pages show images straight from the public bucket
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(media_origin(STORAGES))
# Documents go through Wagtail's view, which enforces a collection's privacy, never straight from
# storage (the proxy and the public bucket's policy publish images only).
WAGTAILDOCS_SERVE_METHOD = "serve_view"

LOGIN_URL = "wagtailadmin_login"

WAGTAIL_SITE_NAME = "Festival of Resistance"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_RICH_TEXT_EDITORS = {"default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_I18N_ENABLED = False

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Stripe: with no secret key the site talks to the project's own emulator.
STRIPE_SECRET_KEY = _read("STRIPE_SECRET_KEY", env.str, "")
STRIPE_WEBHOOK_SECRET = _read("STRIPE_WEBHOOK_SECRET", env.str, "whsec_festival_emulator")
STRIPE_API_BASE = _read("STRIPE_API_BASE", env.str, "" if STRIPE_SECRET_KEY else "http://127.0.0.1:8420")
STRIPE_CURRENCY = _read("STRIPE_CURRENCY", env.str, "gbp")
# How long a call to Stripe may take, in seconds, before the buyer is told to try again: short, so a
# slow Stripe cannot hold every server thread (and the door's scans behind them).
STRIPE_CONNECT_TIMEOUT = _read("STRIPE_CONNECT_TIMEOUT", env.float, 3.0)
STRIPE_READ_TIMEOUT = _read("STRIPE_READ_TIMEOUT", env.float, 10.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"not_a_conflict": {"()": "django.utils.log.CallbackFilter", "callback": not_a_conflict}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", env.str, "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["not_a_conflict"]},
        "wagtail": {"level": "WARNING"},
    },
}
