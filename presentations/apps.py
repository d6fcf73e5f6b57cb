from django.apps import AppConfig

from groups.signals import membership_ended


class PresentationsConfig(AppConfig):
    name = "presentations"

    def ready(self):
        # Here, not at the top: these modules read models, which exist only once apps are ready.
        from presentations import notifications  # noqa: F401 - registers what this app sends
        from presentations.services.departures import on_membership_ended  # models load first

        membership_ended.connect(on_membership_ended, dispatch_uid="presentations.departures")
