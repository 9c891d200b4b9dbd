"""Settings for elyurt, read from the environment.

With no variable set the portal runs on embedded defaults: an SQLite file, Celery tasks run in
process, mail printed to the console. Each variable switches one part; see README.md.
"""

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A key everyone can read in this file would let anyone sign sessions, password-reset
        # links and answer tokens: a production start without one is refused, not guessed.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off: set SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=1 for "
            "a development run with the embedded key (README, Configuration)."
        )
    SECRET_KEY = "insecure-dev-key-change-me-in-production-elyurt"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "elyurt",
    "activity",
    "experts",
    "conferences",
    "pressroom",
    "dashboard",
    "partners",
    "integrations",
    "telegram_channels",
    "records",
    "ops",
    "transliteration",
    "mailing",
    "recommendations",
    "regulations",
    "subscriptions",
]

# Usernames in any letter case or width are one user (elyurt/auth.py).
AUTHENTICATION_BACKENDS = ["elyurt.auth.CaseInsensitiveModelBackend"]

MIDDLEWARE = [
    "elyurt.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "elyurt.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "elyurt.wsgi.application"

# Database: DATABASE_URL in URL form (postgres://user:pass@host:5432/name or sqlite:///path).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("TEST", {})
if env("TEST_DATABASE_NAME", default=""):
    # Lets several test runs share one PostgreSQL server without clobbering each other.
    DATABASES["default"]["TEST"]["NAME"] = env("TEST_DATABASE_NAME")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Uzbek Cyrillic is the default; Django's language codes for the two Uzbek scripts.
LANGUAGE_CODE = "uz-cyrl"
LANGUAGES = [
    ("uz-cyrl", "Ўзбекча"),
    ("uz-latn", "Oʻzbekcha"),
    ("ru", "Русский"),
    ("en", "English"),
]
# locale-countries/: Uzbek country names from CLDR (scripts/country_names.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-countries"]
TIME_ZONE = "Asia/Tashkent"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}

# The largest CSV file staff may upload on the dashboard (invitees, Zoom participant report).
# The form reads at most this many bytes and one more. Django's own limits leave such files
# alone: DATA_UPLOAD_MAX_MEMORY_SIZE does not count a multipart request's files, and a file
# over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is spooled to a temporary file, not held in memory.
CSV_UPLOAD_MAX_BYTES = env.int("CSV_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# The most rows (people) one invitation CSV may hold; a larger file is refused before the rows
# beyond are read.
CSV_MAX_ROWS = env.int("CSV_MAX_ROWS", default=20_000)
# An invitation CSV larger than this is read by a worker, its progress shown on the dashboard
# (conferences/invitee_imports.py); a smaller one in the request.
CSV_BACKGROUND_MIN_BYTES = env.int("CSV_BACKGROUND_MIN_BYTES", default=256 * 1024)
# JSON from outside (API bodies, import documents, webhooks) nested deeper than this is refused
# with 400: Python's json recurses per level and fails with RecursionError near 1,000.
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=32)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
# The staff login refuses a username from one client address after this many failures within
# the window (and an address after four times as many, over all names); from any address, a
# name's failures beyond the limit close it for the base delay doubled per failure, capped
# (dashboard/login_limit.py). Counts live in the cache (Redis when REDIS_URL is set).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
LOGIN_BACKOFF_BASE_SECONDS = env.float("LOGIN_BACKOFF_BASE_SECONDS", default=2)
LOGIN_BACKOFF_MAX_SECONDS = env.float("LOGIN_BACKOFF_MAX_SECONDS", default=5 * 60)

# The public forms (conference registration, subscriptions; elyurt/rate_limit.py): attempts per
# client address and per email within the window. Past the email's limit the form still says
# "check your mail" and sends nothing, so the limit reveals nothing about the address.
PUBLIC_FORM_LIMIT_PER_ADDRESS = env.int("PUBLIC_FORM_LIMIT_PER_ADDRESS", default=20)
PUBLIC_FORM_LIMIT_PER_EMAIL = env.int("PUBLIC_FORM_LIMIT_PER_EMAIL", default=3)
PUBLIC_FORM_WINDOW_SECONDS = env.int("PUBLIC_FORM_WINDOW_SECONDS", default=60 * 60)

# Redis: the Celery broker and the cache, in two databases of it. Without it tasks run in
# process. Every cache entry has a TTL and no broker key has one, so a Redis capped with
# `maxmemory-policy volatile-lru` evicts cache entries and never the broker's queues (README,
# "Production"). The cache's URL is REDIS_URL with the next database number (the previous one
# for 15, Redis's last by default) unless CACHE_URL (or REDIS_CACHE_URL) names one.
REDIS_URL = env("REDIS_URL", default="")


def _cache_url_beside(broker_url: str) -> str:
    parts = urlsplit(broker_url)
    db = parts.path.strip("/") or "0"
    if not db.isdigit():
        raise ImproperlyConfigured(
            f"REDIS_URL has no database number to put the cache beside ({parts.path!r}): "
            "set CACHE_URL."
        )
    cache_db = int(db) + 1 if int(db) < 15 else int(db) - 1
    return urlunsplit(parts._replace(path=f"/{cache_db}"))


CACHE_URL = (
    env("CACHE_URL", default="")
    or env("REDIS_CACHE_URL", default="")
    or (_cache_url_beside(REDIS_URL) if REDIS_URL else "")
)

# Every call out of the process gives up after this many seconds, to connect and again to read:
# a Redis or SMTP server that accepts and never answers must not hold a request (or a worker)
# for longer. What a request wanted queued is then left to the periodic scans (task_wake).
OUTSIDE_TIMEOUT_SECONDS = env.float("OUTSIDE_TIMEOUT_SECONDS", default=3.0)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="elyurt"),
            "OPTIONS": {
                "socket_connect_timeout": OUTSIDE_TIMEOUT_SECONDS,
                "socket_timeout": OUTSIDE_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": OUTSIDE_TIMEOUT_SECONDS,
    "socket_timeout": OUTSIDE_TIMEOUT_SECONDS,
}
CELERY_BROKER_CONNECTION_TIMEOUT = OUTSIDE_TIMEOUT_SECONDS
# The worker keeps trying to reach the broker at start and after losing it (systemd restarts it
# if it dies anyway, deploy/).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish tries twice, close together: the caller is a request or a command, and the work it
# queues is found by the scans if the broker stays away (at most about 2 x 2 timeouts).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE: dict = {}
# The subscribers' weekly digest: Mondays at 09:00 in Tashkent (CELERY_TIMEZONE); a week with
# nothing new sends nothing (subscriptions.services.digest_send).
CELERY_BEAT_SCHEDULE["subscriptions.weekly_digest"] = {
    "task": "subscriptions.weekly_digest",
    "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
}
# Scheduled press releases go out within a minute of their time.
CELERY_BEAT_SCHEDULE["pressroom.publish_due_releases"] = {
    "task": "pressroom.publish_due_releases",
    "schedule": env.float("PRESS_PUBLISH_SCAN_SECONDS", default=60.0),
}

# Invitations: the outbox sender, its sweeper and the reminder scan (README, "Invitations and
# delivery"). The retry backoff stays below the broker's visibility timeout; the integration
# tests shorten the lease and the intervals through these variables.
INVITATIONS_BATCH_SIZE = env.int("INVITATIONS_BATCH_SIZE", default=50)
INVITATIONS_LEASE_SECONDS = env.float("INVITATIONS_LEASE_SECONDS", default=300)
INVITATIONS_REQUEUE_AFTER_SECONDS = env.float("INVITATIONS_REQUEUE_AFTER_SECONDS", default=120)
INVITATIONS_MAX_ATTEMPTS = env.int("INVITATIONS_MAX_ATTEMPTS", default=8)
INVITATIONS_RETRY_BACKOFF_SECONDS = env.float("INVITATIONS_RETRY_BACKOFF_SECONDS", default=30)
INVITATIONS_RETRY_BACKOFF_MAX_SECONDS = env.float(
    "INVITATIONS_RETRY_BACKOFF_MAX_SECONDS", default=1800
)
INVITATIONS_SWEEP_SECONDS = env.float("INVITATIONS_SWEEP_SECONDS", default=60)
INVITATIONS_REMINDER_SCAN_SECONDS = env.float("INVITATIONS_REMINDER_SCAN_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["conferences.sweep_outbox"] = {
    "task": "conferences.sweep_outbox",
    "schedule": INVITATIONS_SWEEP_SECONDS,
}
# The general outbox (mailing/): letters that are not calendar mail share the relay's policy.
CELERY_BEAT_SCHEDULE["mailing.sweep"] = {
    "task": "mailing.sweep",
    "schedule": INVITATIONS_SWEEP_SECONDS,
}
CELERY_BEAT_SCHEDULE["conferences.queue_reminders"] = {
    "task": "conferences.queue_reminders",
    "schedule": INVITATIONS_REMINDER_SCAN_SECONDS,
}
# Recommendations past their due date: a reminder on the due date and every 30 days after. The
# scan is cheap and idempotent; hourly is soon enough for a reminder counted in days.
RECOMMENDATIONS_REMINDER_SCAN_SECONDS = env.float(
    "RECOMMENDATIONS_REMINDER_SCAN_SECONDS", default=60 * 60
)
CELERY_BEAT_SCHEDULE["recommendations.queue_reminders"] = {
    "task": "recommendations.queue_reminders",
    "schedule": RECOMMENDATIONS_REMINDER_SCAN_SECONDS,
}

# Draft regulations: the largest .docx accepted, and how often beat looks for D-3 and D-1
# reminders (regulations/reminders.py).
REGULATION_FILE_MAX_BYTES = env.int("REGULATION_FILE_MAX_BYTES", default=10 * 1024 * 1024)
REGULATION_REMINDER_SCAN_SECONDS = env.float("REGULATION_REMINDER_SCAN_SECONDS", default=15 * 60)
CELERY_BEAT_SCHEDULE["regulations.queue_reminders"] = {
    "task": "regulations.queue_reminders",
    "schedule": REGULATION_REMINDER_SCAN_SECONDS,
}

# The worker's heartbeat: beat queues it, a worker records its time. The dashboard warns staff
# when messages are due and no worker has been seen for WORKER_STALE_SECONDS.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=60)
WORKER_STALE_SECONDS = env.float("WORKER_STALE_SECONDS", default=5 * 60)
CELERY_BEAT_SCHEDULE["ops.heartbeat"] = {
    "task": "ops.heartbeat",
    "schedule": WORKER_HEARTBEAT_SECONDS,
}

# Mail: the console unless EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds to connect to the SMTP server and to wait for each answer; a timeout is a transient
# failure, retried by the outbox.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="El-yurt umidi <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where a reply to an invitation or reminder goes (the council's secretary, e.g.
# "Secretariat <secretary@example.uz>"); empty: no Reply-To, replies go to DEFAULT_FROM_EMAIL.
INVITATIONS_REPLY_TO = env("INVITATIONS_REPLY_TO", default="")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Zoom (Server-to-Server OAuth). Without the three credentials nothing talks to Zoom: staff paste
# the join link and upload the participant report by hand.
ZOOM_ACCOUNT_ID = env("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env("ZOOM_CLIENT_SECRET", default="")
ZOOM_WEBHOOK_SECRET_TOKEN = env("ZOOM_WEBHOOK_SECRET_TOKEN", default="")
ZOOM_API_BASE_URL = env("ZOOM_API_BASE_URL", default="https://api.zoom.us/v2").rstrip("/")
ZOOM_OAUTH_TOKEN_URL = env("ZOOM_OAUTH_TOKEN_URL", default="https://zoom.us/oauth/token")
# A partner registration's invitation waits this long for its personal Zoom join link; past it
# (Zoom down) it goes with the conference's link, and the log says so. 0 turns the wait off.
ZOOM_JOIN_LINK_WAIT_SECONDS = env.float("ZOOM_JOIN_LINK_WAIT_SECONDS", default=900)
# A conference's window: a meeting instance that starts inside it counts, one outside (a sound
# check two days before) is a rehearsal, kept and shown, that changes nothing.
ATTENDANCE_WINDOW_BEFORE_MINUTES = env.int("ATTENDANCE_WINDOW_BEFORE_MINUTES", default=30)
ATTENDANCE_WINDOW_AFTER_MINUTES = env.int("ATTENDANCE_WINDOW_AFTER_MINUTES", default=120)
# A person attended when present at least this share of the planned length, or this many
# minutes, whichever is less.
ATTENDANCE_MIN_SHARE = env.float("ATTENDANCE_MIN_SHARE", default=0.5)
ATTENDANCE_MIN_MINUTES = env.int("ATTENDANCE_MIN_MINUTES", default=30)
# Retries Zoom syncs and report pulls whose task was lost, and sends new registrations.
CELERY_BEAT_SCHEDULE["integrations.zoom_sweep"] = {
    "task": "integrations.zoom_sweep",
    "schedule": 60.0,
}

# Telegram channels (telegram_channels/): without a token nothing is posted; the posts wait.
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_API_BASE_URL = env("TELEGRAM_API_BASE_URL", default="https://api.telegram.org").rstrip("/")
TELEGRAM_LEASE_SECONDS = env.float("TELEGRAM_LEASE_SECONDS", default=60)
TELEGRAM_MAX_ATTEMPTS = env.int("TELEGRAM_MAX_ATTEMPTS", default=10)
TELEGRAM_RETRY_BACKOFF_SECONDS = env.float("TELEGRAM_RETRY_BACKOFF_SECONDS", default=10)
TELEGRAM_RETRY_BACKOFF_MAX_SECONDS = env.float("TELEGRAM_RETRY_BACKOFF_MAX_SECONDS", default=900)
TELEGRAM_REQUEUE_AFTER_SECONDS = env.float("TELEGRAM_REQUEUE_AFTER_SECONDS", default=120)
TELEGRAM_SWEEP_SECONDS = env.float("TELEGRAM_SWEEP_SECONDS", default=60)
# Characters of a release's body a post quotes at most (cut at a sentence's end).
TELEGRAM_SUMMARY_CHARS = env.int("TELEGRAM_SUMMARY_CHARS", default=600)
CELERY_BEAT_SCHEDULE["telegram_channels.sweep_posts"] = {
    "task": "telegram_channels.sweep_posts",
    "schedule": TELEGRAM_SWEEP_SECONDS,
}

# The address people see in links sent by mail (answer links, release links).
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

# The press service's contacts on the letterhead of a release's .docx, as one line; addresses,
# e-mails and links in it become live links (e.g. "press@elyurt.uz · +998 71 000-00-00 ·
# https://elyurt.uz").
PRESS_CONTACTS = env("PRESS_CONTACTS", default=f"press@{urlsplit(SITE_URL).hostname} · {SITE_URL}")

# The reverse proxies in front of the portal (addresses or networks, e.g. "127.0.0.1" or
# "10.0.0.0/24"). Only a request whose peer is one of them may say, in X-Forwarded-For and
# X-Forwarded-Proto, who the client is and that it came over HTTPS (elyurt/proxy.py); with none
# (the default) both headers are dropped and REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Production hardening follows DEBUG; `manage.py check --deploy` is clean with DEBUG off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "elyurt.api.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["partners.throttling.PartnerRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["elyurt.json_bounded.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "elyurt.api.api_exception_handler",
}
# Requests per API key (or staff user); beyond it the API answers 429 with Retry-After.
PARTNER_API_THROTTLE_RATE = env("PARTNER_API_THROTTLE_RATE", default="600/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "El-yurt umidi expert council API",
    "DESCRIPTION": _(
        "Conferences, experts, councils and press releases for partner ministries, and the "
        "registration of their staff. Send `Authorization: Bearer <key>`; each key carries "
        'scopes. Every error answers `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ConferenceStatusEnum": "conferences.models.Conference.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would send the schema to validator.swagger.io for its badge.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "elyurt.api.describe_schema_hook",
    ],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

COUNTRIES_FIRST = ["UZ"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_answer_tokens": {"()": "elyurt.logfilters.MaskAnswerTokens"},
        "mask_bot_token": {"()": "elyurt.logfilters.MaskBotToken"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_answer_tokens", "mask_bot_token"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
