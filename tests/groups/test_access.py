"""groups/access.py: ``permission_required``, the one door to every members-only page.

The decorator is tried on a view of its own (so what is tested is the door, not a page), with
the real loader ``groups.selectors.group_for``; then the ground-rules gate on real pages, and
the list of the app's pages that must pass through it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, reverse

from groups import selectors, services
from groups import urls as group_urls
from groups.access import permission_required
from groups.enums import Role
from groups.selectors import RulesAcceptanceRequired
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PATH = "/groups/access-circle/somewhere/?page=2"


@pytest.fixture
def group():
    group = GroupFactory(name="Access Circle", slug="access-circle")
    MembershipFactory(group=group, role=Role.ORGANIZER)
    return group


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, role=Role.MEMBER)


def _page(rule, *, ground_rules=True):
    """A view behind the door; ``seen`` is what it was called with."""
    seen = {}

    @permission_required(rule, selectors.group_for, ground_rules=ground_rules)
    def view(request, group, **kwargs):
        seen.update(group=group, kwargs=kwargs)
        return HttpResponse("the page")

    return view, seen


def _request(user):
    request = RequestFactory().get(PATH)
    request.user = user
    return request


def _change_the_rules(group):
    organizer = group.memberships.get(role=Role.ORGANIZER).user
    services.update_group(actor=organizer, group=group, data={"ground_rules": "1. Be kind."})


def test_anonymous_visitors_are_sent_to_sign_in(group):
    view, seen = _page("groups.view_members_area")

    response = view(_request(AnonymousUser()), slug=group.slug)

    assert (response.status_code, response.url) == (
        302,
        f"{reverse('account_login')}?next=/groups/access-circle/somewhere/%3Fpage%3D2",
    )
    assert seen == {}


def test_an_outsider_gets_the_404_of_a_page_that_does_not_exist(group):
    view, seen = _page("groups.view_members_area")

    with pytest.raises(Http404):
        view(_request(UserFactory()), slug=group.slug)
    with pytest.raises(Http404):
        view(_request(UserFactory()), slug="no-such-group")
    assert seen == {}


def test_a_member_the_rule_refuses_gets_the_same_404(group, member):
    view, seen = _page("groups.view_management")

    with pytest.raises(Http404):
        view(_request(member.user), slug=group.slug)
    assert seen == {}


def test_a_member_the_rule_allows_gets_the_page_with_their_membership_on_the_group(group, member):
    view, seen = _page("groups.view_members_area")

    response = view(_request(member.user), slug=group.slug)

    assert (response.status_code, response.content) == (200, b"the page")
    assert seen["group"] == group
    assert (seen["group"].viewer_id, seen["group"].viewer_membership) == (
        member.user.pk,
        member,
    )
    assert seen["kwargs"] == {"slug": group.slug}


def test_the_loader_is_given_only_the_url_arguments_it_names(group, member):
    asked = {}

    def loader(user, slug):
        asked.update(user=user, slug=slug)
        return selectors.group_for(user, slug)

    @permission_required("groups.view_members_area", loader)
    def view(request, group, *, slug, pk):
        return HttpResponse(f"{group.slug} {pk}")

    response = view(_request(member.user), slug=group.slug, pk=7)

    assert response.content == b"access-circle 7"
    assert asked == {"user": member.user, "slug": group.slug}


def test_a_member_whose_group_changed_its_rules_is_stopped_at_the_gate(group, member):
    _change_the_rules(group)
    view, seen = _page("groups.view_members_area")

    with pytest.raises(RulesAcceptanceRequired) as stopped:
        view(_request(member.user), slug=group.slug)

    assert stopped.value.group == group
    assert seen == {}


def test_ground_rules_false_lets_that_member_through(group, member):
    _change_the_rules(group)
    view, seen = _page("groups.view_members_area", ground_rules=False)

    response = view(_request(member.user), slug=group.slug)

    assert response.status_code == 200
    assert seen["group"].viewer_membership == member


def test_a_site_admin_passes_a_rule_that_includes_site_admins(group):
    admin = AdminFactory(is_superuser=False)
    view, seen = _page("groups.view_management")

    response = view(_request(admin), slug=group.slug)

    assert response.status_code == 200
    assert (seen["group"], seen["group"].viewer_membership) == (group, None)


@pytest.mark.parametrize("superuser", [False, True])
def test_a_site_admin_is_refused_a_rule_without_site_admins(group, superuser):
    view, seen = _page("groups.manage_members")

    with pytest.raises(Http404):
        view(_request(AdminFactory(is_superuser=superuser)), slug=group.slug)
    assert seen == {}


# --- the gate on real pages -------------------------------------------------------------------


@pytest.mark.parametrize("page", ["resources", "manage_members", "audit"])
def test_real_pages_send_a_member_to_the_new_ground_rules_first(client, group, page):
    organizer = group.memberships.get(role=Role.ORGANIZER)
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER)
    services.update_group(actor=organizer.user, group=group, data={"ground_rules": "1. New."})
    client.force_login(co.user)
    url = reverse(f"groups:{page}", args=[group.slug])

    response = client.get(url)

    accept = reverse("groups:accept_rules", args=[group.slug])
    assert (response.status_code, response.url) == (302, f"{accept}?next={url.replace('/', '%2F')}")


def test_the_ground_rules_pages_and_leaving_stay_open_to_that_member(client, group, member):
    _change_the_rules(group)
    client.force_login(member.user)

    responses = [
        client.get(reverse(f"groups:{page}", args=[group.slug]))
        for page in ("accept_rules", "rules_diff", "leave")
    ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.context["group"] for r in responses] == [group, group, group]


def test_leaving_with_rules_pending_works(client, group, member):
    _change_the_rules(group)
    client.force_login(member.user)

    response = client.post(reverse("groups:leave", args=[group.slug]))

    assert response.url == group.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["You have left Access Circle."]
    assert not group.memberships.filter(pk=member.pk).exists()


# --- which pages pass through the door --------------------------------------------------------

# Pages for people who are not members yet, or about the person themselves: signed in is all.
SIGNED_IN_ONLY = {
    "create",
    "vetting_queue",
    "invitation",
    "join",
    "waitlist_accept",
    "waitlist_decline",
    "waitlist_leave",
    "apply",
    "withdraw",
    "kept_document",  # the author's own removed document: kept_document_for(user, pk)
    "kept_document_download",
}


def test_every_members_only_page_of_groups_declares_its_rule():
    declared = {
        entry.name: getattr(entry.callback, "permission_rule", None)
        for entry in group_urls.urlpatterns
        if isinstance(entry, URLPattern)
    }

    assert {name for name, rule in declared.items() if rule is None} == SIGNED_IN_ONLY
    assert {name: rule for name, rule in declared.items() if rule} == {
        "leave": "groups.view_members_area",
        "manage_members": "groups.view_management",
        "change_role": "groups.view_management",
        "remove_member": "groups.view_management",
        "hand_over": "groups.view_management",
        "invite": "groups.view_management",
        "invitation_revoke": "groups.view_management",
        "questions": "groups.view_management",
        "audit": "groups.view_management",
        "accept_rules": "groups.view_members_area",
        "rules_diff": "groups.view_members_area",
        "resources": "groups.view_members_area",
        "buddy": "groups.volunteer_as_buddy",
        "resource_pin": "groups.pin_resource",
        "resource_remove": "groups.view_members_area",
        "vetting_detail": "groups.vet_applications",
        "documents": "groups.view_members_area",
        "document": "groups.view_members_area",
        "document_download": "groups.view_members_area",
        "document_edit": "groups.change_document",
        "document_new_version": "groups.change_document",
        "document_remove": "groups.remove_document",
        "document_agreement": "groups.choose_agreement",
        "accept_agreement": "groups.view_members_area",
        "agreement_file": "groups.view_members_area",
    }
