from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("language/", views.set_language, name="set_language"),
    path("me/notifications/", views.notification_preferences, name="notifications"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("staff/licences/", views.licence_queue, name="licence_queue"),
    path("staff/licences/<int:pk>/", views.licence_check, name="licence_check"),
]
