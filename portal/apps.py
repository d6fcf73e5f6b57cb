from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Pages composed of several apps"

    def ready(self):
        # Here, not at the top: the module reads models, which exist only once apps are ready.
        from portal import notifications  # noqa: F401 - registers the "we miss you" e-mail
