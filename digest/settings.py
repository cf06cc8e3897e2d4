"""Settings for digest, read from the environment (see README.md, "Configuration"), and in
development from the `.env` file that `make run` writes (digest/environment.py)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from digest.environment import MissingSetting, read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

read_env_file(BASE_DIR / ".env")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_ports(name: str, default: str) -> frozenset[int]:
    """Ports and ranges, "80,443" or "80,443,8000-8100"; MissingSetting if one is not."""
    ports = set()
    for item in env_list(name, default):
        low, _dash, high = item.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise MissingSetting(f"{name}: {item!r} is not a port or a range of ports") from None
        if not 1 <= first <= last <= 65535:
            raise MissingSetting(f"{name}: {item!r} is not within 1-65535")
        ports.update(range(first, last + 1))
    return frozenset(ports)


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise MissingSetting(
            "SECRET_KEY is not set: set it in the environment (or DEBUG=1 for development;"
            " `make run` writes a development .env)."
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
    # Sees every response last: "private, no-store" on all but reader pages and what says it
    # is public (editorial/middleware/private.py).
    "editorial.middleware.private.PrivateResponseMiddleware",
    # Then: a request with a NUL in a parameter or an unknown charset is answered 400 before
    # anything (CSRF, sessions, views) parses it.
    "editorial.middleware.requests.MalformedRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous reader pages are answered here, before sessions, auth, CSRF and locale.
    "editorial.reader.cache.ReaderPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "editorial.middleware.language.LanguageMiddleware",
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
    "editorial.accounts.backends.PermissionsBackend",  # permissions in one query (no sign-in)
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
            # An accelerator, never a dependency: a failing Redis is a miss, with a warning
            # (editorial/reader/cache_backend.py). Short socket timeouts make a slow Redis a miss
            # too.
            "BACKEND": "editorial.reader.cache_backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "0.25")),
            },
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
# A stale token on an htmx request keeps the page and its text (views/accounts.py).
CSRF_FAILURE_VIEW = "editorial.accounts.views.csrf_failure"
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
# The site's public address (scheme and host, no path): every absolute link and id in the feed,
# and the WeChat copy's 阅读原文 address (later the mail), is made from it, never from a
# request's Host header.
# Required in production: missing, `manage.py check`, `migrate` (so `make serve`) and
# `runserver` stop with one line saying so (editorial/checks.py); development has a default.
DIGEST_SITE_URL = os.environ.get("DIGEST_SITE_URL", "").strip().rstrip("/") or (
    "http://127.0.0.1:8000" if DEBUG else ""
)
# The host in the feed's ids (tag:HOST,YEAR:issue/YEAR/NUMBER). It defaults to the host of
# DIGEST_SITE_URL; when the site moves to another domain, set it to the old host, so that no id
# changes (feed readers would show every issue again).
DIGEST_FEED_ID_HOST = (
    os.environ.get("DIGEST_FEED_ID_HOST", "")
    or (DIGEST_SITE_URL.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0])
)
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
# The publication state, asked by every anonymous reader request, is kept by each app process
# this many seconds (or until the next scheduled time) before one query reads it again: a
# publication reaches every app server within it (editorial/reader/state.py). 0: every request.
DIGEST_READER_STATE_SECONDS = float(os.environ.get("DIGEST_READER_STATE_SECONDS", "1"))
# A rendered reader page larger than this is not kept in the cache (it is rendered each time).
DIGEST_PAGE_CACHE_MAX_BYTES = int(os.environ.get("DIGEST_PAGE_CACHE_MAX_BYTES", str(8 * 2**20)))
# While the cache (Redis) fails, it is left alone this many seconds before it is tried again,
# and its failure is logged once per such interval (editorial/reader/cache_backend.py).
DIGEST_CACHE_RETRY_SECONDS = float(os.environ.get("DIGEST_CACHE_RETRY_SECONDS", "5"))
# Shared caches (nginx, a CDN) may keep an anonymous reader page this many seconds without
# asking again (s-maxage), then serve it stale for up to DIGEST_READER_STALE_SECONDS more while
# they fetch a fresh copy (stale-while-revalidate). A correction reaches readers behind such a
# cache within their sum; browsers always revalidate (max-age=0, answered 304).
DIGEST_READER_SHARED_MAX_AGE = int(os.environ.get("DIGEST_READER_SHARED_MAX_AGE", "30"))
DIGEST_READER_STALE_SECONDS = int(os.environ.get("DIGEST_READER_STALE_SECONDS", "30"))
# How many reverse proxies (nginx, a load balancer) stand in front of the app servers and add
# to X-Forwarded-For; 0 means clients connect directly. The login throttle counts by the
# address the outermost proxy saw, read as an address
# (editorial.clients.client_address).
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name
# (as the login form normalises it) from one client address, that pair is locked out for
# AXES_COOLOFF_MINUTES; `manage.py unlock_login NAME` (or deleting the attempt in the admin)
# lifts it earlier.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "editorial.accounts.login_names.throttle_username"
AXES_CLIENT_IP_CALLABLE = "editorial.clients.client_address"
AXES_LOCKOUT_CALLABLE = "editorial.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Work outside the request (fetching saved pages, checking links): Django's tasks framework with
# the database as queue; `manage.py db_worker` runs the tasks (README, "Inbox").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Fetching pages (inbox, link check): only public addresses are reached. The addresses listed
# here are reachable anyway; tests list the loopback servers they start. Empty in production.
DIGEST_FETCH_ALLOWED_ADDRESSES = env_list("DIGEST_FETCH_ALLOWED_ADDRESSES")
# The ports a fetch may connect to: the web's own, unless widened ("80,443,8080"; tests widen
# it to their loopback servers' ports). A link to :22 or :6379 of a public host is refused.
DIGEST_FETCH_ALLOWED_PORTS = env_ports("DIGEST_FETCH_ALLOWED_PORTS", "80,443")
# Seconds to look a host name up, to connect, and for the whole fetch of one page including
# redirects (the first two are waited for within the third).
DIGEST_FETCH_DNS_TIMEOUT = float(os.environ.get("DIGEST_FETCH_DNS_TIMEOUT", "3"))
DIGEST_FETCH_CONNECT_TIMEOUT = float(os.environ.get("DIGEST_FETCH_CONNECT_TIMEOUT", "3"))
DIGEST_FETCH_TOTAL_TIMEOUT = float(os.environ.get("DIGEST_FETCH_TOTAL_TIMEOUT", "10"))
# Pages one editor may have read at once inside their own requests (the add form's fill from
# the URL, a summary draft): each holds a server thread while it reads.
DIGEST_FETCH_EDITOR_READS = int(os.environ.get("DIGEST_FETCH_EDITOR_READS", "3"))

# Email (README, "Email"): readers' subscriptions, each issue's mail, the team's notices.
# DIGEST_EMAIL_PROVIDER picks how mail leaves: "smtp" (Django's SMTP backend, EMAIL_HOST and the
# rest below), "file" (each mail a file under var/mail/, git-ignored: development needs no mail
# server), "console", or the name of any provider django-anymail supports ("amazon_ses",
# "mailgun", "postmark", "sendgrid", …), configured by ANYMAIL_* variables (ANYMAIL_MAILGUN_API_KEY
# becomes ANYMAIL["MAILGUN_API_KEY"]).
DIGEST_EMAIL_PROVIDER = os.environ.get("DIGEST_EMAIL_PROVIDER", "file" if DEBUG else "smtp")
_MAIL_OPTIONS = {
    "smtp": {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),  # STARTTLS, usually on port 587
        "use_ssl": env_bool("EMAIL_USE_SSL", False),  # TLS from the start, usually on port 465
        "timeout": float(os.environ.get("EMAIL_TIMEOUT", "30")),  # seconds per SMTP operation
    },
    "file": {"file_path": BASE_DIR / "var" / "mail"},
}
MAILERS = {
    "default": {
        "BACKEND": {
            "smtp": "django.core.mail.backends.smtp.EmailBackend",
            "file": "django.core.mail.backends.filebased.EmailBackend",
            "console": "django.core.mail.backends.console.EmailBackend",
        }.get(DIGEST_EMAIL_PROVIDER, f"anymail.backends.{DIGEST_EMAIL_PROVIDER}.EmailBackend"),
        "OPTIONS": _MAIL_OPTIONS.get(DIGEST_EMAIL_PROVIDER, {}),
    }
}
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}
# Who the mail is from, where replies go, and the address of the mailto: unsubscribe (optional:
# the one-click https link is always there; a mailbox someone reads makes the mailto: useful).
DEFAULT_FROM_EMAIL = os.environ.get("DIGEST_MAIL_FROM", "云计算技术动态 <digest@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DIGEST_MAIL_REPLY_TO = os.environ.get("DIGEST_MAIL_REPLY_TO", "")
DIGEST_MAIL_UNSUBSCRIBE_ADDRESS = os.environ.get("DIGEST_MAIL_UNSUBSCRIBE_ADDRESS", "")
# Subscribing (README, "Subscribing"): one mail about a subscription per address in this many
# seconds (a confirmation asked for again, or the "already subscribed" notice), whatever the
# cache does; and at most DIGEST_SUBSCRIBE_CLIENT_LIMIT asks from one client address per
# DIGEST_SUBSCRIBE_CLIENT_WINDOW seconds (counted in the cache; with the cache down, not
# counted: editorial/subscribers/throttle.py says why).
DIGEST_SUBSCRIBE_MAIL_INTERVAL = int(os.environ.get("DIGEST_SUBSCRIBE_MAIL_INTERVAL", "900"))
DIGEST_SUBSCRIBE_CLIENT_LIMIT = int(os.environ.get("DIGEST_SUBSCRIBE_CLIENT_LIMIT", "10"))
DIGEST_SUBSCRIBE_CLIENT_WINDOW = int(os.environ.get("DIGEST_SUBSCRIBE_CLIENT_WINDOW", "3600"))
# Sending an issue (README, "Sending"): at most DIGEST_MAIL_RATE messages a second in all and
# DIGEST_MAIL_DOMAIN_RATE a minute to one receiving domain (some providers refuse senders that
# go faster: "550 Connection frequency limited"); 0 = no limit. DIGEST_MAIL_BATCH messages go
# over one SMTP connection. A delivery claimed by a worker that stopped answering for
# DIGEST_MAIL_CLAIM_TIMEOUT seconds is sent again, with the same Message-ID. A temporary refusal
# (4xx) waits DIGEST_MAIL_RETRY_SECONDS, doubled at each attempt, and fails after
# DIGEST_MAIL_MAX_ATTEMPTS. DIGEST_MAIL_SOFT_BOUNCES soft bounces in a row suppress an address.
DIGEST_MAIL_RATE = float(os.environ.get("DIGEST_MAIL_RATE", "10"))
DIGEST_MAIL_DOMAIN_RATE = float(os.environ.get("DIGEST_MAIL_DOMAIN_RATE", "60"))
DIGEST_MAIL_BATCH = int(os.environ.get("DIGEST_MAIL_BATCH", "50"))
DIGEST_MAIL_CLAIM_TIMEOUT = float(os.environ.get("DIGEST_MAIL_CLAIM_TIMEOUT", "900"))
DIGEST_MAIL_RETRY_SECONDS = float(os.environ.get("DIGEST_MAIL_RETRY_SECONDS", "60"))
DIGEST_MAIL_MAX_ATTEMPTS = int(os.environ.get("DIGEST_MAIL_MAX_ATTEMPTS", "6"))
DIGEST_MAIL_SOFT_BOUNCES = int(os.environ.get("DIGEST_MAIL_SOFT_BOUNCES", "3"))
# A mailing being sent whose worker has said nothing for this many seconds (killed, its machine
# lost; a working one says so at least every DIGEST_MAIL_HEARTBEAT_SECONDS) is given a worker
# again when someone looks at its page: the deliveries its worker held go out once their claim
# times out (DIGEST_MAIL_CLAIM_TIMEOUT), the rest at once.
DIGEST_MAIL_HEARTBEAT_SECONDS = float(os.environ.get("DIGEST_MAIL_HEARTBEAT_SECONDS", "30"))
DIGEST_MAIL_STALL_SECONDS = float(os.environ.get("DIGEST_MAIL_STALL_SECONDS", "120"))

# The optional summary draft: an OpenAI-compatible chat-completions endpoint, its model and key.
# The "draft a summary" button appears only when the URL and the model are set.
DIGEST_SUMMARY_API_URL = os.environ.get("DIGEST_SUMMARY_API_URL", "")
DIGEST_SUMMARY_MODEL = os.environ.get("DIGEST_SUMMARY_MODEL", "")
DIGEST_SUMMARY_API_KEY = os.environ.get("DIGEST_SUMMARY_API_KEY", "")
DIGEST_SUMMARY_TIMEOUT = float(os.environ.get("DIGEST_SUMMARY_TIMEOUT", "30"))
