from django.urls import path

from polls import views

app_name = "polls"

# Mounted at groups/ (config/urls.py): every page belongs to one group, members only.
urlpatterns = [
    path("<slug:slug>/polls/", views.poll_list, name="list"),
    path("<slug:slug>/polls/new/", views.poll_new, name="new"),
    path("<slug:slug>/polls/<int:pk>/", views.poll_detail, name="detail"),
    path("<slug:slug>/polls/<int:pk>/answer/", views.poll_answer, name="answer"),
    path("<slug:slug>/polls/<int:pk>/close/", views.poll_close, name="close"),
    path("<slug:slug>/polls/<int:pk>/schedule/", views.poll_schedule, name="schedule"),
]
