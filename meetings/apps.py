from django.apps import AppConfig

from groups.signals import membership_ended


class MeetingsConfig(AppConfig):
    name = "meetings"

    def ready(self):
        from meetings import notifications  # noqa: F401 - registers what this app sends
        from meetings.notes import on_membership_ended  # models load first

        membership_ended.connect(on_membership_ended, dispatch_uid="meetings.action_items")
