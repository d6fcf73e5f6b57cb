from django.apps import AppConfig


class PollsConfig(AppConfig):
    """Scheduling polls: an organizer proposes times, members answer, the best becomes a
    meeting or a series."""

    name = "polls"

    def ready(self):
        from polls import notifications  # noqa: F401 - registers what this app sends
