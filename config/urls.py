from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from config import mfa, views
from groups import urls as groups_urls
from meetings import urls as meetings_urls
from members import urls as members_urls
from members.views import RateLimitedLoginView
from portal import urls as portal_urls
from portal.sitemaps import SITEMAPS, robots_txt

admin.autodiscover()
mfa.register_admin(admin.site)  # authenticators without their keys
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "PeerCircle administration"
admin.site.site_title = "PeerCircle admin"

# Each app's pages keep their app's namespace; the pages that compose several apps (portal/)
# join the namespace they belong to, after the app's own patterns.
urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include((members_urls.urlpatterns + portal_urls.member_pages, "members"))),
    path("groups/", include((groups_urls.urlpatterns + portal_urls.group_pages, "groups"))),
    path("", include((meetings_urls.urlpatterns + portal_urls.meeting_pages, "meetings"))),
    path("", include("presentations.urls")),
    path("groups/", include("board.urls")),
    path("groups/", include("consultations.urls")),
    path("groups/", include("polls.urls")),
    path("", include("alerts.urls")),
]

handler404 = "config.views.handler404"
handler500 = "config.views.handler500"
