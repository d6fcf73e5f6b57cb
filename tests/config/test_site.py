"""The site record (django.contrib.sites) names PeerCircle and SITE_URL's host and port, so
allauth's account e-mails say "Hello from PeerCircle!" and links point at the running site;
`make run PORT=8100` moves SITE_URL with the port."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from allauth.utils import build_absolute_uri
from django.contrib.sites.models import Site
from django.test import override_settings
from django.urls import reverse

from config.settings.local import served_at
from members.apps import sync_site
from tests.config.test_settings import ROOT
from tests.factories import UserFactory

SITE_URL = "http://127.0.0.1:8100"
HOST = "127.0.0.1:8100"
SIGNUP = {
    "email": "new.therapist@example.com",
    "password1": "a-long-unusual-passphrase-42",
    "password2": "a-long-unusual-passphrase-42",
    "display_name": "Robin Hale, LPC",
    "time_zone": "Europe/London",
}


def _links(body: str) -> list[str]:
    return re.findall(r"https?://[^\s]+", body)


@pytest.fixture
def site_on_8100(settings):
    settings.SITE_URL = SITE_URL
    sync_site()
    yield
    Site.objects.clear_cache()


@pytest.mark.django_db
def test_the_test_database_was_migrated_with_the_site_record_from_site_url(settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == ("PeerCircle", settings.SITE_URL.split("://")[1])
    assert Site.objects.get_current().name == "PeerCircle"


@pytest.mark.django_db
def test_signup_confirmation_names_the_site_and_links_to_its_host_and_port(
    client, mailoutbox, site_on_8100
):
    client.post(reverse("account_signup"), SIGNUP, HTTP_HOST=HOST)

    [message] = mailoutbox
    assert message.subject == "[PeerCircle] Please Confirm Your Email Address"
    assert message.body.startswith("Hello from PeerCircle!\n")
    assert "example.com!" not in message.body
    links = _links(message.body)
    assert links[0].startswith(f"{SITE_URL}/accounts/confirm-email/")
    assert links[-1] == SITE_URL
    assert all(link.startswith(SITE_URL) for link in links)


@pytest.mark.django_db
def test_account_exists_mail_names_the_site(client, mailoutbox, site_on_8100):
    UserFactory(email=SIGNUP["email"])

    client.post(reverse("account_signup"), SIGNUP, HTTP_HOST=HOST)

    [message] = mailoutbox
    assert message.body.startswith("Hello from PeerCircle!\n")
    assert all(link.startswith(SITE_URL) for link in _links(message.body))


@pytest.mark.django_db
def test_password_reset_names_the_site_and_links_to_its_host_and_port(
    client, mailoutbox, site_on_8100
):
    user = UserFactory(email="dana@example.com")

    client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_HOST=HOST)

    [message] = mailoutbox
    assert message.subject == "[PeerCircle] Password Reset Email"
    assert message.body.startswith("Hello from PeerCircle!\n")
    links = _links(message.body)
    assert links[0].startswith(f"{SITE_URL}/accounts/password/reset/key/")
    assert all(link.startswith(SITE_URL) for link in links)


@pytest.mark.django_db
def test_links_built_without_a_request_use_the_site_record(site_on_8100):
    """What allauth does in the worker or a command: no request, so the Site's domain."""
    assert build_absolute_uri(None, "/accounts/login/") == f"{SITE_URL}/accounts/login/"


@pytest.mark.django_db
def test_the_post_migrate_step_follows_a_new_site_url(settings):
    with override_settings(SITE_URL="https://peercircle.example.org"):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        post_migrate.send(
            sender=apps.get_app_config("members"),
            app_config=apps.get_app_config("members"),
            verbosity=0,
            interactive=False,
            using="default",
            apps=apps,
            plan=[],
        )
        site = Site.objects.get_current()
        assert (site.name, site.domain) == ("PeerCircle", "peercircle.example.org")
    Site.objects.clear_cache()


@pytest.mark.django_db
def test_sync_site_creates_the_record_when_it_is_missing_and_writes_only_on_change(
    settings, django_assert_num_queries
):
    Site.objects.all().delete()
    sync_site()
    assert list(Site.objects.values_list("pk", "name", "domain")) == [
        (settings.SITE_ID, "PeerCircle", settings.SITE_URL.split("://")[1])
    ]
    with django_assert_num_queries(1):  # read, nothing to write
        sync_site()


# --- `make run PORT=8100`: SITE_URL follows the port -------------------------------------------


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8100", "http://127.0.0.1:8100"),
        ("localhost", "8000", "http://localhost:8000"),
        ("0.0.0.0", "9000", "http://127.0.0.1:9000"),  # noqa: S104
        ("::1", "8100", "http://[::1]:8100"),
        ("::", "8100", "http://[::1]:8100"),
    ],
)
def test_served_at_is_the_address_links_reach(host, port, url):
    assert served_at(host, port) == url


def _local_site_url(**env) -> str:
    clear = {"SITE_URL", "HOST", "PORT", "DATABASE_URL"}
    environ = {k: v for k, v in os.environ.items() if k not in clear}
    environ |= {"DJANGO_SETTINGS_MODULE": "config.settings.local", **env}
    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_local_settings_take_site_url_from_host_and_port_unless_it_is_set():
    assert _local_site_url() == "http://127.0.0.1:8000"
    assert _local_site_url(PORT="8100") == SITE_URL
    assert _local_site_url(HOST="localhost", PORT="8100") == "http://localhost:8100"
    assert _local_site_url(PORT="8100", SITE_URL="https://demo.example.org") == (
        "https://demo.example.org"
    )


def test_make_run_gives_every_step_the_same_host_and_port():
    make = shutil.which("make")
    assert make is not None
    done = subprocess.run(  # noqa: S603 - make -n prints the recipe and runs nothing
        [make, "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True
    )
    steps = [line for line in done.stdout.splitlines() if "manage.py" in line or "run-dev" in line]
    assert steps == [
        "HOST=127.0.0.1 PORT=8100 .venv/bin/python manage.py migrate --noinput",
        "HOST=127.0.0.1 PORT=8100 .venv/bin/python manage.py seed_demo",
        "HOST=127.0.0.1 PORT=8100 bash scripts/run-dev.sh",
    ]
