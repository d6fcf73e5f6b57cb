from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Pages composed of several apps"

    def ready(self):
        # Here, not at the top: the module reads models, which exist only once apps are ready.
        from config import pagecache  # here: it connects to the models' signals
        from portal import notifications  # noqa: F401 - registers the "we miss you" e-mail

        # Every write bumps the versions of the kept member pages it changes.
        pagecache.connect()
