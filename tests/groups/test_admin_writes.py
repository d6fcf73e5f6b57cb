"""The Django admin is no second write path: what people write, or what carries an invariant,
is read-only there or changed by an admin action that calls the service (and so is audited)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from groups.enums import ApplicationStatus, MembershipPolicy, Role, WaitlistStatus
from groups.models import Application, Group, Membership
from members.models import AuditEntry, TherapistProfile
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    GroupFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

# Every model people write or that carries an invariant: no add, change or delete in the admin.
READ_ONLY = [
    "groups.Group",
    "groups.Membership",
    "groups.WaitlistEntry",
    "groups.Application",
    "groups.Invitation",
    "groups.GroundRulesVersion",
    "groups.Resource",
    "members.TherapistProfile",
    "members.AuditEntry",
    "members.Delivery",
    "members.NotificationPreference",
    "meetings.Meeting",
    "meetings.MeetingSeries",
    "meetings.Rsvp",
    "meetings.Attendance",
    "meetings.AgendaTemplateSegment",
    "meetings.CalendarFeedToken",
    "meetings.Certificate",
    "presentations.Presentation",
    "presentations.SwapOffer",
    "presentations.Election",
    "presentations.Ballot",
    "presentations.LeadershipTerm",
]


@pytest.fixture
def superuser():
    return AdminFactory(email="root@example.com")


@pytest.fixture
def admin_request(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return request


def _model_admin(label):
    return admin.site._registry[apps.get_model(label)]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _url(name, *args):
    return reverse(f"admin:{name}", args=args)


@pytest.mark.parametrize("label", READ_ONLY)
def test_admin_cannot_add_change_or_delete(admin_request, label):
    model_admin = _model_admin(label)

    assert model_admin.has_add_permission(admin_request) is False
    assert model_admin.has_change_permission(admin_request) is False
    assert model_admin.has_delete_permission(admin_request) is False
    assert model_admin.has_view_permission(admin_request) is True
    assert "delete_selected" not in model_admin.get_actions(admin_request)


@pytest.mark.parametrize("label", ["groups.Group", "meetings.Meeting"])
def test_admin_inlines_are_read_only(admin_request, label):
    model_admin = _model_admin(label)
    for inline in model_admin.get_inline_instances(admin_request):
        assert inline.has_add_permission(admin_request, None) is False
        assert inline.has_change_permission(admin_request) is False
        assert inline.has_delete_permission(admin_request) is False


def test_admin_cannot_delete_accounts_around_the_deletion_service(admin_request):
    assert _model_admin("members.User").has_delete_permission(admin_request) is False


# --- the pages refuse, and nothing changes -------------------------------------------------


def test_site_admin_cannot_add_themselves_to_a_closed_group(client, superuser):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED, capacity=3)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    client.force_login(superuser)

    page = client.get(_url("groups_membership_add"))
    posted = client.post(
        _url("groups_membership_add"),
        {"group": group.pk, "user": superuser.pk, "role": Role.ORGANIZER, "facilitates": "on"},
    )

    assert (page.status_code, posted.status_code) == (403, 403)
    assert not Membership.objects.filter(user=superuser).exists()
    group.refresh_from_db()
    assert group.member_count == 1


def test_group_change_page_is_read_only_and_its_inline_adds_nobody(client, superuser):
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED, name="Vetted")
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER)
    client.force_login(superuser)
    url = _url("groups_group_change", group.pk)

    page = client.get(url)
    posted = client.post(
        url,
        {
            "name": "Renamed",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": organizer.pk,
            "memberships-0-group": group.pk,
            "memberships-0-user": organizer.user_id,
            "memberships-0-role": Role.ORGANIZER,
            "memberships-1-group": group.pk,
            "memberships-1-user": superuser.pk,
            "memberships-1-role": Role.ORGANIZER,
        },
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    group.refresh_from_db()
    assert group.name == "Vetted"
    assert list(group.memberships.values_list("user_id", flat=True)) == [organizer.user_id]


def test_group_add_page_is_refused_so_no_group_lacks_its_rules(client, superuser):
    client.force_login(superuser)

    response = client.post(
        _url("groups_group_add"),
        {"name": "Admin made", "slug": "admin-made", "purpose_support": "on", "capacity": 6},
    )

    assert response.status_code == 403
    assert not Group.objects.filter(slug="admin-made").exists()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("groups_membership", lambda: MembershipFactory(role=Role.ORGANIZER)),
        ("groups_waitlistentry", lambda: WaitlistEntryFactory(offered=True)),
        ("groups_application", lambda: ApplicationFactory()),
        ("groups_invitation", lambda: InvitationFactory()),
        ("meetings_meeting", lambda: MeetingFactory()),
    ],
)
def test_admin_delete_page_is_refused_and_keeps_the_row(client, superuser, name, make):
    obj = make()
    client.force_login(superuser)

    page = client.get(_url(f"{name}_delete", obj.pk))
    posted = client.post(_url(f"{name}_delete", obj.pk), {"post": "yes"})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_waitlist_entry_change_is_refused(client, superuser):
    entry = WaitlistEntryFactory()
    client.force_login(superuser)

    response = client.post(
        _url("groups_waitlistentry_change", entry.pk),
        {"group": entry.group_id, "user": entry.user_id, "status": WaitlistStatus.ACCEPTED},
    )

    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_changelists_offer_no_add_button(client, superuser):
    client.force_login(superuser)

    for name in ("groups_membership", "groups_group", "meetings_meeting"):
        response = client.get(_url(f"{name}_changelist"))
        assert response.status_code == 200
        assert _url(f"{name}_add") not in response.content.decode(), name


# --- the actions that remain go through the services ---------------------------------------


@pytest.fixture
def closed_group():
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED, capacity=3, name="Closed")
    MembershipFactory(group=group, role=Role.ORGANIZER)
    return group


def _act(client, action, ids):
    return client.post(
        _url("groups_application_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in ids], "index": "0"},
    )


def test_admin_approve_action_admits_through_the_service(
    client, superuser, closed_group, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = UserFactory(email="ann@example.com")
    application = ApplicationFactory(group=closed_group, applicant=applicant)
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, "approve_applications", [application.pk])

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.APPROVED, superuser)
    closed_group.refresh_from_db()
    assert closed_group.member_count == 2
    assert Membership.objects.get(group=closed_group, user=applicant).role == Role.MEMBER
    verbs = set(AuditEntry.objects.filter(actor=superuser).values_list("verb", flat=True))
    assert verbs == {"application.admitted", "application.approved"}
    assert [m.to for m in mailoutbox] == [["ann@example.com"]]
    assert _messages(response) == ["Approved 1 application(s)."]


def test_admin_decline_action_declines_through_the_service(client, superuser, closed_group):
    application = ApplicationFactory(group=closed_group)
    decided = ApplicationFactory(group=closed_group, status=ApplicationStatus.DECLINED)
    client.force_login(superuser)

    response = _act(client, "decline_applications", [application.pk, decided.pk])

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert AuditEntry.objects.get(verb="application.declined").actor == superuser
    assert _messages(response) == [
        "Declined 1 application(s).",
        f"Not changed: {decided} (This application was already declined.)",
    ]


def test_admin_cannot_approve_their_own_application(client, superuser, closed_group):
    own = ApplicationFactory(group=closed_group, applicant=superuser)
    client.force_login(superuser)

    response = _act(client, "approve_applications", [own.pk])

    own.refresh_from_db()
    assert own.status == ApplicationStatus.PENDING
    assert not Membership.objects.filter(user=superuser).exists()
    assert _messages(response) == [f"Not changed: {own} (You cannot decide your own application.)"]


def test_nobody_decides_their_own_application_on_the_site_either(closed_group):
    from groups import services

    own = ApplicationFactory(group=closed_group, applicant=AdminFactory())

    with pytest.raises(services.GroupActionError, match="your own application"):
        services.decide_application(actor=own.applicant, application=own, approve=True)
    assert Application.objects.get(pk=own.pk).status == ApplicationStatus.PENDING


def test_admin_verify_licence_action_still_works_on_read_only_profiles(client, superuser):
    profile = UserFactory().profile
    client.force_login(superuser)

    client.post(
        _url("members_therapistprofile_changelist"),
        {"action": "verify_licences", "_selected_action": [str(profile.pk)], "index": "0"},
    )

    profile = TherapistProfile.objects.get(pk=profile.pk)
    assert profile.licence_verified_by == superuser
    assert AuditEntry.objects.get(verb="licence.verified").actor == superuser


# --- groups made before the admin became read-only get their ground rules ---------------------


def test_migration_gives_unversioned_groups_their_rules_so_the_rules_page_works(client):
    import importlib

    from django.apps import apps as current_apps

    migration = importlib.import_module(
        "groups.migrations.0007_waitlist_count_and_free_seats_index"
    )
    group = Group.objects.create(name="Admin made", slug="admin-made", purpose_support=True)
    member = UserFactory()
    Membership.objects.create(group=group, user=member)
    client.force_login(member)
    assert not group.rules_versions.exists()

    migration.count_waitlists_and_version_rules(current_apps, None)
    response = client.get(reverse("groups:accept_rules", args=[group.slug]))

    assert list(group.rules_versions.values_list("number", "text")) == [(1, group.ground_rules)]
    assert response.status_code == 200
    assert response.context["current"] is False


def test_admin_resend_action_is_audited(client, superuser):
    from members.models import Delivery

    delivery = Delivery.objects.create(
        kind="waitlist",
        template="waitlist_offer",
        object_type="x",
        object_id=1,
        email="a@b.co",
        due_at=timezone.now(),
    )
    client.force_login(superuser)

    client.post(
        _url("members_delivery_changelist"),
        {"action": "resend_deliveries", "_selected_action": [str(delivery.pk)], "index": "0"},
    )

    entry = AuditEntry.objects.get(verb="deliveries.resent")
    assert (entry.actor, entry.data) == (superuser, {"count": 1, "ids": [delivery.pk]})


@pytest.mark.parametrize("label", READ_ONLY)
def test_read_only_changelists_still_open(client, superuser, label):
    model = apps.get_model(label)
    client.force_login(superuser)

    response = client.get(_url(f"{model._meta.app_label}_{model._meta.model_name}_changelist"))

    assert response.status_code == 200
