"""Settings for the workbench, read from the environment (see .env.example).

Every variable has a default that is safe on a developer's machine; production
sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY and DATABASE_URL at least.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", False)

# The "django-insecure-" prefix makes `check --deploy` flag a forgotten key,
# and the WSGI application refuses to serve with it when debug is off
# (workbench.wsgi): anyone can read it here and forge cookies.
DEFAULT_SECRET_KEY = "django-insecure-local-only-set-DJANGO_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEFAULT_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Ours, top layer first so its templates and translations win.
    "workbench",
    "facilitation",
    "cms",
    "strategy",
    "judging",
    "ideas",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workbench.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before axes: a braked address's attempt is refused before it is counted.
    "workbench.logins.LoginBrakeMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins per account and address and refuses them for a while.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "workbench.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "workbench.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several people submit at once during an event: wait for the write lock
    # instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    # Wagtail's own small jobs (search and reference indexes) run within the
    # request, as Wagtail expects.
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # Long work of ours (large imports, clustering) waits in the database for
    # the worker: python manage.py db_worker --backend background
    "background": {
        "BACKEND": os.environ.get(
            "DJANGO_BACKGROUND_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        )
    },
}

# Throttles and login lockouts count in the cache, which every server process
# must share: Redis where there is one, else a table in our own database, so
# a one-server office needs no extra service (``migrate`` creates the table).
_CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
        }
        if _CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "workbench_cache",
            # Culling at Django's default 300 entries would forget counts in
            # the middle of an event; expired rows are culled all the same.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# Thai first: the primary users read and write Thai.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / os.environ.get("DJANGO_MEDIA_ROOT", "media")
# Import uploads (which may hold personal columns) and background exports wait
# here: never under MEDIA_ROOT, which a web server serves; only the admin's
# views, which check permissions, read them.
PRIVATE_FILES_ROOT = BASE_DIR / os.environ.get("DJANGO_PRIVATE_ROOT", "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "wagtailadmin_login"

# Wagtail
WAGTAIL_SITE_NAME = "Reform Workbench"
# No Gravatar: the hash of a staff member's e-mail would leave the office's
# network with every admin page, and offline the picture is broken. Wagtail
# then shows its own default avatar, served from our static files.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Wagtail's upgrade notice asks wagtail.io from the staff's browsers: offline it
# fails, and online it tells a third party who runs the admin.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")

# Mail to authors who asked for it (a change of their idea, their tracking
# link). Debug (the demo) writes each mail as a file under mail/; a server
# sends through its SMTP host.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    (
        "django.core.mail.backends.filebased.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "mail"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "workbench@localhost")
# How often one idea's tracking page may mail its link to the author.
IDEAS_LINK_MAIL_RATE = os.environ.get("IDEAS_LINK_MAIL_RATE", "3/h")
WAGTAILADMIN_PERMITTED_LANGUAGES = [("th", "ภาษาไทย"), ("en", "English")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "txt", "xlsx", "md"]
TAGGIT_CASE_INSENSITIVE = True

# Abuse. A whole room sits behind one Wi-Fi address at an event, so the limit
# per address is generous and the tight one is per browser session.
IDEAS_SUBMIT_RATE_SESSION = os.environ.get("IDEAS_SUBMIT_RATE_SESSION", "5/m")
IDEAS_SUBMIT_RATE_IP = os.environ.get("IDEAS_SUBMIT_RATE_IP", "120/m")
# Similar-ideas hints while typing, per browser: a debounced form sends a few
# a minute; more is a script.
IDEAS_HINTS_RATE = os.environ.get("IDEAS_HINTS_RATE", "30/m")
# Caps per address beside the limits per browser: hints (each runs the model;
# 60 people typing send about 250 a minute) and new browser ids (a script
# throwing its id away fetches a new one each time).
IDEAS_HINTS_RATE_IP = os.environ.get("IDEAS_HINTS_RATE_IP", "600/m")
IDEAS_BROWSER_IDS_RATE_IP = os.environ.get("IDEAS_BROWSER_IDS_RATE_IP", "60/m")
RATELIMIT_IP_META_KEY = "cms.throttles.client_ip"
# If the cache is down, take the ideas rather than refuse everyone.
RATELIMIT_FAIL_OPEN = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "1"))
)
# An account is locked from the address that failed, not everywhere: a stranger
# cannot lock a colleague out, and a whole office behind one address is not
# locked for one person's typos. The per-address brake below slows password
# spraying (many accounts, one address).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cms.throttles.client_ip"
# Failed logins from one address, any accounts, before it must wait.
WORKBENCH_LOGIN_FAILURES_PER_ADDRESS = os.environ.get(
    "WORKBENCH_LOGIN_FAILURES_PER_ADDRESS", "30/15m"
)
# Counts in the cache: the database keeps no log of who tried which account.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_TEMPLATE = "429_login.html"

# The offline text model (ml.encoders.get_encoder): "default" (multilingual e5,
# Thai and English), "use", "lexical" (fast, weak) or "st:<path>".
ML_ENCODER = os.environ.get("ML_ENCODER", "default")
# Similarity from which the duplicates queue lists a pair, calibrated for the
# default encoder (loadtest/bench_duplicates.py, docs/benchmarks.md); never
# below the encoder's own duplicate threshold. Measure again with another encoder.
IDEAS_DUPLICATE_THRESHOLD = float(os.environ.get("IDEAS_DUPLICATE_THRESHOLD", "0.5"))
# A clustering run that has given no sign of life for this long is a dead
# worker's: it is marked failed so that a new run can start. A queued run no
# worker picked up is failed after CLUSTERING_QUEUED_STALE_SECONDS.
CLUSTERING_STALE_SECONDS = int(os.environ.get("CLUSTERING_STALE_SECONDS", "120"))
CLUSTERING_QUEUED_STALE_SECONDS = int(
    os.environ.get("CLUSTERING_QUEUED_STALE_SECONDS", "3600")
)

# The ideas app
# Bumped whenever the consent wording on the submission form changes, so each
# stored consent says which text the participant agreed to.
IDEAS_CONSENT_TEXT_VERSION = "2026-11-v1"
# A second identical submission from the same browser within this many seconds
# is taken as a double click and returns the first idea.
IDEAS_DOUBLE_SUBMIT_SECONDS = 60
# Contact details are deleted this many days after consent (PDPA: keep
# personal data no longer than needed); the form tells participants.
IDEAS_CONTACT_RETENTION_DAYS = int(
    os.environ.get("IDEAS_CONTACT_RETENTION_DAYS", "365")
)
# Larger files are refused with a message naming the limit.
IDEAS_IMPORT_MAX_BYTES = int(os.environ.get("IDEAS_IMPORT_MAX_MB", "20")) * 1024 * 1024
IDEAS_IMPORT_MAX_ROWS = int(os.environ.get("IDEAS_IMPORT_MAX_ROWS", "50000"))
# Files above this size are checked and imported by the background worker, so
# the request returns at once (a 50,000-row file takes minutes).
IDEAS_IMPORT_BACKGROUND_BYTES = (
    int(os.environ.get("IDEAS_IMPORT_BACKGROUND_KB", "256")) * 1024
)
# Events with more public ideas than this are exported by the background
# worker to a file kept a day; smaller exports download within the request.
IDEAS_EXPORT_BACKGROUND_IDEAS = int(
    os.environ.get("IDEAS_EXPORT_BACKGROUND_IDEAS", "2000")
)
# A background export whose file has not grown for this long (seconds) is shown
# as stopped: its worker was killed or restarted, and nobody will finish it.
IDEAS_EXPORT_STALE_SECONDS = int(os.environ.get("IDEAS_EXPORT_STALE_SECONDS", "900"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        name: {"level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")}
        for name in ("workbench", "cms", "strategy", "judging", "ideas", "ml")
    },
}

# Production hardening: on whenever debug is off, each switchable for a
# TLS-terminating proxy or a plain-HTTP test server.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a frame of the admin, which DENY
# would break; SAMEORIGIN still refuses every other site.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# The public pages load nothing but their own files: no inline script, no CDN.
# The Wagtail admin is left to its own headers.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
