"""Settings for digest, read from the environment (see README.md, "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=1 for development)."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    "editorial",
    "axes",
]

MIDDLEWARE = [
    # First: a request with a NUL in a parameter or an unknown charset is answered 400 before
    # anything (CSRF, sessions, views) parses it.
    "editorial.middleware_requests.MalformedRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous reader pages are answered here, before sessions, auth, CSRF and locale.
    "editorial.reader_cache.ReaderPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "editorial.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# Every authenticate() (the login page, the admin's login) passes django-axes first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "editorial.auth_backends.PermissionsBackend",  # permissions in one query (no sign-in)
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "digest.urls"
WSGI_APPLICATION = "digest.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "editorial.context_processors.site",
            ],
        },
    },
]

# Forms render through the project's templates: templates/forms/field.html is every field group
# (label, input, help, errors and the ARIA between them); Django's own widget templates stay.
FORM_RENDERER = "editorial.form_rendering.FormRenderer"

# Database: DATABASE_URL, or an SQLite file in the project (WAL journal: readers never wait for
# the one writer).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default, Redis when REDIS_URL is set (shared by all app servers).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Servers sharing one Redis share a prefix; something else on it takes another.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "digest"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "digest",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "editorial:dashboard"
LOGOUT_REDIRECT_URL = "reader:latest"

# Sessions live in the database, so app servers stay stateless.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
WHITENOISE_MAX_AGE = 3600

# Content-Security-Policy: everything from our own origin, nothing inline, nothing evaluated.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production hardening: on unless DEBUG; a TLS-terminating proxy sets X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The product's own settings.
DIGEST_PUBLICATION = os.environ.get("DIGEST_PUBLICATION", "云计算技术动态")
# The language the digest's content is written in (HTML lang of titles and summaries).
DIGEST_CONTENT_LANGUAGE = os.environ.get("DIGEST_CONTENT_LANGUAGE", "zh-Hans")
# Four eyes: a reviewer may not approve an entry whose current title, URL or summary they wrote
# or changed (superusers included). Off only for a team of one.
DIGEST_FOUR_EYES = env_bool("DIGEST_FOUR_EYES", True)
# Seconds a rendered reader page stays in the cache (dropped early when an issue changes).
DIGEST_PAGE_CACHE_SECONDS = int(os.environ.get("DIGEST_PAGE_CACHE_SECONDS", "600"))
# Seconds the rendered contents of a published revision stay in the cache. A revision never
# changes, so this only bounds the memory: it is rendered again only after it fell out.
DIGEST_REVISION_CACHE_SECONDS = int(os.environ.get("DIGEST_REVISION_CACHE_SECONDS", "604800"))
# The publication state, asked by every anonymous reader request, is read on a connection kept
# for it per thread and kept in memory between changes (PostgreSQL: each app process listens for
# changes to the revisions; SQLite: PRAGMA data_version), instead of costing a connection, a
# round trip or a query per request (editorial/state_connection.py).
DIGEST_READER_STATE_KEPT = env_bool("DIGEST_READER_STATE_KEPT", True)
# Shared caches (nginx, a CDN) may keep an anonymous reader page this many seconds without
# asking again (s-maxage), then serve it stale for up to DIGEST_READER_STALE_SECONDS more while
# they fetch a fresh copy (stale-while-revalidate). A correction reaches readers behind such a
# cache within their sum; browsers always revalidate (max-age=0, answered 304).
DIGEST_READER_SHARED_MAX_AGE = int(os.environ.get("DIGEST_READER_SHARED_MAX_AGE", "30"))
DIGEST_READER_STALE_SECONDS = int(os.environ.get("DIGEST_READER_STALE_SECONDS", "30"))
# How many reverse proxies (nginx, a load balancer) stand in front of the app servers and add
# to X-Forwarded-For; 0 means clients connect directly. The login throttle counts by the
# address the outermost proxy saw.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name
# (as the login form normalises it) from one client address, that pair is locked out for
# AXES_COOLOFF_MINUTES; `manage.py unlock_login NAME` (or deleting the attempt in the admin)
# lifts it earlier.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "editorial.login_names.throttle_username"
AXES_CLIENT_IP_CALLABLE = "editorial.login_names.client_address"
AXES_LOCKOUT_CALLABLE = "editorial.views.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Work outside the request (fetching saved pages, checking links): Django's tasks framework with
# the database as queue; `manage.py db_worker` runs the tasks (README, "Inbox").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Fetching pages (inbox, link check): only public addresses are reached. The addresses listed
# here are reachable anyway; tests list the loopback servers they start. Empty in production.
DIGEST_FETCH_ALLOWED_ADDRESSES = env_list("DIGEST_FETCH_ALLOWED_ADDRESSES")
# Seconds to connect, and for the whole fetch of one page including redirects.
DIGEST_FETCH_CONNECT_TIMEOUT = float(os.environ.get("DIGEST_FETCH_CONNECT_TIMEOUT", "3"))
DIGEST_FETCH_TOTAL_TIMEOUT = float(os.environ.get("DIGEST_FETCH_TOTAL_TIMEOUT", "10"))

# The optional summary draft: an OpenAI-compatible chat-completions endpoint, its model and key.
# The "draft a summary" button appears only when the URL and the model are set.
DIGEST_SUMMARY_API_URL = os.environ.get("DIGEST_SUMMARY_API_URL", "")
DIGEST_SUMMARY_MODEL = os.environ.get("DIGEST_SUMMARY_MODEL", "")
DIGEST_SUMMARY_API_KEY = os.environ.get("DIGEST_SUMMARY_API_KEY", "")
DIGEST_SUMMARY_TIMEOUT = float(os.environ.get("DIGEST_SUMMARY_TIMEOUT", "30"))
