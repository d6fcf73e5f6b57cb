from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Consultation requests: a member asks their group for help between meetings."""

    name = "consultations"

    def ready(self):
        from consultations import notifications  # noqa: F401 - registers what this app sends
