from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Saved searches and their alerts: "tell me when a group like this opens or has a seat"."""

    name = "alerts"

    def ready(self):
        from alerts import notifications  # noqa: F401 - registers what this app sends
        from alerts.tasks import queue_matching  # here: tasks import the models
        from groups.signals import group_open  # here: with the receiver it connects

        group_open.connect(queue_matching, dispatch_uid="alerts-match-on-open")
