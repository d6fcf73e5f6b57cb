from datetime import time

import pytest
from django.urls import reverse

from groups.enums import Cadence, GroupStatus, Role, VenueKind, WaitlistStatus
from groups.models import GroundRulesVersion, Group, Membership, weekday_mask
from members.models import AuditEntry
from tests.factories import (
    AdminFactory,
    GroupFactory,
    MembershipFactory,
    SpecialtyFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("groups:create")

VALID = {
    "name": "Boulder Trauma Consult",
    "tagline": "Monthly case consultation for trauma clinicians",
    "description": "We meet to **consult** on stuck cases.",
    "purposes": ["consultation", "support"],
    "orientation_note": "LGBTQ+-affirming",
    "format": "structured",
    "leadership_model": "rotating",
    "membership_policy": "open",
    "eligibility_criteria": "Licensed clinicians in Colorado",
    "capacity": "6",
    "venue_kind": "in_person",
    "venue_name": "Community room",
    "street_address": "12 Pearl St",
    "city": "Boulder",
    "region": "CO",
    "online_link": "",
    "cadence": "weekly",
    "weekday_choices": ["1", "3"],
    "usual_time": "18:30",
    "meeting_minutes": "120",
    "time_zone": "America/Denver",
    "language": "en",
    "ground_rules": "1. Confidentiality.\n2. Kindness.",
}


def _data(**overrides):
    data = {**VALID, **overrides}
    return {key: value for key, value in data.items() if value is not None}


def _edit_data(group, **overrides):
    return _data(
        **{
            "name": group.name,
            "status": GroupStatus.ACTIVE,
            "time_zone": group.time_zone,
            **overrides,
        }
    )


def _edit_url(group):
    return reverse("groups:edit", args=[group.slug])


# --- create -------------------------------------------------------------------------------


def test_create_page_anonymous_redirects_to_login(client):
    response = client.get(CREATE)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={CREATE}"


def test_create_page_shows_form_without_status(client):
    client.force_login(UserFactory())

    response = client.get(CREATE)

    assert response.status_code == 200
    assert "status" not in response.context["form"].fields
    assert "Start a peer group" in response.content.decode()


def test_create_group_with_valid_data(client):
    user = UserFactory()
    trauma = SpecialtyFactory(name="Trauma")
    client.force_login(user)

    response = client.post(CREATE, _data(focus_specialties=[trauma.pk]))

    group = Group.objects.get()
    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    assert group.slug == "boulder-trauma-consult"
    assert (group.purpose_support, group.purpose_consultation, group.purpose_collaboration) == (
        True,
        True,
        False,
    )
    assert group.weekdays == weekday_mask([1, 3])
    assert group.weekday_labels == ["Tuesday", "Thursday"]
    assert group.usual_time == time(18, 30)
    assert (group.meeting_minutes, group.capacity, group.member_count) == (120, 6, 1)
    assert group.time_zone == "America/Denver"
    assert (group.cadence, group.venue_kind, group.city) == (
        Cadence.WEEKLY,
        VenueKind.IN_PERSON,
        "Boulder",
    )
    assert (group.format, group.leadership_model) == ("structured", "rotating")
    assert group.status == GroupStatus.ACTIVE
    assert group.created_by == user
    assert list(group.focus_specialties.all()) == [trauma]
    membership = Membership.objects.get(group=group)
    assert (membership.user, membership.role) == (user, Role.ORGANIZER)
    version = GroundRulesVersion.objects.get(group=group)
    assert (version.number, version.text) == (1, "1. Confidentiality.\n2. Kindness.")
    assert membership.rules_version == version
    assert AuditEntry.objects.filter(verb="group.created", group=group, actor=user).exists()


def test_create_group_with_same_name_gets_unique_slug(client):
    client.force_login(UserFactory())
    client.post(CREATE, _data())

    client.force_login(UserFactory())
    client.post(CREATE, _data())
    client.post(CREATE, _data())

    assert list(Group.objects.order_by("id").values_list("slug", flat=True)) == [
        "boulder-trauma-consult",
        "boulder-trauma-consult-2",
        "boulder-trauma-consult-3",
    ]


def test_create_online_group_needs_no_city_or_link(client):
    client.force_login(UserFactory())

    client.post(CREATE, _data(venue_kind="online", city="", street_address=""))

    group = Group.objects.get()
    assert (group.venue_kind, group.city) == (VenueKind.ONLINE, "")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"purposes": None}, "purposes", "Choose at least one purpose for the group."),
        ({"purposes": ["astrology"]}, "purposes", "Select a valid choice."),
        ({"capacity": "1"}, "capacity", "A group needs room for at least 2 members."),
        ({"capacity": "31"}, "capacity", "Peer groups stay small: at most 30 members."),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone we know"),
        ({"city": ""}, "city", "Say which city the group meets in."),
        ({"venue_kind": "hybrid", "city": ""}, "city", "Say which city the group meets in."),
        ({"name": ""}, "name", "This field is required."),
        ({"usual_time": "25:99"}, "usual_time", "Enter a valid time."),
        ({"weekday_choices": ["7"]}, "weekday_choices", "Select a valid choice."),
        ({"meeting_minutes": "5"}, "meeting_minutes", "greater than or equal to 15"),
    ],
)
def test_create_group_bad_input_shows_error_and_creates_nothing(client, overrides, field, message):
    client.force_login(UserFactory())

    response = client.post(CREATE, _data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Group.objects.exists()
    assert not Membership.objects.exists()


# --- edit ---------------------------------------------------------------------------------


@pytest.fixture
def group():
    group = GroupFactory(name="Denver Circle", capacity=4)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group)
    MembershipFactory(group=group)
    return group


def test_edit_page_is_prefilled(client, group):
    group.weekdays = weekday_mask([0, 4])
    group.save(update_fields=["weekdays"])
    client.force_login(group.memberships.get(role=Role.ORGANIZER).user)

    response = client.get(_edit_url(group))

    form = response.context["form"]
    assert form.initial["purposes"] == ["consultation"]
    assert form.initial["weekday_choices"] == [0, 4]
    assert "status" in form.fields
    assert "Edit Denver Circle" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.CO_ORGANIZER])
def test_edit_by_manager_saves(client, group, role):
    if role == Role.CO_ORGANIZER:
        MembershipFactory(group=group, role=Role.CO_ORGANIZER)
    client.force_login(group.memberships.get(role=role).user)

    response = client.post(
        _edit_url(group),
        _edit_data(
            group,
            tagline="New tagline",
            capacity="10",
            purposes=["collaboration"],
            weekday_choices=["6"],
            status=GroupStatus.PAUSED,
        ),
    )

    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    group.refresh_from_db()
    assert (group.tagline, group.capacity, group.status) == (
        "New tagline",
        10,
        GroupStatus.PAUSED,
    )
    assert group.purposes == ["collaboration"]
    assert group.weekday_list == [6]
    assert group.city == "Boulder"
    assert group.slug == "denver-circle"
    entry = AuditEntry.objects.get(verb="group.updated")
    assert "tagline" in entry.data["fields"]
    assert "capacity" in entry.data["fields"]


def test_edit_capacity_below_member_count_is_refused(client, group):
    client.force_login(group.memberships.get(role=Role.ORGANIZER).user)
    before = Group.objects.values().get(pk=group.pk)

    response = client.post(_edit_url(group), _edit_data(group, capacity="2", tagline="Changed"))

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "The group has 3 members, so capacity cannot be lower than that. Remove members first."
    ]
    assert Group.objects.values().get(pk=group.pk) == before
    assert not AuditEntry.objects.filter(verb="group.updated").exists()


def test_edit_hybrid_group_needs_online_link(client, group):
    client.force_login(group.memberships.get(role=Role.ORGANIZER).user)

    response = client.post(_edit_url(group), _edit_data(group, venue_kind="hybrid"))

    assert response.context["form"].errors["online_link"] == [
        "Add the link to your video meeting, or choose “In person”."
    ]
    group.refresh_from_db()
    assert group.venue_kind == VenueKind.IN_PERSON


def test_edit_ground_rules_creates_version_two(client, group):
    client.force_login(group.memberships.get(role=Role.ORGANIZER).user)

    client.post(_edit_url(group), _edit_data(group, ground_rules="Updated rules."))

    assert list(group.rules_versions.values_list("number", "text")) == [
        (2, "Updated rules."),
        (1, group.ground_rules),
    ]


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["lf", "crlf-as-browsers-send"])
def test_edit_without_changing_ground_rules_keeps_one_version(client, group, line_end):
    # The group has the default ground rules; the edit form sends them back untouched.
    client.force_login(group.memberships.get(role=Role.ORGANIZER).user)
    form_value = client.get(_edit_url(group)).context["form"]["ground_rules"].value()
    form_value = form_value.replace("\n", line_end)

    client.post(_edit_url(group), _edit_data(group, ground_rules=form_value, tagline="New"))

    group.refresh_from_db()
    assert group.tagline == "New"
    assert list(group.rules_versions.values_list("number", flat=True)) == [1]
    assert "ground_rules" not in AuditEntry.objects.get(verb="group.updated").data["fields"]


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_edit_is_404_to_members_and_outsiders(client, group, who):
    user = (
        group.memberships.filter(role=Role.MEMBER).first().user
        if who == "member"
        else UserFactory()
    )
    client.force_login(user)

    get = client.get(_edit_url(group))
    post = client.post(_edit_url(group), _edit_data(group, tagline="Hijacked"))

    assert (get.status_code, post.status_code) == (404, 404)
    group.refresh_from_db()
    assert group.tagline == "A small group of colleagues"


def test_edit_anonymous_redirects_to_login(client, group):
    response = client.get(_edit_url(group))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_edit_url(group)}"


def test_edit_by_site_admin_saves(client, group):
    client.force_login(AdminFactory())

    response = client.post(_edit_url(group), _edit_data(group, tagline="Fixed by admin"))

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.tagline == "Fixed by admin"


def test_edit_raising_capacity_of_full_group_offers_seat_to_first_waiting(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    group = GroupFactory(name="Full Circle", capacity=2)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group)
    first = WaitlistEntryFactory(group=group, user=UserFactory(email="first@example.com"))
    second = WaitlistEntryFactory(group=group)
    client.force_login(organizer.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_edit_url(group), _edit_data(group, capacity="3"))

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.capacity == 3
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (WaitlistStatus.OFFERED, WaitlistStatus.WAITING)
    assert [m.to for m in mailoutbox] == [["first@example.com"]]
    assert mailoutbox[0].subject == "[PeerCircle] A seat is free for you in Full Circle"
