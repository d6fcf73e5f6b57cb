from django.urls import path

from consultations.views import closing, requests

app_name = "consultations"

# Mounted at groups/ (config/urls.py): every page belongs to one group, members only.
urlpatterns = [
    path("<slug:slug>/consultations/", requests.request_list, name="list"),
    path("<slug:slug>/consultations/new/", requests.request_new, name="new"),
    path("<slug:slug>/consultations/<int:pk>/", requests.request_detail, name="detail"),
    path("<slug:slug>/consultations/<int:pk>/reply/", requests.reply, name="reply"),
    path(
        "<slug:slug>/consultations/<int:pk>/replies/<int:reply_id>/edit/",
        requests.edit_reply,
        name="edit_reply",
    ),
    path("<slug:slug>/consultations/<int:pk>/close/", closing.close, name="close"),
    path("<slug:slug>/consultations/<int:pk>/huddle/", closing.huddle, name="huddle"),
]
