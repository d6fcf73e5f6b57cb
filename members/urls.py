from django.urls import path

from members import views
from members.views import data

app_name = "members"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("therapists/<int:pk>/", views.profile_detail, name="profile"),
    path("me/notifications/", views.notification_preferences, name="notifications"),
    path("me/data/", data.my_data, name="my_data"),
    path("me/data/export.json", data.export, name="export"),
    path("me/data/delete/", data.delete, name="delete_account"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("network/", views.network, name="network"),
    path("network/<int:pk>/contact/", views.contact, name="contact"),
]
