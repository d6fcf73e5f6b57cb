from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and profiles"

    def ready(self):
        # Here, not at the top: the module reads models, which exist only once apps are ready.
        from members import network_notifications  # noqa: F401 - registers what the finder sends
