from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Consultation requests: a member asks their group for help between meetings."""

    name = "consultations"
