"""Print the current two-step sign-in code of a demo account (``make run`` only).

    .venv/bin/python manage.py demo_code                 # admin@example.com
    .venv/bin/python manage.py demo_code someone@example.com

It reads the account's authenticator key from the database, so it refuses unless DEBUG is on
(the local settings of ``make run``): on a real site nobody should print codes for others.
"""

import time

from allauth.mfa import app_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="admin@example.com")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on (make run).")
        authenticator = Authenticator.objects.filter(
            user__email__iexact=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        secret = get_adapter().decrypt(authenticator.data["secret"])
        counter = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(secret, counter)))
