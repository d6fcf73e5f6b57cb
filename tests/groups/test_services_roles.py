"""Every groups service that changes a group checks the person's role itself, with the same
rule the page declares (``config.access.check``): a refused actor gets ``NotAllowed`` with the
rule's sentence, and nothing changed. Pages are one caller; tasks, the admin and other apps
are others."""

import pytest

from config import access
from config.errors import DomainError, NotAllowed
from groups import services
from groups.enums import ApplicationStatus, MembershipPolicy, ResourceCategory, Role
from groups.models import Application, Group, Invitation, Membership, Resource
from members.models import AuditEntry, Delivery
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationQuestionFactory,
    GroupFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    group = GroupFactory(name="Checked Circle", membership_policy=MembershipPolicy.CLOSED)
    people = {
        "organizer": MembershipFactory(group=group, role=Role.ORGANIZER).user,
        "co_organizer": MembershipFactory(group=group, role=Role.CO_ORGANIZER).user,
        "member": MembershipFactory(group=group).user,
        "other_member": MembershipFactory(group=group).user,
        "outsider": UserFactory(),
        "site_admin": AdminFactory(),
    }
    question = ApplicationQuestionFactory(group=group, text="Why this group?")
    invitation = InvitationFactory(group=group, email="invitee@example.com")
    application = ApplicationFactory(group=group)
    resource = Resource.objects.create(
        group=group,
        added_by=people["other_member"],
        title="Reading list",
        url="https://example.org/",
        category=ResourceCategory.ARTICLE,
    )
    return {
        "group": group,
        "people": people,
        "question": question,
        "invitation": invitation,
        "application": application,
        "resource": resource,
    }


def _state(world) -> dict:
    """Everything these services could change."""
    group = Group.objects.get(pk=world["group"].pk)
    return {
        "group": (group.tagline, group.capacity, group.member_count, group.status),
        "roles": sorted(Membership.objects.filter(group=group).values_list("user_id", "role")),
        "questions": list(group.questions.values_list("text", flat=True)),
        "invitations": sorted(Invitation.objects.values_list("email", "revoked_at")),
        "applications": list(Application.objects.values_list("status", flat=True)),
        "resources": list(Resource.objects.values_list("title", "pinned")),
        "audit": AuditEntry.objects.count(),
        "deliveries": Delivery.objects.count(),
    }


def _target(world, who="other_member"):
    return Membership.objects.get(group=world["group"], user=world["people"][who])


CALLS = {
    "remove_member": lambda w, actor: services.remove_member(
        actor=actor, group=w["group"], membership_id=_target(w).pk
    ),
    "change_role": lambda w, actor: services.change_role(
        actor=actor, group=w["group"], membership_id=_target(w).pk, role=Role.CO_ORGANIZER
    ),
    "hand_over_organizer": lambda w, actor: services.hand_over_organizer(
        actor=actor, group=w["group"], membership_id=_target(w).pk
    ),
    "invite_by_email": lambda w, actor: services.invite_by_email(
        actor=actor, group=w["group"], email="new@example.com"
    ),
    "revoke_invitation": lambda w, actor: services.revoke_invitation(
        actor=actor, group=w["group"], invitation_id=w["invitation"].pk
    ),
    "replace_questions": lambda w, actor: services.replace_questions(
        actor=actor, group=w["group"], questions=[{"text": "Replaced?", "required": True}]
    ),
    "update_group": lambda w, actor: services.update_group(
        actor=actor, group=w["group"], data={"tagline": "Changed"}
    ),
    "decide_application": lambda w, actor: services.decide_application(
        actor=actor, application=w["application"], approve=True
    ),
    "set_pinned": lambda w, actor: services.set_pinned(
        actor=actor, group=w["group"], resource_id=w["resource"].pk, pinned=True
    ),
    "remove_resource": lambda w, actor: services.remove_resource(
        actor=actor, group=w["group"], resource_id=w["resource"].pk
    ),
}

# service: the rule whose sentence the refused person reads, and who is refused
REFUSED = {
    "remove_member": (
        "groups.manage_members",
        ["member", "other_member", "outsider", "site_admin"],
    ),
    "change_role": ("groups.manage_members", ["member", "outsider", "site_admin"]),
    "hand_over_organizer": ("groups.manage_members", ["member", "outsider", "site_admin"]),
    "invite_by_email": ("groups.invite", ["member", "outsider", "site_admin"]),
    "revoke_invitation": ("groups.revoke_invitation", ["member", "outsider", "site_admin"]),
    "replace_questions": ("groups.change_questions", ["member", "outsider", "site_admin"]),
    "update_group": ("groups.change_group", ["member", "outsider"]),
    "decide_application": ("groups.vet_applications", ["member", "outsider"]),
    "set_pinned": ("groups.pin_resource", ["member", "outsider", "site_admin"]),
    "remove_resource": ("groups.remove_resource", ["member", "outsider", "site_admin"]),
}


@pytest.mark.parametrize(
    ("service", "who"),
    [(service, who) for service, (_rule, people) in REFUSED.items() for who in people],
)
def test_a_refused_actor_gets_not_allowed_and_nothing_changes(world, service, who):
    rule, _people = REFUSED[service]
    before = _state(world)

    with pytest.raises(NotAllowed) as refused:
        CALLS[service](world, world["people"][who])

    assert str(refused.value) == access.declared()[rule]
    assert _state(world) == before


@pytest.mark.parametrize(
    ("service", "who"),
    [
        ("remove_member", "co_organizer"),
        ("change_role", "organizer"),
        ("hand_over_organizer", "organizer"),
        ("invite_by_email", "co_organizer"),
        ("revoke_invitation", "co_organizer"),
        ("replace_questions", "co_organizer"),
        ("update_group", "co_organizer"),
        ("update_group", "site_admin"),  # site admins may fix a group's details
        ("decide_application", "co_organizer"),
        ("decide_application", "site_admin"),  # and vet its applicants
        ("set_pinned", "co_organizer"),
        ("remove_resource", "other_member"),  # who shared it
        ("remove_resource", "co_organizer"),
    ],
)
def test_the_actor_the_rule_allows_changes_something(world, service, who):
    before = _state(world)

    CALLS[service](world, world["people"][who])

    assert _state(world) != before
    assert AuditEntry.objects.filter(actor=world["people"][who]).exists()


def test_decide_application_by_a_site_admin_admits_the_applicant(world):
    application = world["application"]

    services.decide_application(
        actor=world["people"]["site_admin"], application=application, approve=True
    )

    application.refresh_from_db()
    assert (application.status, application.decided_by) == (
        ApplicationStatus.APPROVED,
        world["people"]["site_admin"],
    )
    assert Membership.objects.filter(
        group=world["group"], user=application.applicant, role=Role.MEMBER
    ).exists()


def test_check_removal_says_why_before_the_form_is_shown(world):
    group, people = world["group"], world["people"]

    def reason(actor, who):
        try:
            services.check_removal(actor=people[actor], group=group, membership=_target(world, who))
        except DomainError as exc:
            return type(exc).__name__, str(exc)
        return None

    assert {
        "admin": reason("site_admin", "member"),
        "self": reason("co_organizer", "co_organizer"),
        "organizer by co": reason("co_organizer", "organizer"),
        "member by co": reason("co_organizer", "member"),
    } == {
        "admin": ("NotAllowed", "Only the group's organizers can change its members."),
        "self": ("GroupActionError", "To leave the group yourself, use “Leave group”."),
        "organizer by co": (
            "GroupActionError",
            "A group always keeps at least one organizer: hand the organizer role to another "
            "member first.",
        ),
        "member by co": None,
    }
    assert (
        services.check_removal(actor=people["organizer"], group=group, membership=_target(world))
        is None
    )


def test_check_revocation_refuses_a_used_invitation_even_to_its_organizer(world):
    invitation = world["invitation"]
    invitation.used_by = world["people"]["member"]
    invitation.used_at = invitation.created_at
    invitation.save(update_fields=["used_by", "used_at"])

    with pytest.raises(services.GroupActionError) as refused:
        services.check_revocation(
            actor=world["people"]["organizer"], group=world["group"], invitation=invitation
        )

    assert str(refused.value) == "This invitation was already used, so there is nothing to revoke."
