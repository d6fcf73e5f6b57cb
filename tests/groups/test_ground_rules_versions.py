import pytest
from django.urls import reverse

from groups import services
from groups.enums import Role
from groups.models import Membership
from meetings.models import Meeting
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    group = GroupFactory(ground_rules="1. Confidentiality.\n2. Be on time.")
    group.rules_versions.update(text=group.ground_rules)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    member = MembershipFactory(group=group).user
    Membership.objects.filter(group=group).update(rules_version=group.rules_versions.get())
    meeting = MeetingFactory(group=group)
    return group, organizer, member, meeting


def test_changed_rules_hold_members_pages_until_accepted(client, setup):
    group, organizer, member, meeting = setup
    services.update_group(
        actor=organizer,
        group=group,
        data={"ground_rules": "1. Confidentiality, always.\n2. Be on time.\n3. No phones."},
    )
    client.force_login(member)
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    accept_url = reverse("groups:accept_rules", args=[group.slug])
    assert response.status_code == 302
    assert response.url.startswith(accept_url)
    page = client.get(accept_url)
    kinds = [(row["kind"], row["text"]) for row in page.context["diff"]]
    assert ("removed", "1. Confidentiality.") in kinds
    assert ("added", "1. Confidentiality, always.") in kinds
    assert ("added", "3. No phones.") in kinds
    refused = client.post(accept_url, {})
    assert "Please read and accept the ground rules" in refused.content.decode()
    accepted = client.post(f"{accept_url}?next=/meetings/{meeting.pk}/", {"accept_rules": "on"})
    assert accepted.url == f"/meetings/{meeting.pk}/"
    membership = Membership.objects.get(group=group, user=member)
    assert membership.rules_version.number == 2
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


def test_group_page_hides_members_part_until_accepted(client, setup):
    group, organizer, member, _meeting = setup
    services.update_group(actor=organizer, group=group, data={"ground_rules": "New rules."})
    client.force_login(member)
    response = client.get(group.get_absolute_url())
    assert response.context["rules_pending"] is True
    assert "members" not in response.context
    assert "updated its ground rules" in response.content.decode()


def test_diff_between_any_two_versions(client, setup):
    group, organizer, _member, _meeting = setup
    services.update_group(actor=organizer, group=group, data={"ground_rules": "Version two."})
    services.update_group(actor=organizer, group=group, data={"ground_rules": "Version three."})
    client.force_login(organizer)  # the editor accepted their own change
    assert Membership.objects.get(user=organizer).rules_version.number == 3
    response = client.get(reverse("groups:rules_diff", args=[group.slug]) + "?from=1&to=3")
    rows = [(r["kind"], r["text"]) for r in response.context["diff"]]
    assert ("added", "Version three.") in rows
    assert ("removed", "2. Be on time.") in rows
    assert (
        client.get(reverse("groups:rules_diff", args=[group.slug]) + "?from=9").status_code == 404
    )
    assert (
        client.get(reverse("groups:rules_diff", args=[group.slug]) + "?from=x").status_code == 404
    )


def test_outsiders_get_404(client, setup):
    group, _organizer, _member, _meeting = setup
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("groups:accept_rules", args=[group.slug])).status_code == 404
    assert Meeting.objects.count() == 1


def test_the_annotated_latest_rules_give_the_same_answer_as_the_query(setup):
    from datetime import timedelta

    from groups import selectors

    group, organizer, member, _meeting = setup
    fresh_joiner = MembershipFactory(group=group)  # no version on record, joined after the rules
    Membership.objects.filter(pk=fresh_joiner.pk).update(rules_version=None)
    early = MembershipFactory(group=group)  # no version on record, joined before a change
    Membership.objects.filter(pk=early.pk).update(
        rules_version=None, joined_at=group.rules_versions.get().created_at - timedelta(days=1)
    )

    def answers():
        plain = {m.pk: selectors.needs_rules_acceptance(m) for m in group.memberships.all()}
        annotated_qs = selectors.with_latest_rules(group.memberships.all())
        annotated = {m.pk: selectors.needs_rules_acceptance(m) for m in annotated_qs}
        assert plain == annotated
        return plain

    before = answers()
    # Only the member who joined before the current version was written still has to accept.
    assert [pk for pk, needed in before.items() if needed] == [early.pk]
    services.update_group(actor=organizer, group=group, data={"ground_rules": "1. New rule."})
    after = answers()
    member_pk = Membership.objects.get(group=group, user=member).pk
    assert after[member_pk] is True and after[early.pk] is True and after[fresh_joiner.pk] is True
