"""What search engines may find: the public pages and every public group page.

Only pages anyone may open without signing in: the landing page, browse, and the page of each
active or paused group (closed ones too: their public page says what the group is and how to
apply). Archived groups and everything members-only (libraries, meetings, boards, documents)
never appear; ``robots_txt`` asks crawlers to keep out of the signed-in areas as well.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from groups.enums import GroupStatus
from groups.models import Group

PUBLIC_STATUSES = (GroupStatus.ACTIVE, GroupStatus.PAUSED)

# Signed-in areas and private links: nothing there is for a search engine.
PRIVATE_PATHS = (
    "/accounts/",
    "/admin/",
    "/staff/",
    "/me/",
    "/meetings/",
    "/calendar/",
    "/groups/new/",
    "/groups/vetting/",
    "/groups/invitations/",
    "/groups/kept-documents/",
    "/therapists/",
    "/network/",
    "/unsubscribe/",
    "/language/",  # the language switcher: a redirect that sets a cookie
    "/alerts/",  # one-click unsubscribe from saved-search alerts
)


def _scheme() -> str:
    return urlsplit(settings.SITE_URL).scheme or "https"


class PublicPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["landing", "groups:browse"]

    @property
    def protocol(self) -> str:
        return _scheme()

    def location(self, item):
        return reverse(item)


class GroupSitemap(Sitemap):
    """Every public group page, by its last change; 5,000 to a sitemap page."""

    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self):
        return (
            Group.objects.filter(status__in=PUBLIC_STATUSES)
            .only("slug", "updated_at")
            .order_by("pk")
        )

    @property
    def protocol(self) -> str:
        return _scheme()

    def lastmod(self, group):
        return group.updated_at


SITEMAPS = {"pages": PublicPagesSitemap, "groups": GroupSitemap}


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS)]
    site = settings.SITE_URL.rstrip("/")
    lines += ["", f"Sitemap: {site}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
