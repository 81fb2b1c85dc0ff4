"""Settings for the WIC Summit Manager, all read from the environment (see .env.example).

Defaults run on a laptop: SQLite in the project folder, local-memory cache, Celery tasks run
eagerly. Set DATABASE_URL and REDIS_URL for PostgreSQL and Redis.
"""
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-dev-key-only-for-debug-" + "x" * 32
# Keys of the fields encrypted at rest (passport numbers and dates of birth: wic/crypto.py), as
# Fernet keys separated by commas: the first encrypts, every one decrypts (rotation: put the new key
# first, run `manage.py rotate_field_keys`, then drop the old one). Without one, a key is derived
# from SECRET_KEY and `check --deploy` warns (wic.W020).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in os.environ.get("DJANGO_FIELD_KEY", "").split(",") if k.strip()]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",  # API tokens are wic.ApiToken (hashed, expiring, scoped: wic/tokens.py), not DRF's authtoken
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "auditlog",
    "axes",  # login throttling (settings below, "Secure by default")
    # The core, then the domain apps; a domain app's contributions (wic/contrib.py) are collected
    # in this order, after the apps each names in `after`.
    "wic",
    "people",  # people and their appearances: below the agenda, which lists each session's people
    "agenda",
    "forums",
    "registration",
    "awards",
    "volunteers",
    "expo",
    "protocol",  # delegations, invitation cards, seating: above registration, volunteers and people
    "travel",  # travel and stay (issue 24): visa letters, pickups; above protocol (delegations travel together)
    "companion",  # the attendee's companion (issue 25): the venue map, service points, the assistant; above the agenda and the expo
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wic.methods.RefuseTrace",  # 405 for TRACE/TRACK before any view (cross-site tracing)
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wic.inputs.RefuseUnreadableInput",  # 400 for a NUL or lone surrogate in the path, query, cookies, headers, form
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wic.audit.AuditlogMiddleware",  # who made a change, for the audit trail (auditlog's, not on scans)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wic.database_busy.DatabaseBusyMiddleware",  # a view's lock timeout -> 503 database_busy, not 500
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the 429 page
]

ROOT_URLCONF = "wic.urls"
# No "loaders" option: Django then uses the cached loader (filesystem + app directories), in
# debug too since Django 4.1, where it is reset when a template changes. Don't add "loaders".
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wic.context_processors.nav_links",
            ],
        },
    },
]
WSGI_APPLICATION = "wic.wsgi.application"


def _database(url: str) -> dict:
    return dj_database_url.parse(
        url,
        # Production keeps each worker thread's connection for 60 s (checked before reuse, so a
        # restarted PostgreSQL costs one reconnect, not an error); debug opens one per request.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE") or ("0" if DEBUG else "60")),
        conn_health_checks=True,
    )


DATABASES = {"default": _database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A PostgreSQL streaming replica (hot standby) for the reads that may lag: the public agenda
# pages, exports and API lists of anonymous or read-only traffic, never a scan, a quota or a read
# after a write (wic/db_router.py has the rules and the fallback when the replica fails).
# Without it every query goes to the primary, as before.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    # The tests read "replica" from the test database itself (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that does not answer costs a request 2 s once, then none for 30 s (its reads
        # go to the primary meanwhile); `?connect_timeout=` in the URL overrides it.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASE_ROUTERS = ["wic.db_router.ReplicaRouter"]
    # After AuthenticationMiddleware: it marks the replica-safe requests, some for anonymous visitors only.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, "wic.db_router.ReplicaMiddleware")
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0":
        # psycopg prepares a statement only on a connection with a threshold, which Django leaves
        # unset by default. Django's own cursors bind on the client and are never prepared whatever
        # it is; only wic.db.prepared_cursor()'s are (the gate scan's fixed statements). 0 turns them
        # off, for a pooler in transaction mode that cannot keep prepared statements.
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = 5
    if _db["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("DATABASE_SERVER_SIDE_CURSORS", "1") == "0":
        # QuerySet.iterator() (the admin's exports) reads through a server-side cursor, which lives
        # in a transaction; a pooler in transaction mode hands the next fetch to another server
        # connection, where the cursor does not exist. 0: Django reads the whole result instead.
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded default under several gunicorn workers and threads: SQLite has one writer at a
        # time. IMMEDIATE takes the write lock when a transaction begins (a deferred one that reads
        # and then writes fails at once with "database is locked" when another wrote meanwhile, the
        # busy timeout cannot help it), the timeout makes a writer wait for the lock instead of
        # failing, and WAL lets reads go on while one writes. A write still waiting after the timeout
        # answers 503 `database_busy` (wic.database_busy). On :memory: (the tests) WAL is a no-op.
        _db.setdefault("OPTIONS", {}).update({
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("DATABASE_SQLITE_TIMEOUT") or 10),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis's backend, degrading to "nothing cached" (counted, warned) when Redis
            # fails: losing the cache costs speed, not requests (wic/cache.py, docs/deploy.md).
            "BACKEND": "wic.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
# No task's result is read by the app, so none is kept: publishing a task that keeps its result
# first subscribes to the result backend's channel, and with the broker's Redis down that
# subscription retried for about 20 s inside the request (the cluster rehearsal, 2026-12-07);
# without it, a task that cannot be handed over fails in under a second (wic.queueing logs and
# counts it; the outbox sweep sends the email later). A caller that wants a result asks for it:
# `task.apply_async(args, ignore_result=False)` (the real-worker tests do).
CELERY_TASK_IGNORE_RESULT = True
# The outbox sweep (wic.outbox.sweep): an email still "queued" OUTBOX_SWEEP_AFTER seconds after
# it was recorded (the broker was down after the decision committed, or the worker that took it
# died before acknowledging it) is handed to the workers again, every OUTBOX_SWEEP_INTERVAL
# seconds. Keep OUTBOX_SWEEP_AFTER above a delivery's retries (about a minute in all); a row
# handed over twice is still sent once. It stands in for the visibility timeout below, which
# stays long (docs/deploy.md, "Email: the outbox and its sweep").
OUTBOX_SWEEP_AFTER = int(os.environ.get("OUTBOX_SWEEP_AFTER") or 600)
OUTBOX_SWEEP_INTERVAL = int(os.environ.get("OUTBOX_SWEEP_INTERVAL") or 300)
# Webhooks (wic.webhooks, docs/webhooks.md): endpoint addresses resolving to loopback or private
# addresses are refused unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (on with DJANGO_DEBUG: a receiver on
# the laptop, the tests'). The sweep hands over, every WEBHOOK_SWEEP_INTERVAL seconds, the retries
# that are due and the first attempts still unsent WEBHOOK_SWEEP_AFTER seconds after they were
# recorded (the broker was down); deliveries are kept WEBHOOK_DELIVERY_RETENTION_DAYS.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
WEBHOOK_SWEEP_INTERVAL = int(os.environ.get("WEBHOOK_SWEEP_INTERVAL") or 60)
WEBHOOK_SWEEP_AFTER = int(os.environ.get("WEBHOOK_SWEEP_AFTER") or 120)
WEBHOOK_DELIVERY_RETENTION_DAYS = int(os.environ.get("WEBHOOK_DELIVERY_RETENTION_DAYS") or 30)
# `celery -A wic beat`: periodic tasks. No-shows are marked 15 minutes after a shift starts.
CELERY_BEAT_SCHEDULE = {
    "volunteers-mark-no-shows": {"task": "volunteers.mark_no_shows", "schedule": 60.0},
    "wic-sweep-outbox": {"task": "wic.sweep_outbox", "schedule": float(OUTBOX_SWEEP_INTERVAL)},
    # issue 22: invited speakers who have not answered, reminded every 3 days (people/tasks.py)
    "people-remind-unconfirmed-speakers": {"task": "people.remind_unconfirmed_speakers", "schedule": crontab(hour=9, minute=0)},
    # issue 23: invitation cards without a reply, reminded at most once a day until replies close (protocol/tasks.py)
    "protocol-remind-unanswered-cards": {"task": "protocol.remind_unanswered_cards", "schedule": crontab(minute=30)},
    # issue 24: passport data erased 30 days after an edition ends (travel/tasks.py)
    "travel-erase-passport-data": {"task": "travel.erase_passport_data", "schedule": crontab(hour=3, minute=15)},
    # issue 25: change alerts of starred sessions and of volunteers' shifts, each sent once its burst
    # of edits is 10 minutes old (agenda/session_alerts.py, volunteers/shift_alerts.py)
    "agenda-send-change-alerts": {"task": "agenda.send_change_alerts", "schedule": 60.0},
    "volunteers-send-shift-alerts": {"task": "volunteers.send_shift_alerts", "schedule": 60.0},
    # issue 28: webhook deliveries due (retries, and first attempts the broker never got), and those older than 30 days purged (wic/webhooks.py)
    "wic-sweep-webhooks": {"task": "wic.sweep_webhooks", "schedule": float(WEBHOOK_SWEEP_INTERVAL)},
    "wic-purge-webhook-deliveries": {"task": "wic.purge_webhook_deliveries", "schedule": crontab(hour=3, minute=45)},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Redis hands a task that a worker took but never acknowledged (acks_late: the worker died mid-task)
# to another worker after this many seconds (CELERY_VISIBILITY_TIMEOUT, default 6 hours). Keep it
# longer than any countdown we schedule (retries wait at most 10 minutes), or a delayed task is
# redelivered early; the crash test (tests/wic/test_worker_crash.py) sets a few seconds. An email
# does not wait for it: the outbox sweep above sends it again after OUTBOX_SWEEP_AFTER.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT") or 6 * 3600)}
# Queues (docs/deploy.md): "mail" is SMTP delivery (slow, retried with backoff: a mail server
# outage backs up only this queue); "notifications" runs the beat tasks (no-shows, the outbox
# sweep) and the send_* tasks (the services now record their emails themselves, in the decision's
# transaction; the tasks remain for messages queued before); "default" is the rest (badge PDFs).
# A worker started without -Q consumes all three.
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("mail", "notifications", "default")]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "wic.send_email": {"queue": "mail"},
    "wic.deliver_email": {"queue": "mail"},
    "*.send_*": {"queue": "notifications"},
    "volunteers.mark_no_shows": {"queue": "notifications"},
    "wic.sweep_outbox": {"queue": "notifications"},
    "wic.sweep_webhooks": {"queue": "notifications"},
    "wic.purge_webhook_deliveries": {"queue": "notifications"},
    "people.remind_unconfirmed_speakers": {"queue": "notifications"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")  # where collectstatic writes
STATICFILES_DIRS = [BASE_DIR / "static"]
# Audit trail (django-auditlog): changes with who, when and from which value to which. The
# models and fields are chosen in wic/audit.py; JSON changes are kept for filtering.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = True  # an IP address is personal data the trail does not need

# Private files (guests' badges): never served under a public URL; views check who asks.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Request and upload sizes (issue 10). Over a limit, the API answers JSON `request_too_large`
# (413), `too_many_fields` or `too_many_files` (400), pages the 400.html page (wic.uploads).
# Form fields and JSON bodies, files not counted: the largest real one is a few kB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# A training module's admin page with all 1,240 volunteers' attendances posts about 5,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_NUMBER_FILES = 5  # no form takes more than one file
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # a larger upload is spooled to a temporary file
# A multipart request, files included, is refused above this before it is read: the largest file
# cap (the expo import's 5 MiB, expo.importing.MAX_BYTES) plus the form's other fields.
UPLOAD_MAX_REQUEST_SIZE = 6 * 1024 * 1024
# Paths that take larger files, by prefix: a speaker's answer carries a photo (5 MiB) and slides
# (20 MiB) with the form (people.invitations.MAX_REQUEST_BYTES). nginx allows the same there (docs/deploy.md).
UPLOAD_MAX_REQUEST_SIZE_BY_PATH = {"/speakers/": 26 * 1024 * 1024}
FILE_UPLOAD_HANDLERS = [
    "wic.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

_mail_backend = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options = {}
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    # smtp://user:password@host:587/?tls=1 (STARTTLS), smtps://... (implicit TLS), console://
    from urllib.parse import parse_qs, unquote, urlsplit

    _url = urlsplit(EMAIL_URL)
    if _url.scheme == "console":
        _mail_backend = "django.core.mail.backends.console.EmailBackend"
    elif _url.scheme in ("smtp", "smtps"):
        _query = parse_qs(_url.query)
        _mail_backend = "django.core.mail.backends.smtp.EmailBackend"
        _mail_options = {
            "host": _url.hostname or "localhost",
            "port": _url.port or (465 if _url.scheme == "smtps" else 25),
            "username": unquote(_url.username or ""),
            "password": unquote(_url.password or ""),
            "use_tls": _query.get("tls", ["0"])[0] in ("1", "true", "yes"),
            "use_ssl": _url.scheme == "smtps",
            "timeout": 20,
        }
    else:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {_url.scheme!r} (use smtp, smtps or console)")
elif _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "secretariat@wic-summit.example")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wic.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's three, with JSON bounded (nesting depth, NUL and lone surrogates: wic/inputs.py).
    "DEFAULT_PARSER_CLASSES": [
        "wic.inputs.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "wic.api_base.Pagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, plus the error responses every endpoint can give (wic/api_schema.py).
    "DEFAULT_SCHEMA_CLASS": "wic.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "wic.api_base.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WIC Summit Manager API",
    "DESCRIPTION": "Editions, agenda sessions, halls and organizations of the World Internet "
    "Conference Wuzhen Summit. Times are Beijing time (ISO 8601, +08:00).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the vendored sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation with a body also answers 415 when the body is of no type it reads (wic/api_schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "wic.api_schema.document_unsupported_media_type"],
    # One name per choice set shared by several fields or apps (no generated hash names).
    "ENUM_NAME_OVERRIDES": {
        "RegistrationStatusEnum": "registration.enums.RegistrationStatus",
        "CardStatusEnum": "protocol.enums.CardStatus",
        "ExhibitorStatusEnum": "expo.enums.ExhibitorStatus",
        "MeetingStatusEnum": "expo.enums.MeetingStatus",
        "ApplicationStateEnum": "forums.enums.ApplicationState",
        "NominationStateEnum": "awards.enums.NominationState",
        "DirectionEnum": "awards.enums.Direction",
        "ExpoFieldEnum": "expo.enums.ExpoField",
        "PersonRoleEnum": "people.enums.Role",
        "OrganizationRoleEnum": "wic.enums.OrganizationRole",
    },
}

ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/")
# The public address, for links in emails sent outside a request. Without SITE_URL, the local
# server's port (PORT, as ./run.sh serves on it).
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}").rstrip("/")
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "wic-demo-2026" if DEBUG else "")

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# -- Secure by default (issue 10): CSP, login throttling, rate limits on public writes ----------
from datetime import timedelta  # noqa: E402

from django.utils.csp import CSP  # noqa: E402

# Enforced in every mode. No inline script or style anywhere: scripts are static files reading
# data-* attributes, the agenda grid is placed by static/js/agenda.js through the CSSOM (which CSP
# allows), and the API docs use drf-spectacular's split view (its init script is a URL).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],  # Swagger UI's icons are data: URIs; QR codes are inline SVG
    "media-src": [CSP.SELF],  # the check-in camera is a MediaStream (srcObject), not a URL
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Where the client's address comes from: REMOTE_ADDR, or with DJANGO_PROXY_COUNT=n reverse proxies
# that each append to X-Forwarded-For, the n-th address from the right (wic.security.client_ip).
# Used alike by the login lockout, the pages' rate limits and the API's throttles.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT") or "0")
REST_FRAMEWORK["NUM_PROXIES"] = PROXY_COUNT  # never the raw X-Forwarded-For a client can make up

# django-axes: 5 failed sign-ins for one username from one address lock that pair out for 15
# minutes (the site's login, the admin's, the API token). Username AND address: a venue's guests
# share one NAT address, so locking an address at 5 would lock the hall out, and locking a
# username alone would let anyone lock any organizer out from anywhere.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# And the address alone, across every username it tries, at a limit of its own (wic.lockout): one
# address cannot try a password on every username it knows. High enough for a venue's NAT.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT") or "50")
AXES_HANDLER = "wic.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True  # a successful sign-in forgets the earlier failures
# A try while locked out starts the 15 minutes again (axes' default), so the page's "try again in
# 15 minutes" is exact and guessing on through the lockout gains nothing.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "wic.security.lockout_response"  # 429 page (site or admin look), JSON for the API
AXES_CLIENT_IP_CALLABLE = "wic.security.client_ip"
AXES_USERNAME_CALLABLE = "wic.security.axes_username"  # cut to the column's 255 characters
AXES_VERBOSE = False  # no banner on every manage.py command; failures and lockouts are still logged
# No AccessLog row (address, browser) for every successful sign-in: as for the audit trail
# (AUDITLOG_DISABLE_REMOTE_ADDR), addresses are personal data the lockout does not need.
AXES_DISABLE_ACCESS_LOG = True
# Posted passwords are always masked in AccessAttempt.post_data ("password" plus
# AXES_PASSWORD_FORM_FIELD); the defaults also mask username and ip_address in its logs.

# API tokens (hashed, scoped: wic/tokens.py) work this long after they are made; then their user
# asks for a new one.
API_TOKEN_LIFETIME = timedelta(days=int(os.environ.get("API_TOKEN_LIFETIME_DAYS") or "30"))
if API_TOKEN_LIFETIME <= timedelta(0):
    raise ImproperlyConfigured("API_TOKEN_LIFETIME_DAYS must be a positive number of days.")

# django-ratelimit (wic.security.public_write_limit): the counters live in the default cache.
RATELIMIT_IP_META_KEY = "wic.security.client_ip"
RATELIMIT_FAIL_OPEN = True  # a cache that cannot count does not turn guests away
# Its system check (a shared, atomic cache) is for Redis: without REDIS_URL the app is one
# process by design (eager Celery, the agenda cache in local memory) and local memory counts
# exactly there, so the app is only installed, and its check only runs, with Redis.
if REDIS_URL:
    INSTALLED_APPS.append("django_ratelimit")
    # Its W001 ("backend not officially supported") knows backends by dotted name only: the cache's
    # wic.cache.DegradingRedisCache is django-redis's RedisCache (a subclass), which it supports.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
