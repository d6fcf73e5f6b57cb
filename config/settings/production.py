"""Production: base settings plus hardening (and error reporting when SENTRY_DSN is set)."""

from django.core.exceptions import ImproperlyConfigured

from config.sentry import init_sentry

from .base import *  # noqa: F403
from .base import ALLOW_CONSOLE_EMAIL, EMAIL_BACKEND, env

DEBUG = False
# No defaults: production refuses to start without them.
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs SECRET_KEY and ALLOWED_HOSTS in the environment.")

NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "config.mail.ReadableConsoleEmailBackend",  # make run's printer (config/mail.py)
}
if EMAIL_BACKEND in NON_DELIVERING_EMAIL_BACKENDS and not ALLOW_CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        f"Production would not deliver e-mail ({EMAIL_BACKEND}). Set EMAIL_URL to your SMTP "
        "server (smtp+tls://user:password@host:587), or set ALLOW_CONSOLE_EMAIL=true if "
        "printing e-mail to the log is really what you want."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The probes of a load balancer or of Docker speak plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

STORAGES = {
    "default": UPLOADS_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (
        "django.template.loaders.cached.Loader",
        [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    )
]
TEMPLATES[0]["APP_DIRS"] = False  # noqa: F405

# Errors to Sentry, never with what people typed (config/sentry.py); nothing without a DSN.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
init_sentry(SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
