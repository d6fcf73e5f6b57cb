"""django.contrib.sites' record names PeerCircle and SITE_URL's host[:port], not the
"example.com" placeholder. ``members.apps`` repeats this after every migrate, so a new SITE_URL
(or ``make run PORT=8100``) updates it."""

from django.db import migrations

from members.apps import sync_site


def forwards(apps, schema_editor):
    sync_site(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_new_notification_kinds"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
