import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from groups.enums import MembershipPolicy, Role, WaitlistStatus
from groups.models import ApplicationQuestion, Invitation, Membership
from members.models import AuditEntry
from members.services import record_audit
from tests.factories import (
    AdminFactory,
    ApplicationQuestionFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

PAGES = ["manage_members", "invite", "questions", "audit"]
ADMIN_REFUSAL = "Only the group's organizers can change its members."


@pytest.fixture
def group():
    group = GroupFactory(name="Mile High Consult", membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(
        group=group, role=Role.ORGANIZER, user=UserFactory(profile__display_name="Olga Organizer")
    )
    MembershipFactory(
        group=group, role=Role.CO_ORGANIZER, user=UserFactory(profile__display_name="Cal Co")
    )
    MembershipFactory(
        group=group,
        user=UserFactory(email="mia@example.com", profile__display_name="Mia Member"),
    )
    return group


def _role(group, role):
    return group.memberships.filter(role=role).select_related("user").first()


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _url(name, group, *args):
    return reverse(f"groups:{name}", args=[group.slug, *args])


def _viewer(group, who):
    return {
        "outsider": lambda: UserFactory(),
        "member": lambda: _role(group, Role.MEMBER).user,
        "organizer": lambda: _role(group, Role.ORGANIZER).user,
        "co_organizer": lambda: _role(group, Role.CO_ORGANIZER).user,
        "admin": lambda: AdminFactory(is_superuser=False),
        "superuser": lambda: AdminFactory(),
    }[who]()


# --- who may see the organizer pages ------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_manage_page_anonymous_redirects_to_login(client, group, page):
    response = client.get(_url(page, group))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_url(page, group)}"


@pytest.mark.parametrize("who", ["outsider", "member"])
@pytest.mark.parametrize("page", PAGES)
def test_manage_page_is_404_to_non_managers(client, group, page, who):
    client.force_login(_viewer(group, who))

    assert client.get(_url(page, group)).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_manage_actions_are_404_to_non_managers(client, group, who):
    target = _role(group, Role.MEMBER)
    client.force_login(_viewer(group, who))

    responses = [
        client.post(_url("change_role", group, target.pk), {"role": Role.ORGANIZER}),
        client.post(_url("remove_member", group, target.pk), {"reason": "x"}),
        client.post(_url("hand_over", group, target.pk)),
        client.post(_url("invite", group), {"email": "x@example.com"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    target.refresh_from_db()
    assert target.role == Role.MEMBER
    assert group.memberships.count() == 3
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["organizer", "co_organizer", "admin", "superuser"])
@pytest.mark.parametrize("page", PAGES)
def test_manage_page_is_open_to_managers_and_site_admins(client, group, page, who):
    client.force_login(_viewer(group, who))

    response = client.get(_url(page, group))

    assert response.status_code == 200
    assert response.context["group"] == group


def test_manage_members_lists_members_and_waitlist(client, group):
    waiting = WaitlistEntryFactory(group=group, user=UserFactory(profile__display_name="Wes Wait"))
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.get(_url("manage_members", group))

    assert [m.user.profile.display_name for m in response.context["members"]] == [
        "Olga Organizer",
        "Cal Co",
        "Mia Member",
    ]
    assert response.context["waitlist"] == [waiting]
    body = _text(response)
    # Wes waits for a seat, so one of the five empty seats is his, not a newcomer's.
    assert "3 of 8 seats taken · 4 free · 1 on the waitlist" in body
    assert "Wes Wait" in body
    assert "Make organizer (hand over)" in body


def test_manage_members_site_admin_sees_read_only_notice(client, group):
    client.force_login(AdminFactory())

    response = client.get(_url("manage_members", group))

    assert response.context["membership"] is None
    body = _text(response)
    assert "As a site admin you can look at this page" in body
    assert "Change role" not in body


def test_site_admin_member_actions_are_refused_with_message(client, group):
    target = _role(group, Role.MEMBER)
    client.force_login(AdminFactory())

    responses = [
        client.post(_url("change_role", group, target.pk), {"role": Role.CO_ORGANIZER}),
        client.post(_url("remove_member", group, target.pk), {"reason": "spam"}),
        client.post(_url("hand_over", group, target.pk)),
    ]

    for response in responses:
        assert response.status_code == 302
        assert response.url == _url("manage_members", group)
    assert _messages(responses[-1]) == [ADMIN_REFUSAL, ADMIN_REFUSAL, ADMIN_REFUSAL]
    target.refresh_from_db()
    assert target.role == Role.MEMBER
    assert _role(group, Role.ORGANIZER).user.profile.display_name == "Olga Organizer"
    group.refresh_from_db()
    assert group.member_count == 3


def test_site_admin_invite_is_refused(
    client, group, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(AdminFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("invite", group), {"email": "new@example.com"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Only the group's own organizers can send invitations."
    ]
    body = _text(response)
    assert "only the group's own organizers can send invitations" in body
    assert "Send invitation" not in body
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_site_admin_questions_post_is_refused_with_message(client, group):
    ApplicationQuestionFactory(group=group, text="Original question?")
    client.force_login(AdminFactory())

    page = f"http://testserver{_url('questions', group)}"

    response = client.post(
        _url("questions", group),
        {**_formset(["Replaced by admin?"]), "csrfmiddlewaretoken": "token"},
        HTTP_REFERER=page,
    )

    assert list(group.questions.values_list("text", flat=True)) == ["Original question?"]
    # Like the other organizer actions, the admin is told why nothing was saved, on the page.
    assert (response.status_code, response.url) == (303, page)
    assert _messages(response) == [
        "Only the group's organizers can change its application questions."
    ]


def test_site_admin_questions_page_has_no_save_button(client, group):
    ApplicationQuestionFactory(group=group, text="Original question?")
    client.force_login(AdminFactory())

    body = _text(client.get(_url("questions", group)))

    assert "only the group's organizers change them" in body
    assert "Save questions" not in body


# --- roles --------------------------------------------------------------------------------


def test_change_role_promotes_member_to_co_organizer(client, group):
    organizer = _role(group, Role.ORGANIZER)
    target = _role(group, Role.MEMBER)
    client.force_login(organizer.user)

    response = client.post(_url("change_role", group, target.pk), {"role": Role.CO_ORGANIZER})

    assert response.status_code == 302
    assert response.url == _url("manage_members", group)
    target.refresh_from_db()
    assert target.role == Role.CO_ORGANIZER
    entry = AuditEntry.objects.get(verb="member.role_changed")
    assert (entry.actor, entry.subject, entry.group) == (organizer.user, target.user, group)
    assert entry.data == {"from": "member", "to": "co_organizer"}
    assert _messages(response) == ["Mia Member is now co-organizer."]


def test_change_role_by_co_organizer_demotes_member(client, group):
    co = _role(group, Role.CO_ORGANIZER)
    other_co = MembershipFactory(group=group, role=Role.CO_ORGANIZER)
    client.force_login(co.user)

    client.post(_url("change_role", group, other_co.pk), {"role": Role.MEMBER})

    other_co.refresh_from_db()
    assert other_co.role == Role.MEMBER


def test_change_role_demoting_only_organizer_is_refused(client, group):
    organizer = _role(group, Role.ORGANIZER)
    client.force_login(_role(group, Role.CO_ORGANIZER).user)

    response = client.post(_url("change_role", group, organizer.pk), {"role": Role.MEMBER})

    organizer.refresh_from_db()
    assert organizer.role == Role.ORGANIZER
    assert _messages(response) == [
        "This is the group's only organizer. Make someone else organizer first."
    ]
    assert not AuditEntry.objects.filter(verb="member.role_changed").exists()


def test_change_role_invalid_role_is_refused(client, group):
    target = _role(group, Role.MEMBER)
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.post(_url("change_role", group, target.pk), {"role": "king"})

    target.refresh_from_db()
    assert target.role == Role.MEMBER
    assert _messages(response) == ["Choose member, co-organizer or organizer."]


def test_change_role_of_member_of_another_group_is_refused(client, group):
    stranger = MembershipFactory(group=GroupFactory())
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.post(_url("change_role", group, stranger.pk), {"role": Role.ORGANIZER})

    stranger.refresh_from_db()
    assert stranger.role == Role.MEMBER
    assert _messages(response) == ["That person is no longer a member of this group."]


def test_change_role_get_is_not_allowed(client, group):
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.get(_url("change_role", group, _role(group, Role.MEMBER).pk))

    assert response.status_code == 405


def test_hand_over_swaps_organizer_and_co_organizer(client, group):
    organizer = _role(group, Role.ORGANIZER)
    target = _role(group, Role.MEMBER)
    client.force_login(organizer.user)

    response = client.post(_url("hand_over", group, target.pk))

    organizer.refresh_from_db()
    target.refresh_from_db()
    assert (target.role, organizer.role) == (Role.ORGANIZER, Role.CO_ORGANIZER)
    entry = AuditEntry.objects.get(verb="organizer.handed_over")
    assert (entry.actor, entry.subject) == (organizer.user, target.user)
    assert _messages(response) == ["Mia Member is now the organizer; you stay on as co-organizer."]


def test_hand_over_by_co_organizer_is_refused(client, group):
    co = _role(group, Role.CO_ORGANIZER)
    target = _role(group, Role.MEMBER)
    client.force_login(co.user)

    response = client.post(_url("hand_over", group, target.pk))

    target.refresh_from_db()
    co.refresh_from_db()
    assert (target.role, co.role) == (Role.MEMBER, Role.CO_ORGANIZER)
    assert _messages(response) == [
        "Only an organizer can make someone an organizer or hand the organizer role over."
    ]


# --- removal ------------------------------------------------------------------------------


def test_remove_member_page_asks_for_confirmation(client, group):
    target = _role(group, Role.MEMBER)
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.get(_url("remove_member", group, target.pk))

    assert response.status_code == 200
    assert response.context["target"] == target
    assert "Remove Mia Member from Mile High Consult?" in _text(response)
    assert Membership.objects.filter(pk=target.pk).exists()


def test_remove_member_with_reason(client, group):
    organizer = _role(group, Role.ORGANIZER)
    target = _role(group, Role.MEMBER)
    client.force_login(organizer.user)

    response = client.post(
        _url("remove_member", group, target.pk), {"reason": "  Broke confidentiality.  "}
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=target.pk).exists()
    group.refresh_from_db()
    assert group.member_count == 2
    entry = AuditEntry.objects.get(verb="member.removed")
    assert (entry.actor, entry.subject, entry.group) == (organizer.user, target.user, group)
    assert entry.data == {"reason": "Broke confidentiality."}
    assert _messages(response) == ["Mia Member is no longer a member."]

    client.force_login(target.user)
    assert client.get(_url("leave", group)).status_code == 404


def test_remove_member_offers_the_seat_to_the_waitlist(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    group = GroupFactory(capacity=2)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER)
    target = MembershipFactory(group=group)
    entry = WaitlistEntryFactory(group=group, user=UserFactory(email="waiting@example.com"))
    client.force_login(organizer.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("remove_member", group, target.pk), {"reason": ""})

    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    # The removed member is told; the next in line is offered the seat; the organizer gets nothing.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(["waiting@example.com", target.user.email])
    assert AuditEntry.objects.get(verb="member.removed").data == {}


def test_remove_yourself_is_refused(client, group):
    co = _role(group, Role.CO_ORGANIZER)
    client.force_login(co.user)

    response = client.post(_url("remove_member", group, co.pk), {"reason": ""})

    assert Membership.objects.filter(pk=co.pk).exists()
    assert _messages(response) == ["To leave the group yourself, use “Leave group”."]


def test_remove_only_organizer_is_refused(client, group):
    organizer = _role(group, Role.ORGANIZER)
    client.force_login(_role(group, Role.CO_ORGANIZER).user)

    response = client.post(_url("remove_member", group, organizer.pk), {"reason": ""})

    assert Membership.objects.filter(pk=organizer.pk).exists()
    assert _messages(response) == [
        "A group always keeps at least one organizer: hand the organizer role to another "
        "member first."
    ]


def test_remove_yourself_page_says_so_instead_of_the_form(client, group):
    co = _role(group, Role.CO_ORGANIZER)
    client.force_login(co.user)

    response = client.get(_url("remove_member", group, co.pk))

    assert (response.status_code, response.url) == (302, _url("manage_members", group))
    assert _messages(response) == ["To leave the group yourself, use “Leave group”."]


def test_site_admin_remove_page_says_why_instead_of_the_form(client, group):
    client.force_login(AdminFactory())

    response = client.get(_url("remove_member", group, _role(group, Role.MEMBER).pk))

    assert (response.status_code, response.url) == (302, _url("manage_members", group))
    assert _messages(response) == [ADMIN_REFUSAL]


def test_remove_unknown_membership_shows_message(client, group):
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.get(_url("remove_member", group, 999999))

    assert response.status_code == 302
    assert _messages(response) == ["That person is no longer a member of this group."]


# --- invitations --------------------------------------------------------------------------


def test_invite_by_email_sends_link_and_creates_invitation(
    client, group, mailoutbox, django_capture_on_commit_callbacks
):
    organizer = _role(group, Role.ORGANIZER)
    client.force_login(organizer.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("invite", group), {"email": "  New.Colleague@Example.com "})

    assert response.status_code == 302
    assert response.url == _url("invite", group)
    invitation = Invitation.objects.get(group=group)
    assert invitation.email == "new.colleague@example.com"
    assert invitation.invited_by == organizer.user
    assert invitation.used_at is None
    assert [m.to for m in mailoutbox] == [["new.colleague@example.com"]]
    assert (
        mailoutbox[0].subject
        == "[PeerCircle] You are invited to join Mile High Consult on PeerCircle"
    )
    assert f"/groups/invitations/{invitation.token}/" in mailoutbox[0].body
    assert "Olga Organizer invites you to join Mile High Consult" in mailoutbox[0].body
    assert _messages(response) == ["Invitation sent to new.colleague@example.com."]


def test_invite_lists_sent_invitations(client, group):
    client.force_login(_role(group, Role.CO_ORGANIZER).user)
    client.post(_url("invite", group), {"email": "someone@example.com"})

    response = client.get(_url("invite", group))

    assert [i.email for i in response.context["invitations"]] == ["someone@example.com"]
    assert "someone@example.com" in _text(response)


def test_invite_invalid_email_shows_field_error(client, group, mailoutbox):
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.post(_url("invite", group), {"email": "not-an-address"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Enter an e-mail address like name@example.com."
    ]
    assert not Invitation.objects.exists()


def test_invite_existing_member_shows_field_error(client, group):
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.post(_url("invite", group), {"email": "MIA@example.com"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "mia@example.com is already a member of this group."
    ]
    assert not Invitation.objects.exists()


# --- application questions ----------------------------------------------------------------


def _formset(rows, required=None):
    data = {
        "q-TOTAL_FORMS": str(len(rows)),
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "1000",
    }
    for i, text in enumerate(rows):
        data[f"q-{i}-text"] = text
        if required is None or required[i]:
            data[f"q-{i}-required"] = "on"
    return data


def test_questions_are_saved_in_order(client, group):
    ApplicationQuestionFactory(group=group, text="Old question?")
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.post(
        _url("questions", group),
        _formset(
            ["Why this group?", "", "What is your modality?", "Anything else?"],
            required=[True, False, True, False],
        ),
    )

    assert response.status_code == 302
    assert response.url == _url("questions", group)
    assert list(
        ApplicationQuestion.objects.filter(group=group).values_list("text", "required", "position")
    ) == [
        ("Why this group?", True, 0),
        ("What is your modality?", True, 1),
        ("Anything else?", False, 2),
    ]
    assert AuditEntry.objects.get(verb="group.questions_changed").data == {"count": 3}
    assert _messages(response) == ["The application questions are saved."]


def test_questions_page_shows_saved_questions(client, group):
    ApplicationQuestionFactory(group=group, text="First?", position=0)
    ApplicationQuestionFactory(group=group, text="Second?", position=1, required=False)
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.get(_url("questions", group))

    assert [f.initial for f in response.context["formset"].initial_forms] == [
        {"text": "First?", "required": True},
        {"text": "Second?", "required": False},
    ]


def test_questions_too_many_rows_is_refused(client, group):
    client.force_login(_role(group, Role.ORGANIZER).user)

    response = client.post(_url("questions", group), _formset([f"Q{i}?" for i in range(13)]))

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == ["Please submit at most 12 forms."]
    assert not ApplicationQuestion.objects.filter(group=group).exists()


# --- audit log ----------------------------------------------------------------------------


def test_audit_lists_entries_for_that_group_only(client, group):
    organizer = _role(group, Role.ORGANIZER)
    target = _role(group, Role.MEMBER)
    record_audit(
        actor=organizer.user,
        verb="member.removed",
        subject=target.user,
        group=group,
        data={"reason": "Missed every meeting"},
    )
    record_audit(
        actor=organizer.user,
        verb="member.role_changed",
        subject=target.user,
        group=group,
        data={"from": "member", "to": "co_organizer"},
    )
    record_audit(actor=None, verb="member.removed", group=GroupFactory(), data={"reason": "Other"})
    client.force_login(organizer.user)

    response = client.get(_url("audit", group))

    entries = list(response.context["page"].object_list)
    assert [e.verb for e in entries] == ["member.role_changed", "member.removed"]
    assert {e.group for e in entries} == {group}
    body = _text(response)
    assert "Reason: Missed every meeting" in body
    assert 'Member <span aria-hidden="true">→</span>' in body
    assert "Reason: Other" not in body


def test_audit_empty_log(client):
    group = GroupFactory()
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER)
    client.force_login(organizer.user)

    response = client.get(_url("audit", group))

    assert list(response.context["page"].object_list) == []
    assert "Nothing has been recorded yet." in _text(response)
