from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from config import mfa, views
from members.views import RateLimitedLoginView

admin.autodiscover()
mfa.register_admin(admin.site)  # authenticators without their keys
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "PeerCircle administration"
admin.site.site_title = "PeerCircle admin"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("members.urls")),
    path("groups/", include("groups.urls")),
    path("", include("meetings.urls")),
    path("", include("presentations.urls")),
]

handler404 = "config.views.handler404"
handler500 = "config.views.handler500"
