"""What search engines may find (portal/sitemaps.py): public pages and public group pages only,
and a robots.txt that points to the sitemap and keeps crawlers out of the signed-in areas."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from groups.enums import GroupStatus, MembershipPolicy
from portal.sitemaps import PRIVATE_PATHS
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _locations(client, url) -> list[str]:
    response = client.get(url)
    assert response["Content-Type"].startswith("application/xml")
    return [node.text for node in ET.fromstring(response.content).findall(".//s:loc", NS)]  # noqa: S314 - ours


def test_the_sitemap_lists_public_group_pages_and_never_archived_ones(client, settings):
    settings.SITE_URL = "https://peercircle.example.org"
    active = GroupFactory(name="Open Circle")
    closed = GroupFactory(name="Closed Circle", membership_policy=MembershipPolicy.CLOSED)
    paused = GroupFactory(name="Resting Circle", status=GroupStatus.PAUSED)
    GroupFactory(name="Old Circle", status=GroupStatus.ARCHIVED)

    sections = _locations(client, reverse("sitemap"))
    groups = _locations(client, reverse("sitemap_section", kwargs={"section": "groups"}))
    pages = _locations(client, reverse("sitemap_section", kwargs={"section": "pages"}))

    assert [url.rpartition("/")[2] for url in sections] == [
        "sitemap-pages.xml",
        "sitemap-groups.xml",
    ]
    assert sorted(url.split("/groups/")[1] for url in groups) == sorted(
        f"{group.slug}/" for group in (active, closed, paused)
    )
    assert all(url.startswith("https://") for url in groups + pages + sections)
    assert [url.split("/", 3)[3] for url in pages] == ["", "groups/"]


def test_the_sitemap_names_no_members_only_page(client):
    group = GroupFactory(name="Open Circle")

    groups = _locations(client, reverse("sitemap_section", kwargs={"section": "groups"}))

    assert [url.split("/groups/")[1] for url in groups] == [f"{group.slug}/"]


def test_an_unknown_sitemap_section_is_a_404(client):
    assert client.get("/sitemap-members.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_private_areas(client, settings):
    settings.SITE_URL = "https://peercircle.example.org"

    response = client.get("/robots.txt")
    lines = response.content.decode().splitlines()

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert lines[0] == "User-agent: *"
    assert lines[1 : 1 + len(PRIVATE_PATHS)] == [f"Disallow: {path}" for path in PRIVATE_PATHS]
    assert "Sitemap: https://peercircle.example.org/sitemap.xml" in lines
    assert "Disallow: /groups/" not in lines  # browse and the group pages stay findable


@pytest.mark.parametrize("groups", [1, 20])
def test_the_groups_sitemap_costs_the_same_queries_at_1_and_20_groups(
    client, django_assert_num_queries, groups
):
    GroupFactory.create_batch(groups)
    url = reverse("sitemap_section", kwargs={"section": "groups"})

    with django_assert_num_queries(3):  # the site, the count, the page of groups
        response = client.get(url)

    assert response.content.decode().count("<loc>") == groups
