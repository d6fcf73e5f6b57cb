import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _require(item, available: bool, what: str) -> None:
    if available:
        return
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available", pytrace=False)
    # Only on a developer's machine without the service; CI runs with REQUIRE_SERVICES=1,
    # where the branch above fails instead, so nothing is skipped under CI.
    pytest.skip(f"needs {what} (set REQUIRE_SERVICES=1 to make this a failure)")


def _redis_available() -> bool:
    url = settings.REDIS_URL
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        engine = settings.DATABASES["default"]["ENGINE"]
        _require(item, engine == "django.db.backends.postgresql", "PostgreSQL (DATABASE_URL)")
    if item.get_closest_marker("redis"):
        _require(item, _redis_available(), "Redis (REDIS_URL)")
    if item.get_closest_marker("browser"):
        _require(item, bool(shutil.which(CHROMIUM)), f"Chromium at {CHROMIUM}")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached pages must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _shortcut_logins_of_site_admins_include_the_second_step():
    """``client.force_login()`` and ``client.login()`` stand for a complete sign-in; for a site
    admin that includes the second step (config.mfa, StaffTwoStepMiddleware). Only those
    shortcuts are marked (their request is a bare HttpRequest, with no method); real sign-ins
    through the pages are not. tests/members/test_mfa.py overrides this fixture to test the
    second step itself."""
    from allauth.account.internal.flows.login import record_authentication
    from django.contrib.auth.signals import user_logged_in

    def passed(sender, request, user, **kwargs):
        if request is not None and request.method is None and (user.is_staff or user.is_superuser):
            record_authentication(request, user, "mfa", type="totp")

    user_logged_in.connect(passed, dispatch_uid="tests-admin-second-step")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-admin-second-step")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _close_connections_before_dropping_the_test_database(django_db_setup, django_db_blocker):
    """Let pytest-django drop the test database at the end instead of warning that it "is being
    accessed by other users".

    Django keeps a connection per async context, and the browser tests run while Playwright's
    sync API has an event loop going in the test thread, so connections opened on either side of
    that switch outlive the objects pytest-django closes. Close ours, then end any other session
    on this test database (PostgreSQL only; nothing else uses it by then)."""
    yield
    connections.close_all()
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )


@pytest.fixture
def media(settings, tmp_path):
    """Uploads stored in a folder of this test's own, so what it stored can be listed (a
    ``pathlib.Path``)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
