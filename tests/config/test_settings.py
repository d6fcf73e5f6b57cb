"""Settings read from the environment: Redis databases for the cache and the broker, and what
production refuses to start with."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'cache': settings.CACHES['default'].get('LOCATION'), "
    "'cache_backend': settings.CACHES['default']['BACKEND'], "
    "'broker': settings.CELERY_BROKER_URL, 'email_backend': settings.EMAIL_BACKEND, "
    "'email_timeout': settings.EMAIL_TIMEOUT}))"
)
CLEAR = ("REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "EMAIL_TIMEOUT")
PRODUCTION = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "peercircle.example.org"}


def _settings(module: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in CLEAR and k != "DATABASE_URL"}
    base |= {"DJANGO_SETTINGS_MODULE": f"config.settings.{module}", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
        [sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True
    )


def _values(module: str, **env) -> dict:
    done = _settings(module, **env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Redis: one URL, two databases -----------------------------------------------------------


def test_redis_url_on_the_last_database_works_with_its_own_broker_url():
    values = _values(
        "local",
        REDIS_URL="redis://redis.internal:6379/15",
        CELERY_BROKER_URL="redis://broker.internal:6379/2",
    )
    assert values["cache"] == "redis://redis.internal:6379/15"
    assert values["broker"] == "redis://broker.internal:6379/2"


def test_one_redis_url_gives_the_cache_db_n_and_the_broker_db_n_plus_one():
    values = _values("local", REDIS_URL="redis://redis.internal:6379/3")
    assert values["cache"] == "redis://redis.internal:6379/3"
    assert values["broker"] == "redis://redis.internal:6379/4"


def test_a_redis_url_without_a_database_means_db_0_and_1():
    values = _values("local", REDIS_URL="redis://:secret@redis.internal:6379")
    assert values["cache"] == "redis://:secret@redis.internal:6379"
    assert values["broker"] == "redis://:secret@redis.internal:6379/1"


def test_explicit_cache_and_broker_urls_win():
    values = _values(
        "local",
        REDIS_URL="redis://redis.internal:6379/3",
        CACHE_URL="redis://cache.internal:6379/0",
        CELERY_BROKER_URL="redis://broker.internal:6379/9",
    )
    assert values["cache"] == "redis://cache.internal:6379/0"
    assert values["broker"] == "redis://broker.internal:6379/9"


def test_without_redis_the_file_cache_and_filesystem_broker_stay():
    values = _values("local")
    assert values["cache_backend"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert values["broker"] == "filesystem://"


def test_redis_db_url_helper_keeps_query_and_tls():
    from config.settings.base import redis_db_url

    assert redis_db_url("rediss://h:6380/2?ssl_cert_reqs=none", 1) == (
        "rediss://h:6380/3?ssl_cert_reqs=none"
    )
    assert redis_db_url("unix:///run/redis.sock?db=5", 1) == "unix:///run/redis.sock?db=6"
    with pytest.raises(ValueError, match="database 15"):
        redis_db_url("redis://h:6379/15", 1)


# --- Production e-mail --------------------------------------------------------------------------


def test_production_refuses_the_console_backend_by_default():
    done = _settings("production", **PRODUCTION)
    assert done.returncode != 0
    assert "EMAIL_URL" in done.stderr
    assert "ImproperlyConfigured" in done.stderr


def test_production_accepts_the_console_backend_when_chosen_explicitly():
    values = _values("production", **PRODUCTION, ALLOW_CONSOLE_EMAIL="true")
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_production_with_smtp_starts_and_has_a_timeout():
    values = _values("production", **PRODUCTION, EMAIL_URL="smtp://mail.example.org:587")
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_timeout"] == 10


def test_email_timeout_is_read_from_the_environment():
    values = _values("local", EMAIL_TIMEOUT="25")
    assert values["email_timeout"] == 25


# --- One name per setting, read where it is used ----------------------------------------------

SETTINGS_PROBE = """
import json, os, pathlib
made = []
real_mkdir, real_makedirs = pathlib.Path.mkdir, os.makedirs
pathlib.Path.mkdir = lambda self, *a, **k: made.append(str(self))
os.makedirs = lambda name, *a, **k: made.append(str(name))
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "made": made,
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email_backend": settings.EMAIL_BACKEND,
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", None),
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", None),
    "shadows": sorted(n for n in dir(settings) if n.endswith("_FROM_ENV") or n == "DJANGO_DEBUG"),
}))
"""
SETTINGS_CLEAR = (
    *CLEAR,
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "CELERY_TASK_ALWAYS_EAGER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "ALLOW_CONSOLE_EMAIL",
)


def _probe(module: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_CLEAR}
    base |= {"DJANGO_SETTINGS_MODULE": f"config.settings.{module}", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
        [sys.executable, "-c", SETTINGS_PROBE], cwd=ROOT, env=base, capture_output=True, text=True
    )


def _probed(module: str, **env) -> dict:
    done = _probe(module, **env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("module", "env"),
    [("local", {}), ("test", {}), ("production", PRODUCTION | {"ALLOW_CONSOLE_EMAIL": "true"})],
)
def test_importing_the_settings_creates_no_folders_and_has_no_shadow_names(module, env):
    values = _probed(module, **env)

    assert values["made"] == []
    assert values["shadows"] == []


def test_local_settings_default_to_debug_and_development_hosts():
    values = _probed("local")

    assert values["debug"] is True
    assert values["secret_key"].startswith("insecure-local-key")
    assert values["allowed_hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["eager"] is False
    assert values["email_backend"] == "config.mail.ReadableConsoleEmailBackend"


def test_local_settings_read_debug_key_and_hosts_from_the_environment():
    values = _probed(
        "local", DJANGO_DEBUG="false", SECRET_KEY="k" * 50, ALLOWED_HOSTS="a.example,b.example"
    )

    assert (values["debug"], values["secret_key"], values["allowed_hosts"]) == (
        False,
        "k" * 50,
        ["a.example", "b.example"],
    )


def test_test_settings_keep_mail_in_memory_and_run_tasks_inline_unless_told():
    assert _probed("test")["email_backend"] == "django.core.mail.backends.locmem.EmailBackend"
    assert _probed("test")["eager"] is True

    told = _probed("test", EMAIL_URL="smtp://127.0.0.1:2525", CELERY_TASK_ALWAYS_EAGER="false")
    assert told["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert told["eager"] is False


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secret_key_or_allowed_hosts(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing} | {"ALLOW_CONSOLE_EMAIL": "true"}

    done = _probe("production", **env)

    assert done.returncode != 0
    assert "Production needs SECRET_KEY and ALLOWED_HOSTS" in done.stderr


def test_production_reads_its_https_settings_and_keeps_debug_off():
    values = _probed(
        "production",
        **PRODUCTION,
        ALLOW_CONSOLE_EMAIL="true",
        DJANGO_DEBUG="true",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="60",
    )

    assert (values["debug"], values["ssl_redirect"], values["hsts"]) == (False, False, 60)
    assert values["secret_key"] == PRODUCTION["SECRET_KEY"]
    assert values["allowed_hosts"] == ["peercircle.example.org"]
