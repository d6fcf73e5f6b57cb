from django.apps import AppConfig


class PresentationsConfig(AppConfig):
    name = "presentations"

    def ready(self):
        from presentations import notifications  # noqa: F401 - registers what this app sends
