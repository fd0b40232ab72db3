"""Settings for the Twinning Hub, read from the environment.

With no environment at all the hub runs in development mode on SQLite, so that
`make run` works on a fresh machine. Production sets DEBUG=false, which makes
SECRET_KEY and ALLOWED_HOSTS mandatory and turns on the secure defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "core",
    "audit",
    "places",
    "sources",
    "links",
    "imports",
    "api",
    "stats",
    "associations",
    "accounts",
    "proposals",
    "matching",
    "health",
    "knowledge",
    "events",
    "documents",
    "disputes",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security_headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "twinning_hub.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "twinning_hub" / "templates"],
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

WSGI_APPLICATION = "twinning_hub.wsgi.application"

# SQLite (with WAL, see core.apps) is the embedded default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the status-on-date query for ~0.9 s on every statistics page
    # while saving nothing at this size: off unless asked for. random_page_cost 1.1 (from 4) tells
    # the planner an index probe is cheap, as it is when the registry sits in memory or on SSD:
    # it then drives a country filter from the index instead of scanning every party.
    PG_OPTIONS_DEFAULT = "-c jit=off -c random_page_cost=1.1"
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", os.environ.get("PG_OPTIONS", PG_OPTIONS_DEFAULT)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at /…, French at /fr/… (twinning_hub.urls: i18n_patterns without a prefix for English).
# Each app's messages are in its locale/ folder; the project's templates' in twinning_hub/locale/.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "twinning_hub" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Counts are grouped where they are shown, by intcomma (number_format(n, force_grouping=True) in
# Python), in the language's way: 1,234 in English, 1 234 (a no-break space) in French. Not every
# number: USE_THOUSAND_SEPARATOR stays off, so years, ids and coordinates are never written "2,022".

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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
STATICFILES_DIRS = [BASE_DIR / "twinning_hub" / "static"]

# Secure defaults outside development.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# No script of the hub's reads the CSRF cookie (every form carries the token), so scripts may not.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    # Only for a domain whose subdomains all serve HTTPS; preload asks browsers to never try HTTP.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp): everything from the hub itself, nothing inline (no
# 'unsafe-inline': styles and scripts live in static files), no plugins, no framing. The only
# inline <script> allowed is a data block (JSON-LD), which browsers never run.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
# Browser features no page of the hub uses, switched off for it and anything it might embed
# (core.security_headers).
_UNUSED_FEATURES = "accelerometer camera geolocation gyroscope magnetometer microphone payment usb"
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in _UNUSED_FEATURES.split())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The public address of the hub, used in exports (links' URLs, Wikidata references).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# The API: anonymous clients may make this many requests (per IP); staff with a token are not limited.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
# Writes through the API, per token.
API_WRITE_RATE = os.environ.get("API_WRITE_RATE", "600/h")
# Behind N reverse proxies, trust N X-Forwarded-For hops when counting clients for the rate limit.
NINJA_NUM_PROXIES = int(os.environ.get("NINJA_NUM_PROXIES", "0")) or None

# Caches: the rate limit counts in the cache. One process needs nothing more; several gunicorn
# workers need a shared cache (CACHE_URL=db for Django's database cache after `createcachetable`).
# The cache also keeps pages and figures per registry version (a page is ~30 KB): CACHE_ENTRIES
# of them, after which a third is dropped (Django's culling).
CACHE_ENTRIES = int(os.environ.get("CACHE_ENTRIES", "5000"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": CACHE_ENTRIES}}
}
if os.environ.get("CACHE_URL") == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hub_cache",
            "OPTIONS": {"MAX_ENTRIES": CACHE_ENTRIES * 10},
        }
    }

# Public pages (link, place) served to anonymous visitors from the cache while the registry is
# unchanged (api.conditional.registry_cached_page); off to measure rendering itself.
PAGE_CACHE = env_bool("PAGE_CACHE", default=True)

# ---------------------------------------------------------------- accounts (django-allauth)
# Sign in with an email address; an account can do nothing but read until that address is
# verified by the link emailed to it. Rate limits (per IP and per address) are allauth's, counted
# in the cache above: a shared cache (CACHE_URL) makes them hold across workers.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Twinning Hub] "
ACCOUNT_FORMS = {"signup": "accounts.forms.HubSignupForm"}
# A field hidden from people: a bot that fills it in is refused without being told why.
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_RATE_LIMITS = {
    "signup": os.environ.get("SIGNUP_RATE", "5/h/ip"),
    "login_failed": "10/m/ip,5/5m/key",
}
# A public form sent back faster than a person can fill it in is a bot's (core.antibot).
FORM_MIN_SECONDS = float(os.environ.get("FORM_MIN_SECONDS", "3"))
SIGNUP_MIN_SECONDS = float(os.environ.get("SIGNUP_MIN_SECONDS", str(FORM_MIN_SECONDS)))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Twinning Hub"
# Admins' powers work only once their account has a second factor (accounts.policy.roles_of).
ADMIN_SECOND_FACTOR_REQUIRED = env_bool("ADMIN_SECOND_FACTOR_REQUIRED", default=True)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Twinning Hub <hub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------- background tasks
# Django's tasks framework (the django-tasks backport of Django 6's django.tasks). In production
# tasks wait in the database and `manage.py db_worker` runs them (README, "Running in production");
# in development and tests they run at once, in the request that enqueues them.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "immediate" if DEBUG else "database")
if TASK_BACKEND not in ("immediate", "database"):
    raise ImproperlyConfigured("TASK_BACKEND must be 'immediate' or 'database'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASK_BACKEND == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

# ---------------------------------------------------------------- "Is this link still active?"
# Each link's contacts are asked when its last verification is older than VERIFICATION_EVERY_DAYS;
# an unanswered request is sent again after VERIFICATION_RETRY_DAYS, VERIFICATION_ATTEMPTS times in
# all, then the link is marked unverified. The emailed links work for VERIFICATION_TOKEN_DAYS.
VERIFICATION_EVERY_DAYS = int(os.environ.get("VERIFICATION_EVERY_DAYS", "365"))
VERIFICATION_RETRY_DAYS = int(os.environ.get("VERIFICATION_RETRY_DAYS", "14"))
VERIFICATION_ATTEMPTS = int(os.environ.get("VERIFICATION_ATTEMPTS", "3"))
VERIFICATION_TOKEN_DAYS = int(os.environ.get("VERIFICATION_TOKEN_DAYS", "30"))

# ---------------------------------------------------------------- association governance
# An association is gently reminded, once a year, when someone has held a high-intensity committee
# role (chair, secretary, treasurer) for more than GOVERNANCE_ROLE_YEARS years.
GOVERNANCE_ROLE_YEARS = int(os.environ.get("GOVERNANCE_ROLE_YEARS", "6"))

# ---------------------------------------------------------------- proposals and moderation
# Whether a submitted change applies at once or waits for a moderator: each rule may object
# (proposals.review). The first FIRST_EDITS_REVIEWED changes of a new editor are reviewed.
REVIEW_RULES = ["proposals.review.role_allows_it", "proposals.review.first_edits"]
FIRST_EDITS_REVIEWED = int(os.environ.get("FIRST_EDITS_REVIEWED", "3"))
PROPOSAL_RATE = os.environ.get("PROPOSAL_RATE", "30/h")
# Each moderator is emailed when a proposal starts waiting; a busy hub whose moderators work from the
# queue (/proposals/) turns it off.
PROPOSAL_EMAILS_TO_MODERATORS = env_bool("PROPOSAL_EMAILS_TO_MODERATORS", True)

# Search results per page.
SEARCH_PAGE_SIZE = 25

# ---------------------------------------------------------------- associations' contact form
# Messages a visitor may send through the hub (associations.views.contact): per client address,
# and to any one association from everyone together (so many addresses cannot flood one inbox).
# Counted in the cache, like the API's limit. A "report as abuse" link works for this many days.
CONTACT_RATE = os.environ.get("CONTACT_RATE", "5/h")
CONTACT_ASSOCIATION_RATE = os.environ.get("CONTACT_ASSOCIATION_RATE", "20/d")
CONTACT_REPORT_DAYS = int(os.environ.get("CONTACT_REPORT_DAYS", "30"))

# ---------------------------------------------------------------- privacy (accounts.privacy)
# UK GDPR: accounts whose address nobody confirmed are deleted after this many days by
# `manage.py remove_unverified_accounts` (run daily); the privacy notice names this period and
# the address people write to about their data.
UNVERIFIED_ACCOUNT_DAYS = int(os.environ.get("UNVERIFIED_ACCOUNT_DAYS", "14"))
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL") or DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">")
