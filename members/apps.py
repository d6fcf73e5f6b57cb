import importlib
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

SITE_NAME = "PeerCircle"


def site_record() -> dict[str, str]:
    """What django.contrib.sites' record holds: PeerCircle's name and ``SITE_URL``'s host[:port]
    (allauth's account e-mails and any link built without a request read it)."""
    return {"name": SITE_NAME, "domain": urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"}


def sync_site(apps=None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write :func:`site_record` into the ``SITE_ID`` site. Run by the data migration and after
    every ``migrate`` (so another ``SITE_URL`` or ``make run PORT=...`` updates it); it writes
    only when something changed."""
    from django.contrib.sites.models import Site  # here: models exist once apps are ready

    model = apps.get_model("sites", "Site") if apps is not None else Site
    wanted = site_record()
    site = model.objects.using(using).filter(pk=settings.SITE_ID).first()
    if site is None:
        model.objects.using(using).create(pk=settings.SITE_ID, **wanted)
    elif {"name": site.name, "domain": site.domain} != wanted:
        site.name, site.domain = wanted["name"], wanted["domain"]
        site.save(update_fields=["name", "domain"])
    Site.objects.clear_cache()  # a historical model's save does not clear it


def _sync_site_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    try:
        (apps or global_apps).get_model("sites", "Site")
    except LookupError:  # a migration back to before the sites table existed
        return
    sync_site(apps, using=using)


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and profiles"

    def ready(self):
        # Here, not at the top: the modules read models, which exist only once apps are ready.
        # Each registers what it sends: licence outcomes, the finder's colleague messages.
        for module in ("members.licence_notifications", "members.network_notifications"):
            importlib.import_module(module)

        # The cached signed-in user (members.backends) is dropped when the user or profile
        # changes.
        from members.backends import connect_signals  # here: it reads the models

        connect_signals()

        post_migrate.connect(
            _sync_site_after_migrate, sender=self, dispatch_uid="members.sync_site"
        )
