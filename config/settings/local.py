"""`make run`: debug on, SQLite and the filesystem broker unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import EMAIL_BACKEND, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# runserver loads config/wsgi.py again at every reload: build the gazetteer on first use.
WARM_GAZETTEER = env.bool("WARM_GAZETTEER", default=False)
SECRET_KEY = env(
    "SECRET_KEY", default="insecure-local-key-only-for-development-0123456789abcdefghijklmnop"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
INTERNAL_IPS = ["127.0.0.1"]


def served_at(host: str, port: str) -> str:
    """The address `make run` serves on, for links: ``HOST`` and ``PORT`` as the Makefile and
    scripts/run-dev.sh give them to runserver (a wildcard address is reached as 127.0.0.1, an
    IPv6 address in brackets)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port or '8000'}"


# Links in e-mails, calendar files and certificates follow `make run PORT=8100` (the web
# server, the worker, beat and the migrate step all read the same HOST and PORT) unless
# SITE_URL is set, in the environment or in .env.
SITE_URL = env(
    "SITE_URL",
    default=served_at(env("HOST", default="127.0.0.1"), env("PORT", default="8000")),
)

# Mail printed as people read it (config/mail.py): whole links, decoded text. EMAIL_URL may
# still name a real server (smtp://...) or another backend.
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    EMAIL_BACKEND = "config.mail.ReadableConsoleEmailBackend"
