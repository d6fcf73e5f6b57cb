"""Production: base settings plus hardening only."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOW_CONSOLE_EMAIL,
    ALLOWED_HOSTS_FROM_ENV,
    EMAIL_BACKEND,
    SECRET_KEY_FROM_ENV,
    SECURE_HSTS_SECONDS_FROM_ENV,
    SECURE_SSL_REDIRECT_FROM_ENV,
)

if not SECRET_KEY_FROM_ENV or not ALLOWED_HOSTS_FROM_ENV:
    raise ImproperlyConfigured("Production needs SECRET_KEY and ALLOWED_HOSTS in the environment.")

NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
if EMAIL_BACKEND in NON_DELIVERING_EMAIL_BACKENDS and not ALLOW_CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        f"Production would not deliver e-mail ({EMAIL_BACKEND}). Set EMAIL_URL to your SMTP "
        "server (smtp+tls://user:password@host:587), or set ALLOW_CONSOLE_EMAIL=true if "
        "printing e-mail to the log is really what you want."
    )

DEBUG = False
SECRET_KEY = SECRET_KEY_FROM_ENV
ALLOWED_HOSTS = ALLOWED_HOSTS_FROM_ENV

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_SSL_REDIRECT_FROM_ENV
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = SECURE_HSTS_SECONDS_FROM_ENV
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
