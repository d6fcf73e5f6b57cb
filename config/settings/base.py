"""Settings shared by every environment.

Environment variables are read through django-environ's ``env``, straight into the setting
they configure (no shadow copies), in the module that uses them: here what every environment
shares; in ``local.py``, ``test.py`` or ``production.py`` what only that environment reads or
what it defaults differently (``SECRET_KEY`` has a development default in ``local.py`` and is
required in ``production.py``). Every one is listed in docs/configuration.md (a test checks).

With nothing set, PeerCircle runs on SQLite under ``var/`` with an embedded Celery broker
(kombu's filesystem transport), so ``make run`` needs nothing but Python. Importing the
settings creates no folders: the Makefile creates ``var/`` and its subfolders, the Docker image
``/app/var``.
"""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Local runtime data (SQLite database, file cache, filesystem broker, beat schedule). Created by
# the Makefile (target var-dirs, before `make run` and `make test`), never by these settings.
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# DEBUG, SECRET_KEY and ALLOWED_HOSTS differ per environment: local.py (development defaults,
# DJANGO_DEBUG), production.py (SECRET_KEY and ALLOWED_HOSTS required) and test.py set them.
DEBUG = False
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Applications -----------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "members",
    "groups",
    "meetings",
    "presentations",
    "board",
    "consultations",
    "polls",
    "alerts",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.AllowedMethodsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language, else English;
    # members.middleware.UserLanguageMiddleware then applies a signed-in person's choice.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    "members.middleware.UserLanguageMiddleware",
    "members.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.StaffTwoStepMiddleware",
    "groups.middleware.GroundRulesMiddleware",
    "groups.middleware.GroupLanguageMiddleware",
    "config.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "config.context_processors.two_step",
            ],
            # The one date format (members/templatetags/when.py), on every page and e-mail.
            "builtins": ["members.templatetags.when"],
        },
    },
]

# --- Data -------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'peercircle.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The coordinates index carries columns for PostgreSQL's index-only reads near a place
    # (groups.models, group_coordinates); SQLite builds it without them: same results.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_db_url(url: str, offset: int) -> str:
    """``url`` pointing ``offset`` Redis databases further (``redis://h:6379/3`` + 1 gives
    ``/4``; no database in the URL means 0; ``unix://`` sockets carry it as ``?db=``)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    in_query = parts.scheme == "unix" or "db" in query
    db = int((query.get("db") if in_query else parts.path.strip("/")) or 0) + offset
    if db > 15:
        raise ValueError(
            f"REDIS_URL names database {db - offset}; the broker would use {db}, past Redis's "
            "default 16 databases. Use a lower one or set CELERY_BROKER_URL."
        )
    if not in_query:
        return urlunsplit(parts._replace(path=f"/{db}"))
    new_query = urlencode({**query, "db": db})
    if parts.scheme == "unix":  # urlunsplit would drop the empty host's "//"
        return f"unix://{parts.path}?{new_query}"
    return urlunsplit(parts._replace(query=new_query))


# One REDIS_URL serves both: the cache on its database N, the Celery broker on N + 1, so that
# flushing or evicting the cache never touches queued tasks (and a broker's keys never count
# against the cache's memory). CACHE_URL and CELERY_BROKER_URL override each side.
REDIS_URL = env("REDIS_URL", default="")
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "peercircle",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # A real cache shared by every process of `make run` (the rate limits need one).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth (django-allauth) --------------------------------------------------
AUTH_USER_MODEL = "members.User"
# Who may do what is asked of the rules directly (config/access.py), not through has_perm, so
# django-rules' permission backend is not installed.
AUTHENTICATION_BACKENDS = [
    "members.backends.ModelBackend",
    "members.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
# Adding or changing the address (and other account changes) asks for the password again
# unless it was given in the last five minutes; the old address is told when it is replaced
# (and a password change or reset is confirmed to the owner): allauth's own notifications.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # Wrong passwords: 20 a minute from one client address across all accounts, and five in
    # five minutes for one account from one address (the "key" is account + address, see
    # members.adapters), so a stranger elsewhere cannot lock a therapist out. docs/security.md.
    "login_failed": "20/m/ip,5/300s/key",
}
# Proxies in front of the app that append to X-Forwarded-For (a TLS-terminating reverse proxy:
# 1). 0 trusts none and uses the connection's address, which behind a proxy is the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PeerCircle] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="https" if SITE_URL.startswith("https") else "http"
)

# Two-step sign-in (allauth.mfa): an authenticator app (TOTP), security keys and passkeys
# (WebAuthn, as a second step only) and one-time recovery codes. Required for site admins
# (config.middleware.StaffTwoStepMiddleware), offered to everyone. Signing in with a passkey
# alone (MFA_PASSKEY_LOGIN_ENABLED) stays off. MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN stays off
# everywhere: the fido2 package already accepts http://localhost (development and the browser
# tests); any other site must be served over https. See docs/security.md.
MFA_ADAPTER = "members.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_FORMS = {
    "add_webauthn": "config.mfa.AddSecurityKeyForm",
    "edit_webauthn": "config.mfa.EditSecurityKeyForm",
}
MFA_TOTP_ISSUER = "PeerCircle"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side, for phones whose clock drifts
MFA_RECOVERY_CODE_COUNT = 10

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------
# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ... from one URL. test.py reads it
# again with an in-memory default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Seconds an SMTP connection may block a worker; a timeout is a transient failure, retried.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Production refuses backends that deliver nothing (console, dummy, memory, files) unless
# this says the choice is deliberate (a demo stack that prints mail to its log).
ALLOW_CONSOLE_EMAIL = env.bool("ALLOW_CONSOLE_EMAIL", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PeerCircle <noreply@peercircle.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation and time -----------------------------------------
# English by default, Spanish for whoever chooses it or whose browser asks for it
# (docs/translations.md). The catalogue is locale/es/LC_MESSAGES/django.po.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "pc_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

# --- Uploaded files (group documents, certificates) -------------------------
# Never served from a public path: there is no MEDIA_URL route. Views check who may see each
# file and stream it (groups/views/documents.py, meetings/views/hours.py). Local files under
# MEDIA_ROOT by default; an S3-compatible bucket when UPLOADS_S3_BUCKET is set (django-storages;
# the credentials come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "uploads"))
FILE_UPLOAD_PERMISSIONS = 0o600
UPLOADS_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("UPLOADS_S3_BUCKET"),
            "endpoint_url": env("UPLOADS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("UPLOADS_S3_REGION", default="") or None,
            "location": env("UPLOADS_S3_PREFIX", default="") or "uploads",
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
    if env("UPLOADS_S3_BUCKET", default="")
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": UPLOADS_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Security (every environment; production.py adds the HTTPS hardening) --
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database and are read through the cache: a signed-in page costs no
# session query while Redis is up, and nothing is lost when it is down or flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Celery -----------------------------------------------------------------
# The default (REDIS_URL's next database) is only worked out when no broker URL is given, so
# REDIS_URL may name database 15 as long as CELERY_BROKER_URL says where the broker is.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or (
    redis_db_url(REDIS_URL, 1) if REDIS_URL else "filesystem://"
)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": 3600}
    if CELERY_BROKER_URL.startswith("redis")
    else {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# test.py reads it again with True as the default.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "dispatch-due-notifications": {
        "task": "members.tasks.task_dispatch_due",
        "schedule": 60.0,
    },
    "expire-waitlist-offers": {
        "task": "groups.tasks.task_expire_waitlist_offers",
        "schedule": 300.0,
    },
    "extend-meeting-series": {
        "task": "meetings.tasks.task_extend_all_series",
        "schedule": 6 * 3600.0,
    },
    "warn-low-rsvps": {
        "task": "meetings.tasks.task_warn_low_rsvps",
        "schedule": 900.0,
    },
    "purge-expired-cases": {
        "task": "presentations.tasks.task_purge_expired_cases",
        "schedule": 3600.0,
    },
    "expire-rotation-invitations": {
        "task": "presentations.tasks.task_expire_rotation_invitations",
        "schedule": 300.0,
    },
    "assign-facilitators": {
        "task": "presentations.tasks.task_assign_facilitators",
        "schedule": 6 * 3600.0,
    },
    "close-due-elections": {
        "task": "presentations.tasks.task_close_due_elections",
        "schedule": 300.0,
    },
    "purge-expired-consultations": {
        "task": "consultations.tasks.task_purge_expired_consultations",
        "schedule": 3600.0,
    },
    "purge-expired-case-notes": {
        "task": "meetings.tasks.task_purge_expired_case_notes",
        "schedule": 3600.0,
    },
    "attach-waiting-follow-ups": {
        "task": "presentations.tasks.task_attach_waiting_follow_ups",
        "schedule": 3600.0,
    },
    "close-due-polls": {
        "task": "polls.tasks.task_close_due_polls",
        "schedule": 300.0,
    },
    "remove-expired-documents": {
        "task": "groups.tasks.task_remove_expired_documents",
        "schedule": 3600.0,
    },
    # Sunday 20:00 UTC, before Monday morning anywhere: each digest is then due at 08:00 in
    # its recipient's zone, sent by the dispatcher (docs/alerts.md).
    "plan-weekly-alert-digests": {
        "task": "alerts.tasks.task_plan_weekly_digests",
        "schedule": crontab(minute=0, hour=20, day_of_week="sun"),
    },
}

# --- Logging ----------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Demo and health
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

# "Near me": a web process builds the offline gazetteer's indexes when it starts (config/wsgi.py;
# about 2 s of CPU and 108 MB), not on the first request that looks a place up.
WARM_GAZETTEER = env.bool("WARM_GAZETTEER", default=True)
# Members' pages kept in the cache for each person under the versions of what they show
# (config/pagecache.py); off, every member page is rendered afresh.
MEMBER_PAGE_CACHE = env.bool("MEMBER_PAGE_CACHE", default=True)
