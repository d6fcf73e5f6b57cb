import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

if settings.WARM_GAZETTEER:
    # Each gunicorn worker imports this module as it starts (the master, with --preload):
    # the offline gazetteer's indexes are built now, not in the first "near me" request.
    from members.places import warm

    warm()
