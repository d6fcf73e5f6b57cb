from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("me/alerts/", views.search_list, name="list"),
    path("me/alerts/save/", views.search_save, name="save"),
    path("me/alerts/<int:pk>/", views.search_edit, name="edit"),
    path("me/alerts/<int:pk>/remove/", views.search_remove, name="remove"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
