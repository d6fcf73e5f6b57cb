from django.urls import path  # noqa: F401 - the pages come next

app_name = "board"

urlpatterns: list = []
