from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The group board: announcements and discussions between meetings."""

    name = "board"

    def ready(self):
        # Here, not at the top: the module reads models, which exist only once apps are ready.
        from board import notifications  # noqa: F401 - registers what this app sends
