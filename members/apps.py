from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and profiles"

    def ready(self):
        from members import network_notifications  # noqa: F401 - registers what the finder sends
