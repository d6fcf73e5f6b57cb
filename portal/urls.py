"""Pages composed of several apps, mounted by config/urls.py into the namespace people know
them by: the group page answers to ``groups:detail``, the meeting page to ``meetings:detail``,
the dashboard to ``members:dashboard``. Each list below joins its app's own ``urlpatterns``."""

from django.urls import path

from portal.views import browse, data, groups, health, home, meetings, network, welcome

member_pages = [
    path("me/", home.dashboard, name="dashboard"),
    path("therapists/<int:pk>/", home.profile_detail, name="profile"),
    path("me/data/", data.my_data, name="my_data"),
    path("me/data/export.json", data.export, name="export"),
    path("me/data/delete/", data.delete, name="delete_account"),
    path("network/", network.network, name="network"),
    path("network/<int:pk>/contact/", network.contact, name="contact"),
]

group_pages = [
    path("", browse.browse, name="browse"),
    path("<slug:slug>/", groups.group_detail, name="detail"),
    path("<slug:slug>/edit/", groups.group_edit, name="edit"),
    path("<slug:slug>/welcome/", welcome.welcome, name="welcome"),
    path("<slug:slug>/health/", health.group_health_page, name="health"),
    path(
        "<slug:slug>/health/miss-you/<int:membership_id>/",
        health.we_miss_you,
        name="we_miss_you",
    ),
]

meeting_pages = [
    path("meetings/<int:pk>/", meetings.meeting_detail, name="detail"),
    path("meetings/<int:pk>/agenda/", meetings.meeting_agenda, name="agenda"),
]
