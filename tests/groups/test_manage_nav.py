"""The organizer pages' tabs (templates/groups/includes/_manage_nav.html) show a page only to
whom that page's own rule lets in: every tab anyone sees answers 200 (a site admin sees no
"Standard agenda", which is the organizers' alone)."""

import re

import pytest
from django.urls import reverse

from groups.enums import MembershipPolicy, Role
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "members": ("groups:manage_members", "Members"),
    "invite": ("groups:invite", "Invite"),
    "questions": ("groups:questions", "Application questions"),
    "agenda": ("meetings:agenda_template", "Standard agenda"),
    "attendance": ("meetings:group_attendance", "Attendance"),
    "health": ("groups:health", "Group health"),
    "audit": ("groups:audit", "Audit log"),
    "edit": ("groups:edit", "Edit group"),
}
EXPECTED_TABS = {
    "organizer": set(PAGES),
    "co_organizer": set(PAGES),
    "site_admin": set(PAGES) - {"agenda"},
    "member": set(),
}


@pytest.fixture
def group():
    group = GroupFactory(name="Mile High Consult", membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    return group


def _viewer(kind: str, group):
    if kind == "site_admin":
        return AdminFactory()
    role = {"organizer": Role.ORGANIZER, "co_organizer": Role.CO_ORGANIZER}.get(kind, Role.MEMBER)
    return MembershipFactory(group=group, user=UserFactory(), role=role).user


def _nav_links(response) -> dict[str, str]:
    body = response.content.decode()
    match = re.search(
        r'<nav class="mb-4" aria-label="Organizer pages for [^"]*">(.*?)</nav>', body, re.S
    )
    if match is None:
        return {}
    # The tabs (plain text links); "Back to the group page" starts with an icon and is left out.
    links = re.findall(r'href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', match.group(1))
    return {label: href for href, label in links}


@pytest.mark.parametrize("kind", sorted(EXPECTED_TABS))
def test_every_tab_shown_answers_200_on_every_organizer_page(client, group, kind):
    client.force_login(_viewer(kind, group))
    labels = {label: name for name, (_, label) in PAGES.items()}

    for url_name, _ in PAGES.values():
        response = client.get(reverse(url_name, args=[group.slug]))
        if response.status_code != 200:
            assert response.status_code == 404, (url_name, response.status_code)
            assert kind != "organizer", url_name
            continue
        links = _nav_links(response)
        if url_name == "meetings:agenda_template":  # its page is the agenda editor, no tabs
            assert links == {}
            continue
        tabs = {labels[label] for label in links if label in labels}
        assert tabs == EXPECTED_TABS[kind], (url_name, sorted(tabs))
        for label, href in links.items():
            assert client.get(href).status_code == 200, (url_name, label, href)


@pytest.mark.parametrize(
    ("kind", "reachable"), [("member", set()), ("site_admin", set(PAGES) - {"agenda"})]
)
def test_the_pages_a_viewer_reaches_are_exactly_the_tabs_they_see(client, group, kind, reachable):
    client.force_login(_viewer(kind, group))

    answered = {
        name
        for name, (url_name, _) in PAGES.items()
        if client.get(reverse(url_name, args=[group.slug])).status_code == 200
    }

    assert answered == reachable


def test_an_open_group_has_no_application_questions_tab(client, group):
    group.membership_policy = MembershipPolicy.OPEN
    group.save(update_fields=["membership_policy"])
    client.force_login(group.memberships.get(role=Role.ORGANIZER).user)

    links = _nav_links(client.get(reverse("groups:manage_members", args=[group.slug])))

    assert "Application questions" not in links
    assert set(links) == {label for _, label in PAGES.values()} - {"Application questions"}


def _tools(response) -> dict[str, str]:
    """The group page's "Organizer tools" card: label -> link."""
    body = response.content.decode()
    if "Organizer tools" not in body:
        return {}
    card = body[body.index("Organizer tools") :]
    card = card[: card.index("</div>")]
    links = re.findall(r'href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', card)
    return {label: href for href, label in links}


@pytest.mark.parametrize("kind", sorted(EXPECTED_TABS))
def test_the_group_pages_organizer_tools_all_open(client, group, kind):
    """The same promise on the group page: a tool shown is a page that opens for this person."""
    client.force_login(_viewer(kind, group))
    tools = _tools(client.get(group.get_absolute_url()))

    answers = {label: client.get(href).status_code for label, href in tools.items()}

    assert set(answers.values()) <= {200}
    assert ("Standard agenda" in tools, bool(tools)) == {
        "organizer": (True, True),
        "co_organizer": (True, True),
        "site_admin": (False, True),
        "member": (False, False),
    }[kind]
