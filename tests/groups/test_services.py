from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services
from groups.enums import ApplicationStatus, MembershipPolicy, Role, WaitlistStatus
from groups.models import Application, GroundRulesVersion, Group, Membership, WaitlistEntry
from groups.services import GroupActionError
from members.models import AuditEntry
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _full_group(capacity=2):
    group = GroupFactory(capacity=capacity)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    for _ in range(capacity - 1):
        MembershipFactory(group=group)
    group.refresh_from_db()
    return group, organizer


def test_create_group_makes_creator_organizer_with_rules_version():
    user = UserFactory()
    group = services.create_group(
        actor=user,
        data={"name": "Denver Consult", "purposes": ["consultation"], "city": "Denver"},
    )
    membership = Membership.objects.get(group=group)
    assert (membership.user, membership.role) == (user, Role.ORGANIZER)
    assert group.member_count == 1
    assert group.slug == "denver-consult"
    assert list(
        GroundRulesVersion.objects.filter(group=group).values_list("number", flat=True)
    ) == [1]
    assert AuditEntry.objects.filter(verb="group.created", group=group).count() == 1


def test_join_open_group_with_seat_makes_member():
    group = GroupFactory(capacity=3)
    user = UserFactory()
    result = services.join_group(user=user, group=group, accepted_rules=True)
    group.refresh_from_db()
    assert result.joined
    assert group.member_count == 1
    assert result.membership.rules_version == group.rules_versions.get()


def test_join_without_accepting_rules_is_refused():
    group = GroupFactory()
    with pytest.raises(GroupActionError, match="ground rules"):
        services.join_group(user=UserFactory(), group=group, accepted_rules=False)
    assert not Membership.objects.exists()


def test_join_full_group_goes_to_waitlist_in_order():
    group, _ = _full_group()
    first = services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    second = services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    assert (first.joined, first.position) == (False, 1)
    assert (second.joined, second.position) == (False, 2)
    group.refresh_from_db()
    assert group.member_count == 2


def test_join_closed_group_is_refused():
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    with pytest.raises(GroupActionError, match="closed group"):
        services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    assert not Membership.objects.exists()


def test_join_twice_is_refused():
    group = GroupFactory()
    user = UserFactory()
    services.join_group(user=user, group=group, accepted_rules=True)
    with pytest.raises(GroupActionError, match="already a member"):
        services.join_group(user=user, group=group, accepted_rules=True)
    assert Membership.objects.filter(group=group, user=user).count() == 1


def test_leaving_a_full_group_offers_the_seat_to_the_first_waiting(
    django_capture_on_commit_callbacks, mailoutbox
):
    group, _ = _full_group()
    member = Membership.objects.filter(group=group, role=Role.MEMBER).first().user
    waiting = [UserFactory(), UserFactory()]
    for user in waiting:
        services.join_group(user=user, group=group, accepted_rules=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.leave_group(user=member, group=group)

    entries = {e.user: e for e in WaitlistEntry.objects.filter(group=group)}
    assert entries[waiting[0]].status == WaitlistStatus.OFFERED
    assert entries[waiting[1]].status == WaitlistStatus.WAITING
    assert [m.to for m in mailoutbox] == [[waiting[0].email]]


def test_accepting_an_offer_makes_a_member():
    group, _ = _full_group()
    waiting = UserFactory()
    services.join_group(user=waiting, group=group, accepted_rules=True)
    services.leave_group(
        user=Membership.objects.filter(group=group, role=Role.MEMBER).first().user, group=group
    )
    entry = WaitlistEntry.objects.get(user=waiting)

    services.accept_offer(user=waiting, entry_id=entry.pk)

    group.refresh_from_db()
    assert Membership.objects.filter(group=group, user=waiting).exists()
    assert group.member_count == 2
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.ACCEPTED


def test_expired_offer_is_refused_and_passes_to_the_next():
    group, _ = _full_group()
    first, second = UserFactory(), UserFactory()
    services.join_group(user=first, group=group, accepted_rules=True)
    services.join_group(user=second, group=group, accepted_rules=True)
    services.leave_group(
        user=Membership.objects.filter(group=group, role=Role.MEMBER).first().user, group=group
    )
    entry = WaitlistEntry.objects.get(user=first)
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(GroupActionError, match="expired"):
        services.accept_offer(user=first, entry_id=entry.pk)

    assert WaitlistEntry.objects.get(user=first).status == WaitlistStatus.EXPIRED
    assert WaitlistEntry.objects.get(user=second).status == WaitlistStatus.OFFERED
    assert not Membership.objects.filter(user=first).exists()


def test_expire_offers_is_safe_to_run_twice():
    group, _ = _full_group()
    first, second = UserFactory(), UserFactory()
    services.join_group(user=first, group=group, accepted_rules=True)
    services.join_group(user=second, group=group, accepted_rules=True)
    services.leave_group(
        user=Membership.objects.filter(group=group, role=Role.MEMBER).first().user, group=group
    )
    later = timezone.now() + timedelta(hours=49)

    assert services.expire_offers(now=later) == 1
    assert services.expire_offers(now=timezone.now()) == 0
    statuses = dict(WaitlistEntry.objects.values_list("user__email", "status"))
    assert statuses == {first.email: "expired", second.email: "offered"}


def test_declining_an_offer_passes_it_on():
    group, _ = _full_group()
    first, second = UserFactory(), UserFactory()
    services.join_group(user=first, group=group, accepted_rules=True)
    services.join_group(user=second, group=group, accepted_rules=True)
    services.leave_group(
        user=Membership.objects.filter(group=group, role=Role.MEMBER).first().user, group=group
    )
    services.decline_offer(user=first, entry_id=WaitlistEntry.objects.get(user=first).pk)
    assert WaitlistEntry.objects.get(user=second).status == WaitlistStatus.OFFERED


def test_direct_join_cannot_take_a_seat_held_by_an_offer():
    group, _ = _full_group()
    waiting = UserFactory()
    services.join_group(user=waiting, group=group, accepted_rules=True)
    services.leave_group(
        user=Membership.objects.filter(group=group, role=Role.MEMBER).first().user, group=group
    )
    late = services.join_group(user=UserFactory(), group=group, accepted_rules=True)
    assert late.joined is False


def test_raising_capacity_offers_seats():
    group, organizer = _full_group()
    waiting = UserFactory()
    services.join_group(user=waiting, group=group, accepted_rules=True)
    services.update_group(actor=organizer, group=group, data={"capacity": 3})
    assert WaitlistEntry.objects.get(user=waiting).status == WaitlistStatus.OFFERED


def test_capacity_below_member_count_is_refused():
    group, organizer = _full_group(capacity=3)
    with pytest.raises(GroupActionError, match="cannot be lower"):
        services.update_group(actor=organizer, group=group, data={"capacity": 2})
    group.refresh_from_db()
    assert group.capacity == 3


def test_changing_ground_rules_makes_a_new_version():
    group, organizer = _full_group()
    services.update_group(actor=organizer, group=group, data={"ground_rules": "Be kind."})
    versions = list(group.rules_versions.order_by("number").values_list("number", "text"))
    assert versions[-1] == (2, "Be kind.")


def test_last_organizer_cannot_leave_or_be_demoted():
    group, organizer = _full_group()
    own = Membership.objects.get(group=group, user=organizer)
    with pytest.raises(GroupActionError, match="at least one organizer"):
        services.leave_group(user=organizer, group=group)
    with pytest.raises(GroupActionError, match="only organizer"):
        services.change_role(actor=organizer, group=group, membership_id=own.pk, role=Role.MEMBER)
    own.refresh_from_db()
    assert own.role == Role.ORGANIZER


def test_remove_member_records_reason_and_frees_seat():
    group, organizer = _full_group()
    member = Membership.objects.get(group=group, role=Role.MEMBER)
    services.remove_member(
        actor=organizer, group=group, membership_id=member.pk, reason="Left town"
    )
    group.refresh_from_db()
    assert group.member_count == 1
    entry = AuditEntry.objects.get(verb="member.removed")
    assert (entry.actor, entry.subject, entry.data) == (
        organizer,
        member.user,
        {"reason": "Left town"},
    )


def test_hand_over_keeps_previous_organizer_as_co_organizer():
    group, organizer = _full_group()
    member = Membership.objects.get(group=group, role=Role.MEMBER)
    services.hand_over_organizer(actor=organizer, group=group, membership_id=member.pk)
    roles = dict(Membership.objects.filter(group=group).values_list("user_id", "role"))
    assert roles == {organizer.pk: Role.CO_ORGANIZER, member.user_id: Role.ORGANIZER}


def test_apply_to_open_group_is_refused():
    with pytest.raises(GroupActionError, match="open"):
        services.apply_to_group(
            user=UserFactory(),
            group=GroupFactory(),
            answers=[],
            note="",
            consent=True,
            accepted_rules=True,
        )


def _closed_group():
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED, capacity=2)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    return Group.objects.get(pk=group.pk), organizer


def test_one_pending_application_per_person_and_group():
    group, _ = _closed_group()
    user = UserFactory()
    kwargs = {
        "user": user,
        "group": group,
        "answers": [],
        "note": "",
        "consent": True,
        "accepted_rules": True,
    }
    services.apply_to_group(**kwargs)
    with pytest.raises(GroupActionError, match="already have an application"):
        services.apply_to_group(**kwargs)
    assert Application.objects.filter(applicant=user).count() == 1


def test_the_database_refuses_a_second_pending_application():
    from django.db import IntegrityError, transaction

    group, _ = _closed_group()
    user = UserFactory()
    Application.objects.create(group=group, applicant=user, consent_to_share_profile=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(group=group, applicant=user, consent_to_share_profile=True)


def test_approving_admits_or_waitlists_and_tells_the_applicant(
    django_capture_on_commit_callbacks, mailoutbox
):
    group, organizer = _closed_group()
    applicants = [UserFactory(), UserFactory()]
    applications = [
        services.apply_to_group(
            user=u, group=group, answers=[], note="", consent=True, accepted_rules=True
        )
        for u in applicants
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _, first = services.decide_application(
            actor=organizer, application=applications[0], approve=True
        )
        _, second = services.decide_application(
            actor=organizer, application=applications[1], approve=True
        )
    assert first.joined is True
    assert (second.joined, second.position) == (False, 1)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in applicants)
    assert "waitlist" in next(m for m in mailoutbox if m.to == [applicants[1].email]).body


def test_declining_keeps_the_reason_and_cannot_be_decided_twice():
    group, organizer = _closed_group()
    application = services.apply_to_group(
        user=UserFactory(), group=group, answers=[], note="", consent=True, accepted_rules=True
    )
    services.decide_application(
        actor=organizer,
        application=application,
        approve=False,
        message="We are full of ED specialists.",
    )
    application.refresh_from_db()
    assert (application.status, application.decision_message) == (
        ApplicationStatus.DECLINED,
        "We are full of ED specialists.",
    )
    with pytest.raises(GroupActionError, match="already"):
        services.decide_application(actor=organizer, application=application, approve=True)


def test_invitation_admits_once_without_vetting():
    group, organizer = _closed_group()
    invitee = UserFactory()
    invitation = services.invite_by_email(actor=organizer, group=group, email=invitee.email)
    result = services.accept_invitation(user=invitee, token=invitation.token, accepted_rules=True)
    assert result.joined
    with pytest.raises(GroupActionError, match="expired or was already used"):
        services.accept_invitation(user=UserFactory(), token=invitation.token, accepted_rules=True)


def test_expired_invitation_is_refused():
    group, organizer = _closed_group()
    invitation = services.invite_by_email(actor=organizer, group=group, email="x@example.com")
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save(update_fields=["expires_at"])
    with pytest.raises(GroupActionError, match="expired"):
        services.accept_invitation(user=UserFactory(), token=invitation.token, accepted_rules=True)
    assert Membership.objects.filter(group=group).count() == 1
