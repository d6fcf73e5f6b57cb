"""The board's pages, under ``groups/`` (config/urls.py). ``<post:post_type>`` is "topic" or
"reply": edit, delete, report and moderate work alike on both."""

from django.urls import path, register_converter

from board.views import moderation, posts, settings, topics


class PostConverter:
    regex = "topic|reply"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PostConverter, "post")

app_name = "board"

urlpatterns = [
    path("board/email/", settings.digest_settings, name="settings"),
    path("<slug:slug>/board/", topics.index, name="index"),
    path("<slug:slug>/board/new/", topics.new, name="new"),
    path("<slug:slug>/board/read/", topics.mark_read, name="mark_read"),
    path("<slug:slug>/board/<int:pk>/", topics.topic, name="topic"),
    path("<slug:slug>/board/<int:pk>/reply/", topics.reply, name="reply"),
    path("<slug:slug>/board/<post:post_type>/<int:pk>/edit/", posts.edit, name="edit"),
    path("<slug:slug>/board/<post:post_type>/<int:pk>/delete/", posts.delete, name="delete"),
    path("<slug:slug>/board/<post:post_type>/<int:pk>/report/", posts.report, name="report"),
    path(
        "<slug:slug>/board/<post:post_type>/<int:pk>/moderate/",
        moderation.moderate,
        name="moderate",
    ),
    path(
        "<slug:slug>/board/reports/<int:pk>/dismiss/",
        moderation.resolve_report,
        name="resolve_report",
    ),
]
