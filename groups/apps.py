from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"

    def ready(self):
        from groups import notifications  # noqa: F401 - registers what this app sends
        from groups.cache import invalidate_on_direct_edits  # models load before ready()

        invalidate_on_direct_edits()
