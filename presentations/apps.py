from django.apps import AppConfig


class PresentationsConfig(AppConfig):
    name = "presentations"

    def ready(self):
        from groups.signals import membership_ended
        from presentations import notifications  # noqa: F401 - registers what this app sends
        from presentations.services.departures import on_membership_ended

        membership_ended.connect(on_membership_ended, dispatch_uid="presentations.departures")
