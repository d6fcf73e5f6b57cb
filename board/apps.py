from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The group board: announcements and discussions between meetings."""

    name = "board"
