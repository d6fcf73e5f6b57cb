"""Licences organizers can trust: adding or changing a licence puts it in the site admins'
queue (with the board's public lookup and what the therapist gave), a decision is recorded
once (audited, the therapist told), a changed licence loses its mark until checked again, and
a closed group can ask for checked licences of its applicants and organizers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from config.errors import NotAllowed
from groups.enums import MembershipPolicy, Role
from groups.models import Application, Group
from groups.services import apply_to_group, decide_application, join_group, update_group
from groups.services.base import GroupActionError
from members import services
from members.enums import LicenceCheckStatus as Status
from members.forms import LicenceDecisionForm
from members.licence_boards import lookup_for
from members.models import AuditEntry, Delivery, LicenceCheck
from members.services import ProfileError
from portal.privacy import export_user_data
from tests.factories import AdminFactory, GroupFactory, MembershipFactory, UserFactory
from tests.support.fuzz import client_for, fuzz_settings, post_and_check, strategy_for

pytestmark = pytest.mark.django_db


def _change_licence(user, number="LCSW-777", region="Colorado", evidence=""):
    return services.update_profile(
        actor=user,
        profile=user.profile,
        data={"licence_number": number, "licence_region": region, "licence_evidence": evidence},
    )


def _pending(user):
    return LicenceCheck.objects.get(profile=user.profile, status=Status.PENDING)


# --- the queue fills itself --------------------------------------------------------------------


def test_changing_a_licence_asks_for_a_check_and_withdraws_the_earlier_request():
    user = UserFactory()
    _change_licence(user, "LCSW-1", evidence="https://board.example.org/LCSW-1")
    first = _pending(user)
    assert (first.licence_number, first.licence_region, first.evidence) == (
        "LCSW-1",
        "Colorado",
        "https://board.example.org/LCSW-1",
    )
    _change_licence(user, "LCSW-2")
    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN and first.decided_at is not None
    assert _pending(user).licence_number == "LCSW-2"
    assert AuditEntry.objects.filter(verb="licence.check_requested", subject=user).count() == 2


def test_evidence_alone_asks_for_a_check_of_an_unchecked_licence_and_updates_a_waiting_one():
    user = UserFactory()
    services.update_profile(
        actor=user, profile=user.profile, data={"licence_evidence": "Look under my maiden name"}
    )
    assert _pending(user).evidence == "Look under my maiden name"
    services.update_profile(
        actor=user, profile=user.profile, data={"licence_evidence": "Record no. 12"}
    )
    assert _pending(user).evidence == "Record no. 12"
    assert LicenceCheck.objects.filter(profile=user.profile).count() == 1


def test_removing_the_number_withdraws_the_request():
    user = UserFactory()
    _change_licence(user)
    _change_licence(user, number="")
    assert not LicenceCheck.objects.filter(profile=user.profile, status=Status.PENDING).exists()


def test_a_profile_created_with_a_licence_is_queued():
    user = UserFactory(profile=False)
    services.create_profile(user=user, licence_number="PSY-9", licence_region="Oregon")
    assert _pending(user).licence_number == "PSY-9"


# --- deciding ----------------------------------------------------------------------------------


def test_verifying_marks_the_profile_audits_and_tells_the_therapist_once():
    admin, user = AdminFactory(), UserFactory()
    _change_licence(user)
    request = services.decide_licence_check(actor=admin, check_id=_pending(user).pk, verified=True)
    user.profile.refresh_from_db()
    assert (request.status, request.decided_by) == (Status.VERIFIED, admin)
    assert user.profile.licence_verified and user.profile.licence_verified_by == admin
    entry = AuditEntry.objects.get(verb="licence.verified")
    assert (entry.actor, entry.subject, entry.data) == (admin, user, {"licence_region": "Colorado"})
    assert list(Delivery.objects.values_list("template", "recipient")) == [
        ("licence_decided", user.pk)
    ]
    with pytest.raises(ProfileError, match="already closed"):
        services.decide_licence_check(actor=admin, check_id=request.pk, verified=False, note="x")


def test_not_verified_needs_a_reason_which_goes_to_the_therapist():
    admin, user = AdminFactory(), UserFactory()
    _change_licence(user)
    with pytest.raises(ProfileError, match="Say what did not match"):
        services.decide_licence_check(actor=admin, check_id=_pending(user).pk, verified=False)
    services.decide_licence_check(
        actor=admin,
        check_id=_pending(user).pk,
        verified=False,
        note="The board lists this number as expired.",
    )
    user.profile.refresh_from_db()
    assert not user.profile.licence_verified
    assert LicenceCheck.objects.get(profile=user.profile).note == (
        "The board lists this number as expired."
    )
    assert AuditEntry.objects.filter(verb="licence.not_verified").count() == 1


def test_a_changed_licence_loses_its_mark_until_checked_again():
    admin, user = AdminFactory(), UserFactory()
    _change_licence(user)
    services.decide_licence_check(actor=admin, check_id=_pending(user).pk, verified=True)
    _change_licence(user, number="LCSW-888")
    user.profile.refresh_from_db()
    assert not user.profile.licence_verified and _pending(user).licence_number == "LCSW-888"


def test_only_site_admins_decide():
    user, other = UserFactory(), UserFactory()
    _change_licence(user)
    for actor in (user, other, UserFactory(is_superuser=True)):
        with pytest.raises(NotAllowed):
            services.decide_licence_check(actor=actor, check_id=_pending(user).pk, verified=True)
    assert _pending(user).status == Status.PENDING


def test_a_decision_about_an_outdated_licence_is_refused():
    admin, user = AdminFactory(), UserFactory()
    _change_licence(user)
    stale = _pending(user)
    type(user.profile).objects.filter(pk=user.profile.pk).update(licence_number="LCSW-CHANGED")
    with pytest.raises(ProfileError, match="changed their licence"):
        services.decide_licence_check(actor=admin, check_id=stale.pk, verified=True)


def test_the_admin_action_decides_the_waiting_request():
    admin, user = AdminFactory(), UserFactory()
    _change_licence(user)
    services.verify_licence(actor=admin, profile=user.profile)
    assert LicenceCheck.objects.get(profile=user.profile).status == Status.VERIFIED


# --- where to look ----------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["Colorado", "CO", "co.", " colorado "])
def test_lookup_knows_a_listed_state_however_it_is_written(region):
    url, label = lookup_for(region, "lcsw")
    assert url == "https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx"
    assert label == "The Colorado licensing board's public search"


def test_lookup_falls_back_to_a_search_naming_the_state_and_credential():
    url, label = lookup_for("Vermont", "lmft")
    assert url == (
        "https://duckduckgo.com/?q=Vermont+marriage+and+family+therapist+license+verification+lookup"
    )
    assert label == "A web search for the Vermont board's licence lookup"


# --- groups that ask for checked licences -----------------------------------------------------


@pytest.fixture
def strict_group():
    organizer = UserFactory()
    AdminFactory()
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED, requires_verified_licence=True)
    MembershipFactory(group=group, user=organizer, role=Role.ORGANIZER)
    return group, organizer


def _verify(user):
    _change_licence(user, number=f"N-{user.pk}")
    services.decide_licence_check(actor=AdminFactory(), check_id=_pending(user).pk, verified=True)


def _apply(user, group):
    return apply_to_group(
        user=user, group=group, answers=[], note="", consent=True, accepted_rules=True
    )


def test_an_unverified_applicant_cannot_apply(strict_group):
    group, _organizer = strict_group
    with pytest.raises(GroupActionError, match="asks for a licence PeerCircle has checked"):
        _apply(UserFactory(), group)
    assert Application.objects.count() == 0


def test_an_unverified_organizer_cannot_approve_and_the_applicant_must_still_be_verified(
    strict_group,
):
    group, organizer = strict_group
    applicant = UserFactory()
    _verify(applicant)
    application = _apply(applicant, group)
    with pytest.raises(GroupActionError, match="asks its organizers for a checked licence"):
        decide_application(actor=organizer, application=application, approve=True)
    _verify(organizer)
    _change_licence(applicant, number="CHANGED")  # no longer verified
    with pytest.raises(GroupActionError, match="applicant's is not verified"):
        decide_application(actor=organizer, application=application, approve=True)
    decide_application(actor=organizer, application=application, approve=False, message="Sorry")
    assert Application.objects.get().status == "declined"


def test_a_verified_organizer_admits_a_verified_applicant(strict_group):
    group, organizer = strict_group
    applicant = UserFactory()
    _verify(applicant)
    _verify(organizer)
    application = _apply(applicant, group)
    decide_application(actor=organizer, application=application, approve=True)
    assert group.memberships.filter(user=applicant).exists()


def test_turning_the_requirement_on_needs_the_organizers_own_licence_checked():
    organizer = UserFactory()
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(group=group, user=organizer, role=Role.ORGANIZER)
    with pytest.raises(GroupActionError, match="Your own licence needs to be checked first"):
        update_group(actor=organizer, group=group, data={"requires_verified_licence": True})
    _verify(organizer)
    update_group(actor=organizer, group=group, data={"requires_verified_licence": True})
    assert Group.objects.get(pk=group.pk).requires_verified_licence


# --- the pages ---------------------------------------------------------------------------------


def test_queue_lists_waiting_licences_oldest_first_with_where_to_look(client):
    admin = AdminFactory()
    first, second = UserFactory(), UserFactory()
    _change_licence(first, region="Colorado")
    _change_licence(second, region="Vermont")
    LicenceCheck.objects.filter(profile=second.profile).update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    client.force_login(admin)
    response = client.get(reverse("members:licence_queue"))
    items = list(response.context["page"].object_list)
    assert [i.profile.user for i in items] == [second, first]
    assert items[1].lookup_url.startswith("https://apps.colorado.gov/")
    for someone in (first, UserFactory()):
        client.force_login(someone)
        assert client.get(reverse("members:licence_queue")).status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_queue_query_count_does_not_grow(client, count, django_assert_num_queries):
    for _ in range(count):
        _change_licence(UserFactory())
    client.force_login(AdminFactory())
    with django_assert_num_queries(3):
        response = client.get(reverse("members:licence_queue"))
    assert len(response.context["page"].object_list) == count


def test_check_page_records_the_decision_and_says_what_is_missing_beside_the_field(client):
    admin, user = AdminFactory(), UserFactory()
    _change_licence(user, evidence="My record: https://board.example.org/777")
    url = _pending(user).get_absolute_url()
    client.force_login(admin)
    page = client.get(url)
    assert "My record: https://board.example.org/777" in page.content.decode()
    response = client.post(url, {"decision": "not_verified", "note": ""})
    assert response.context["form"].errors["note"] == [
        "Say what did not match, so the therapist can put it right."
    ]
    assert _pending(user).status == Status.PENDING
    response = client.post(url, {"decision": "verified", "note": ""})
    assert response["Location"] == reverse("members:licence_queue")
    user.profile.refresh_from_db()
    assert user.profile.licence_verified
    client.force_login(user)
    assert client.get(url).status_code == 404


def test_profile_page_says_where_the_check_stands(client):
    user = UserFactory()
    _change_licence(user)
    client.force_login(user)
    text = " ".join(client.get(reverse("members:profile_edit")).content.decode().split())
    assert "Waiting for a check since" in text


def test_the_group_form_says_beside_the_box_that_the_organizers_licence_comes_first(client):
    organizer = UserFactory()
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(
        group=group,
        user=organizer,
        role=Role.ORGANIZER,
        rules_version=group.rules_versions.first(),
        rules_accepted_at=timezone.now(),
    )
    client.force_login(organizer)
    page = client.get(reverse("groups:edit", args=[group.slug]))
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if not isinstance(value, list | tuple | type(None))
    }
    response = client.post(
        reverse("groups:edit", args=[group.slug]), {**data, "requires_verified_licence": "on"}
    )
    assert response.context["form"].errors["requires_verified_licence"] == [
        "Your own licence needs to be checked first: add it on your profile and a site admin "
        "checks it against the licensing board's record."
    ]
    assert not Group.objects.get(pk=group.pk).requires_verified_licence


@given(post=strategy_for(LicenceDecisionForm()))
@fuzz_settings(20)
def test_fuzz_the_decision(post):
    """Hostile decisions: never a 500; a refused one is shown again and changes nothing."""
    user = UserFactory()
    _change_licence(user)
    post_and_check(client_for(AdminFactory()), _pending(user).get_absolute_url(), post)


def test_every_way_in_asks_for_the_checked_licence():
    group = GroupFactory(membership_policy=MembershipPolicy.OPEN, requires_verified_licence=True)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    newcomer = UserFactory()
    with pytest.raises(GroupActionError, match="asks for a licence PeerCircle has checked"):
        join_group(user=newcomer, group=group, accepted_rules=True)
    _verify(newcomer)
    join_group(user=newcomer, group=group, accepted_rules=True)
    assert group.memberships.filter(user=newcomer).exists()


def test_an_admin_does_not_decide_their_own_licence():
    admin = AdminFactory()
    _change_licence(admin)
    with pytest.raises(ProfileError, match="Another site admin checks your own licence"):
        services.decide_licence_check(actor=admin, check_id=_pending(admin).pk, verified=True)


def test_my_data_holds_my_licence_checks():
    user = UserFactory()
    _change_licence(user, number="LCSW-42", evidence="Look me up")
    rows = export_user_data(user)["licence_checks"]
    assert [(r["licence_number"], r["what_you_gave"], r["status"]) for r in rows] == [
        ("LCSW-42", "Look me up", "pending")
    ]


@pytest.mark.parametrize("count", [1, 20])
def test_check_page_query_count_does_not_grow_with_earlier_checks(
    client, count, django_assert_num_queries
):
    user = UserFactory()
    for n in range(count):
        _change_licence(user, number=f"LCSW-{n}")  # each change withdraws the one before
    client.force_login(AdminFactory())
    with django_assert_num_queries(4):
        response = client.get(_pending(user).get_absolute_url())
    assert len(response.context["history"]) == count - 1
