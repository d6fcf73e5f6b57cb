"""groups/rules.py, asked directly: every rule for every kind of person, and the predicates
they are made of. No page, no service: what the rule answers is what they all answer."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config import access
from groups.enums import Role
from groups.models import Document, Group, Membership, Resource
from groups.rules import (
    is_group_manager,
    is_group_member,
    is_group_organizer,
    is_site_admin,
    may_manage_member,
    role_in,
    shared_the_resource,
    uploaded_the_document,
)
from groups.selectors import for_viewer
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

VIEWERS = ("member", "co_organizer", "organizer", "outsider", "anonymous", "site_admin")


@pytest.fixture
def world():
    group = GroupFactory(name="Rules Circle")
    people = {
        "organizer": MembershipFactory(group=group, role=Role.ORGANIZER).user,
        "co_organizer": MembershipFactory(group=group, role=Role.CO_ORGANIZER).user,
        "member": MembershipFactory(group=group, role=Role.MEMBER).user,
        "other_member": MembershipFactory(group=group, role=Role.MEMBER).user,
        "outsider": UserFactory(),
        "anonymous": AnonymousUser(),
        "site_admin": AdminFactory(is_superuser=False),
        "superuser": AdminFactory(),
    }
    return group, people


def _fresh(group) -> Group:
    """The group as a service or a page would get it: nothing recorded for anyone yet."""
    return Group.objects.get(pk=group.pk)


def _membership_of(group, user) -> Membership:
    return Membership.objects.select_related("group").get(group=group, user=user)


def _answers(rule, people, obj_for) -> dict[str, bool]:
    return {who: access.allowed(people[who], rule, obj_for()) for who in VIEWERS}


# --- every rule on the group, for every kind of person ---------------------------------------

T, F = True, False
# rule: member, co-organizer, organizer, outsider, anonymous, site admin
ON_THE_GROUP = {
    "groups.view_members_area": (T, T, T, F, F, F),
    "groups.change_group": (F, T, T, F, F, T),
    "groups.change_questions": (F, T, T, F, F, F),
    "groups.volunteer_as_buddy": (T, T, T, F, F, F),
    "groups.view_management": (F, T, T, F, F, T),
    "groups.manage_members": (F, T, T, F, F, F),
    "groups.give_organizer_role": (F, F, T, F, F, F),
    "groups.invite": (F, T, T, F, F, F),
    "groups.revoke_invitation": (F, T, T, F, F, F),
    "groups.vet_applications": (F, T, T, F, F, T),
    "groups.add_resource": (T, T, T, F, F, F),
    "groups.pin_resource": (F, T, T, F, F, F),
    "groups.add_document": (T, T, T, F, F, F),
    "groups.choose_agreement": (F, T, T, F, F, F),
}


@pytest.mark.parametrize("rule", sorted(ON_THE_GROUP))
def test_group_rule_for_each_kind_of_person(world, rule):
    group, people = world

    answers = _answers(rule, people, lambda: _fresh(group))

    assert answers == dict(zip(VIEWERS, ON_THE_GROUP[rule], strict=True))


@pytest.mark.parametrize("rule", sorted(ON_THE_GROUP))
def test_superusers_pass_only_what_site_admins_pass(world, rule):
    """Rules, not Django permissions: ``is_superuser`` opens nothing by itself."""
    group, people = world

    assert access.allowed(people["superuser"], rule, _fresh(group)) is access.allowed(
        people["site_admin"], rule, _fresh(group)
    )


def test_every_groups_rule_is_tested_here_and_none_is_left_over():
    declared = {name for name in access.declared() if name.startswith("groups.")}

    assert declared == set(ON_THE_GROUP) | {
        "groups.manage_member",
        "groups.remove_resource",
        *ON_A_DOCUMENT,
    }


def test_every_groups_rule_says_why_it_refuses():
    refusals = {
        name: text for name, text in access.declared().items() if name.startswith("groups.")
    }

    assert all(text.endswith(".") and len(text) > 20 for text in refusals.values()), refusals


# --- rules on one member and one link ----------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # the target: a plain member, another co-organizer, the organizer
        ("other_member", (F, T, T, F, F, F)),
        ("co_organizer", (F, F, T, F, F, F)),  # the co-organizer row: themselves
        ("organizer", (F, F, F, F, F, F)),  # the organizer row: themselves
    ],
)
def test_manage_member_rule_for_each_kind_of_person(world, target, expected):
    group, people = world

    answers = _answers(
        "groups.manage_member", people, lambda: _membership_of(group, people[target])
    )

    assert answers == dict(zip(VIEWERS, expected, strict=True))


def test_a_co_organizer_may_not_manage_an_organizer_but_another_organizer_may(world):
    group, people = world
    second = MembershipFactory(group=group, role=Role.ORGANIZER)

    assert (
        access.allowed(people["co_organizer"], "groups.manage_member", second),
        access.allowed(
            people["organizer"], "groups.manage_member", _membership_of(group, second.user)
        ),
    ) == (False, True)


@pytest.mark.parametrize(
    ("shared_by", "expected"),
    [
        ("other_member", (F, T, T, F, F, F)),
        ("member", (T, T, T, F, F, F)),  # the member row shared it
    ],
)
def test_remove_resource_rule_for_each_kind_of_person(world, shared_by, expected):
    group, people = world
    resource = Resource.objects.create(
        group=group,
        added_by=people[shared_by],
        title="Reading list",
        url="https://example.org/",
        category=Resource._meta.get_field("category").choices[0][0],
    )

    answers = _answers(
        "groups.remove_resource", people, lambda: Resource.objects.get(pk=resource.pk)
    )

    assert answers == dict(zip(VIEWERS, expected, strict=True))


def test_remove_resource_of_a_former_member_is_the_organizers_alone(world):
    group, people = world
    orphan = Resource.objects.create(
        group=group,
        added_by=None,
        title="Left behind",
        url="https://example.org/",
        category=Resource._meta.get_field("category").choices[0][0],
    )

    answers = _answers("groups.remove_resource", people, lambda: Resource.objects.get(pk=orphan.pk))

    assert answers == dict(zip(VIEWERS, (F, T, T, F, F, F), strict=True))


# --- the predicates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        (is_group_member, (T, T, T, F, F, F)),
        (is_group_manager, (F, T, T, F, F, F)),
        (is_group_organizer, (F, F, T, F, F, F)),
    ],
)
def test_role_predicates(world, predicate, expected):
    group, people = world

    answers = {who: predicate(people[who], _fresh(group)) for who in VIEWERS}

    assert answers == dict(zip(VIEWERS, expected, strict=True))


def test_is_site_admin_is_an_active_staff_account(world):
    _group, people = world
    retired = AdminFactory(is_active=False)

    answers = {who: is_site_admin(people[who]) for who in (*VIEWERS, "superuser")}

    assert answers == {
        "member": False,
        "co_organizer": False,
        "organizer": False,
        "outsider": False,
        "anonymous": False,
        "site_admin": True,
        "superuser": True,
    }
    assert is_site_admin(retired) is False


def test_may_manage_member_predicate(world):
    group, people = world
    target = _membership_of(group, people["other_member"])

    answers = {
        who: may_manage_member(people[who], _membership_of(group, target.user)) for who in VIEWERS
    }

    assert answers == dict(zip(VIEWERS, (F, T, T, F, F, F), strict=True))
    assert may_manage_member(people["organizer"], None) is False


def test_shared_the_resource_predicate(world):
    group, people = world
    resource = Resource(group=group, added_by=people["member"])
    orphan = Resource(group=group, added_by=None)

    assert {who: shared_the_resource(people[who], resource) for who in VIEWERS} == {
        "member": True,
        "co_organizer": False,
        "organizer": False,
        "outsider": False,
        "anonymous": False,
        "site_admin": False,
    }
    assert (
        shared_the_resource(people["anonymous"], orphan),
        shared_the_resource(people["member"], None),
    ) == (False, False)


# --- role_in: what the selector recorded, or one query ---------------------------------------


def test_role_in_reads_what_the_selector_recorded_without_a_query(world, django_assert_num_queries):
    group, people = world
    membership = _membership_of(group, people["co_organizer"])
    loaded = for_viewer(_fresh(group), people["co_organizer"], membership)

    with django_assert_num_queries(0):
        roles = [role_in(people["co_organizer"], loaded) for _ in range(3)]

    assert roles == [Role.CO_ORGANIZER] * 3


def test_role_in_reads_once_and_remembers(world, django_assert_num_queries):
    group, people = world
    fresh = _fresh(group)

    with django_assert_num_queries(1):
        roles = [role_in(people["organizer"], fresh) for _ in range(3)]

    assert roles == [Role.ORGANIZER] * 3


def test_role_in_asks_again_for_another_person(world):
    group, people = world
    loaded = for_viewer(_fresh(group), people["member"], _membership_of(group, people["member"]))

    assert (role_in(people["member"], loaded), role_in(people["organizer"], loaded)) == (
        Role.MEMBER,
        Role.ORGANIZER,
    )


def test_role_in_a_row_read_through_its_group_uses_the_groups_record(
    world, django_assert_num_queries
):
    group, people = world
    membership = _membership_of(group, people["organizer"])
    loaded = for_viewer(_fresh(group), people["organizer"], membership)
    rows = list(loaded.memberships.all())  # each row's ``group`` is ``loaded`` itself

    with django_assert_num_queries(0):
        roles = {role_in(people["organizer"], row) for row in rows}

    assert roles == {Role.ORGANIZER}


def test_role_in_of_nothing_or_nobody_is_none(world):
    group, people = world

    assert (
        role_in(people["organizer"], None),
        role_in(None, _fresh(group)),
        role_in(people["anonymous"], _fresh(group)),
    ) == (None, None, None)


# --- rules on one document: its author, or an organizer -----------------------------------------

ON_A_DOCUMENT = ("groups.change_document", "groups.remove_document")


@pytest.mark.parametrize("rule", ON_A_DOCUMENT)
@pytest.mark.parametrize(
    ("author", "expected"),
    [
        # who added it; then: member, co-organizer, organizer, outsider, anonymous, site admin
        ("member", (T, T, T, F, F, F)),
        ("other_member", (F, T, T, F, F, F)),
        ("outsider", (F, T, T, F, F, F)),  # a former member's document stays the group's
    ],
)
def test_document_rules_for_each_kind_of_person(world, rule, author, expected):
    group, people = world
    document = Document.objects.create(group=group, title="Handout", added_by=people[author])

    answers = _answers(rule, people, lambda: Document.objects.get(pk=document.pk))

    assert answers == dict(zip(VIEWERS, expected, strict=True))


@pytest.mark.parametrize("rule", ON_A_DOCUMENT)
def test_only_organizers_change_or_remove_the_agreement_even_its_author(world, rule):
    group, people = world
    document = Document.objects.create(
        group=group, title="Agreement", added_by=people["member"], is_agreement=True
    )

    answers = _answers(rule, people, lambda: Document.objects.get(pk=document.pk))

    assert answers == dict(zip(VIEWERS, (F, T, T, F, F, F), strict=True))


def test_uploaded_the_document_is_only_true_for_who_added_it(world):
    group, people = world
    document = Document.objects.create(group=group, title="Handout", added_by=people["member"])

    assert [
        uploaded_the_document(people[who], document)
        for who in ("member", "other_member", "anonymous")
    ] == [True, False, False]
    assert uploaded_the_document(people["member"], None) is False
