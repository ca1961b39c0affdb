"""Django settings for Safekeep. Every value an operator may change comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from safekeep.config import (
    data_dir,
    database_settings,
    env_bool,
    env_int,
    env_list,
    private_sqlite_database,
    replica_database,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("SAFEKEEP_DEBUG", False)
ALLOWED_HOSTS = env_list("SAFEKEEP_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("SAFEKEEP_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # django-ninja as an app so the API docs page serves Swagger UI from our own static
    # files rather than a CDN, which the Content-Security-Policy (rightly) blocks.
    "ninja",
    "safekeep.core",
    "safekeep.organisation",
    "safekeep.accounts",
    "safekeep.audit",
    "safekeep.records",
    "safekeep.crypto",
    "safekeep.devices",
    "safekeep.governance",
    "safekeep.sites",
    "safekeep.retention",
    "safekeep.reviews",
    "safekeep.subject_access",
    "safekeep.notifications",
    "safekeep.operations",
    "safekeep.api",
    "safekeep.provisioning",
    "safekeep.access",
    "safekeep.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safekeep.core.middleware.RequestIdMiddleware",
    "safekeep.crypto.middleware.RequestKeysMiddleware",
    "safekeep.api.errors.JsonErrorsMiddleware",
    "safekeep.web.limits.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safekeep.accounts.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safekeep.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "safekeep.urls"
WSGI_APPLICATION = "safekeep.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safekeep.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_settings(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'safekeep.sqlite3'}",
        conn_max_age=env_int("SAFEKEEP_DB_CONN_MAX_AGE", 60),
    )
}
# A kept connection is checked before each request reuses it: after a failover (or a
# database restart) the first request gets a new connection instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        private_sqlite_database(Path(DATABASES["default"]["NAME"]))
# PostgreSQL: the same database as the table owner, for `safekeep migrate` and `db-roles`
# only; the service itself connects as DATABASE_URL's role (docs/operations.md).
SAFEKEEP_MIGRATE_DATABASE_URL = os.environ.get("SAFEKEEP_MIGRATE_DATABASE_URL", "")
# Parallel test runs (and helpers on one machine) each need their own PostgreSQL test database.
if os.environ.get("SAFEKEEP_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SAFEKEEP_TEST_DB_NAME"]}
# A read-only streaming replica for reports and lists, never for decisions (safekeep/dbrouting.py,
# docs/operations.md "A read replica"). Tests read it as the test database itself.
DATABASES.update(
    replica_database(
        os.environ.get("DATABASE_REPLICA_URL", ""),
        conn_max_age=env_int("SAFEKEEP_DB_CONN_MAX_AGE", 60),
    )
)
DATABASE_ROUTERS = ["safekeep.dbrouting.PrimaryRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:start"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: an idle timeout and an absolute lifetime, enforced by SessionPolicyMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SAFEKEEP_IDLE_TIMEOUT_SECONDS = env_int("SAFEKEEP_IDLE_TIMEOUT_MINUTES", 15) * 60
SAFEKEEP_SESSION_MAX_AGE_SECONDS = env_int("SAFEKEEP_SESSION_MAX_HOURS", 10) * 3600
SESSION_COOKIE_AGE = SAFEKEEP_SESSION_MAX_AGE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Slowing down guessing, by source address and by account (accounts/throttle.py).
SAFEKEEP_SIGN_IN_FREE_ATTEMPTS = env_int("SAFEKEEP_SIGN_IN_FREE_ATTEMPTS", 5)
SAFEKEEP_SIGN_IN_FORGIVE_MINUTES = env_int("SAFEKEEP_SIGN_IN_FORGIVE_MINUTES", 5)
SAFEKEEP_SIGN_IN_MAX_WAIT_MINUTES = env_int("SAFEKEEP_SIGN_IN_MAX_WAIT_MINUTES", 15)
SAFEKEEP_SIGN_IN_BLOCK_AFTER = env_int("SAFEKEEP_SIGN_IN_BLOCK_AFTER", 20)
SAFEKEEP_SIGN_IN_BLOCK_MINUTES = env_int("SAFEKEEP_SIGN_IN_BLOCK_MINUTES", 60)
SAFEKEEP_KNOWN_PLACE_DAYS = env_int("SAFEKEEP_KNOWN_PLACE_DAYS", 90)
OTP_TOTP_ISSUER = os.environ.get("SAFEKEEP_OTP_ISSUER", "Safekeep")
# OpenID Connect sign-in with the council's identity provider, e.g. Entra ID (docs/sign-in.md).
# Off unless the issuer, client id and secret are all set. With it on, only the emails in
# SAFEKEEP_LOCAL_SIGN_IN_EMAILS (break-glass administrators) may sign in with a password.
SAFEKEEP_OIDC_ISSUER = os.environ.get("SAFEKEEP_OIDC_ISSUER", "").strip().rstrip("/")
SAFEKEEP_OIDC_CLIENT_ID = os.environ.get("SAFEKEEP_OIDC_CLIENT_ID", "").strip()
SAFEKEEP_OIDC_CLIENT_SECRET = os.environ.get("SAFEKEEP_OIDC_CLIENT_SECRET", "")
SAFEKEEP_OIDC_PROVIDER_NAME = os.environ.get("SAFEKEEP_OIDC_PROVIDER_NAME", "your council account")
SAFEKEEP_OIDC_SCOPES = os.environ.get("SAFEKEEP_OIDC_SCOPES", "openid email profile")
# Safekeep's own code is not asked again when the provider says it used multi-factor
# authentication at most this many hours ago.
SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS = env_int("SAFEKEEP_OIDC_MFA_MAX_AGE_HOURS", 12, minimum=0)
# Authentication-context values (`acr`, or Entra's `acrs`) that also mean multi-factor.
SAFEKEEP_OIDC_MFA_ACR_VALUES = env_list("SAFEKEEP_OIDC_MFA_ACR_VALUES", [])
SAFEKEEP_LOCAL_SIGN_IN_EMAILS = [
    email.lower() for email in env_list("SAFEKEEP_LOCAL_SIGN_IN_EMAILS", [])
]
# An API token works for this many days after it is made (docs/api.md).
SAFEKEEP_API_TOKEN_DAYS = env_int("SAFEKEEP_API_TOKEN_DAYS", 90, minimum=1)
# How many devices one person may have enrolled at a time (docs/devices.md).
SAFEKEEP_MAX_DEVICES_PER_PERSON = env_int("SAFEKEEP_MAX_DEVICES_PER_PERSON", 3, minimum=1)

# /readyz answers "not ready" when the oldest unchained audit entry is older than this.
SAFEKEEP_READY_AUDIT_LAG_SECONDS = env_int("SAFEKEEP_READY_AUDIT_LAG_SECONDS", 60, minimum=1)
# Retention (docs/retention.md): keep looked-after children's records until the 100th
# birthday instead of the 75th (the archivists' longer option for care-experienced people).
SAFEKEEP_RETENTION_CARE_EXPERIENCED_LONGER = env_bool(
    "SAFEKEEP_RETENTION_CARE_EXPERIENCED_LONGER", False
)

# Email (docs/notifications.md): Django's SMTP backend, also used by an email witness.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("SAFEKEEP_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SAFEKEEP_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("SAFEKEEP_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SAFEKEEP_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SAFEKEEP_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("SAFEKEEP_EMAIL_TIMEOUT_SECONDS", 10, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("SAFEKEEP_EMAIL_FROM", "safekeep@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every link in an email starts with this (no trailing slash).
SAFEKEEP_BASE_URL = os.environ.get("SAFEKEEP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Behind HTTPS (production), cookies are secure-only and HSTS is sent.
SAFEKEEP_HTTPS = env_bool("SAFEKEEP_HTTPS", False)
SESSION_COOKIE_SECURE = SAFEKEEP_HTTPS
CSRF_COOKIE_SECURE = SAFEKEEP_HTTPS
SECURE_SSL_REDIRECT = SAFEKEEP_HTTPS and env_bool("SAFEKEEP_SSL_REDIRECT", True)
# The load balancer's health checks may come over plain HTTP inside the data centre.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 31536000 if SAFEKEEP_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SAFEKEEP_HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SAFEKEEP_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"

STATIC_URL = "/assets/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
_GOVUK = PROJECT_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [
    ("govuk", str(_GOVUK)),
    str(_GOVUK / "assets"),
]
STATICFILES_FINDERS = [
    "safekeep.web.staticfiles.StaticFilesFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_MANIFEST_STRICT = False

# Every request body is at most this long (web/limits.py answers 413 before reading more);
# only upload pages (`accepts_upload`) take more, and only they keep files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["safekeep.web.limits.FilesRefused"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEKEEP_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # The PDF library narrates every step at INFO, and warns on every PDF that it subsets
        # fonts with fontTools where libharfbuzz-subset is not installed: only its errors.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
