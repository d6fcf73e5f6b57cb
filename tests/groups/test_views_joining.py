from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from groups.enums import ApplicationStatus, MembershipPolicy, Role, WaitlistStatus
from groups.forms import RULES_LABEL
from groups.models import Application, Group, Membership, WaitlistEntry
from members.models import NotificationPreference
from tests.factories import (
    ApplicationFactory,
    ApplicationQuestionFactory,
    GroupFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _text(response) -> str:
    return " ".join(response.content.decode().split())


# A browser always sends the CSRF token, so a form with nothing ticked is still a bound form.
NOTHING_TICKED = {"csrfmiddlewaretoken": "token"}


def _url(name: str, group: Group) -> str:
    return reverse(f"groups:{name}", args=[group.slug])


@pytest.fixture
def open_group():
    group = GroupFactory(name="Open Circle", capacity=4, eligibility_criteria="Licensed in CO")
    MembershipFactory(group=group, role=Role.ORGANIZER)
    return group


@pytest.fixture
def full_group():
    group = GroupFactory(name="Full Circle", capacity=2)
    MembershipFactory(group=group, role=Role.ORGANIZER)
    MembershipFactory(group=group)
    return group


@pytest.fixture
def closed_group():
    group = GroupFactory(name="Closed Circle", membership_policy=MembershipPolicy.CLOSED)
    MembershipFactory(
        group=group,
        role=Role.ORGANIZER,
        user=UserFactory(email="organizer@example.com"),
    )
    MembershipFactory(
        group=group,
        role=Role.CO_ORGANIZER,
        user=UserFactory(email="co@example.com"),
    )
    MembershipFactory(group=group, user=UserFactory(email="plain@example.com"))
    return group


# --- join ---------------------------------------------------------------------------------


def test_join_page_shows_ground_rules_and_checkbox(client, open_group):
    client.force_login(UserFactory())

    response = client.get(_url("join", open_group))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Confidentiality. What is said in this group stays in this group." in body
    assert RULES_LABEL in body
    assert 'name="accept_rules"' in body
    assert "There are 3 seats left." in _text(response)
    assert "Licensed in CO" in body


def test_join_page_anonymous_redirects_to_login(client, open_group):
    response = client.get(_url("join", open_group))

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={_url('join', open_group)}"


def test_join_without_accepting_rules_shows_error_and_creates_nothing(client, open_group):
    user = UserFactory()
    client.force_login(user)

    response = client.post(_url("join", open_group), NOTHING_TICKED)

    assert response.status_code == 200
    assert response.context["form"].errors["accept_rules"] == [
        "Please read and accept the ground rules to continue."
    ]
    assert not Membership.objects.filter(user=user).exists()
    open_group.refresh_from_db()
    assert open_group.member_count == 1


def test_join_with_accepted_rules_makes_a_member(client, open_group):
    user = UserFactory()
    client.force_login(user)

    response = client.post(_url("join", open_group), {"accept_rules": "on"})

    assert response.status_code == 302
    assert response.url == reverse("groups:welcome", args=[open_group.slug])
    membership = Membership.objects.get(user=user, group=open_group)
    assert membership.role == Role.MEMBER
    assert membership.rules_version == open_group.rules_versions.get(number=1)
    assert membership.rules_accepted_at is not None
    open_group.refresh_from_db()
    assert open_group.member_count == 2
    assert _messages(response) == ["Welcome to Open Circle! You are now a member."]


def test_join_full_group_puts_user_on_waitlist(client, full_group):
    WaitlistEntryFactory(group=full_group)
    user = UserFactory()
    client.force_login(user)

    response = client.post(_url("join", full_group), {"accept_rules": "on"})

    assert response.status_code == 302
    assert not Membership.objects.filter(user=user).exists()
    entry = WaitlistEntry.objects.get(user=user, group=full_group)
    assert entry.status == WaitlistStatus.WAITING
    assert _messages(response) == [
        "Full Circle is full, so you are on its waitlist at position 2. "
        "We will e-mail you when a seat is free."
    ]
    full_group.refresh_from_db()
    assert full_group.member_count == 2


def test_join_closed_group_is_refused(client, closed_group):
    user = UserFactory()
    client.force_login(user)

    response = client.post(_url("join", closed_group), {"accept_rules": "on"})

    assert response.status_code == 302
    assert _messages(response) == [
        "This is a closed group: apply, and an organizer will review your application."
    ]
    assert not Membership.objects.filter(user=user).exists()
    assert not WaitlistEntry.objects.filter(user=user).exists()


def test_join_twice_keeps_one_membership(client, open_group):
    user = UserFactory()
    client.force_login(user)
    client.post(_url("join", open_group), {"accept_rules": "on"}, follow=True)

    response = client.post(_url("join", open_group), {"accept_rules": "on"})

    assert _messages(response) == ["You are already a member of this group."]
    assert Membership.objects.filter(user=user, group=open_group).count() == 1
    open_group.refresh_from_db()
    assert open_group.member_count == 2


# --- leave --------------------------------------------------------------------------------


def test_leave_page_asks_for_confirmation(client, open_group):
    membership = MembershipFactory(group=open_group)
    client.force_login(membership.user)

    response = client.get(_url("leave", open_group))

    assert response.status_code == 200
    assert "Leave Open Circle?" in _text(response)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_leave_post_removes_membership(client, open_group):
    membership = MembershipFactory(group=open_group)
    client.force_login(membership.user)

    response = client.post(_url("leave", open_group))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    open_group.refresh_from_db()
    assert open_group.member_count == 1
    assert _messages(response) == ["You have left Open Circle."]


def test_leave_is_404_for_non_members(client, open_group):
    client.force_login(UserFactory())
    assert client.get(_url("leave", open_group)).status_code == 404
    assert client.post(_url("leave", open_group)).status_code == 404


def test_leave_last_organizer_is_refused(client, open_group):
    organizer = open_group.memberships.get(role=Role.ORGANIZER)
    MembershipFactory(group=open_group)
    client.force_login(organizer.user)
    page = f"http://testserver{_url('leave', open_group)}"

    response = client.post(_url("leave", open_group), HTTP_REFERER=page)

    # Back to the leave page, which says how to hand the role over (config.middleware).
    assert (response.status_code, response.url) == (303, page)
    assert _messages(response) == [
        "A group always keeps at least one organizer: hand the organizer role to another "
        "member first."
    ]
    assert Membership.objects.filter(pk=organizer.pk).exists()
    open_group.refresh_from_db()
    assert open_group.member_count == 2


def test_leave_full_group_offers_seat_to_first_waiting(
    client, full_group, mailoutbox, django_capture_on_commit_callbacks
):
    first = WaitlistEntryFactory(group=full_group, user=UserFactory(email="first@example.com"))
    second = WaitlistEntryFactory(group=full_group)
    member = full_group.memberships.get(role=Role.MEMBER)
    client.force_login(member.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("leave", full_group))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistStatus.OFFERED
    assert first.offer_expires_at - first.offered_at == timedelta(hours=48)
    assert second.status == WaitlistStatus.WAITING
    assert [m.to for m in mailoutbox] == [["first@example.com"]]
    assert mailoutbox[0].subject == "[PeerCircle] A seat is free for you in Full Circle"
    assert f"/groups/{full_group.slug}/" in mailoutbox[0].body


# --- waitlist -----------------------------------------------------------------------------


def test_waitlist_accept_offer_makes_member(client, full_group):
    entry = WaitlistEntryFactory(group=full_group, offered=True)
    full_group.capacity = 3
    full_group.save(update_fields=["capacity"])
    client.force_login(entry.user)

    response = client.post(_url("waitlist_accept", full_group))

    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.ACCEPTED
    assert Membership.objects.get(group=full_group, user=entry.user).role == Role.MEMBER
    full_group.refresh_from_db()
    assert full_group.member_count == 3
    assert _messages(response) == ["Welcome to Full Circle! You are now a member."]


def test_waitlist_decline_offer_passes_to_next(
    client, full_group, mailoutbox, django_capture_on_commit_callbacks
):
    full_group.capacity = 3
    full_group.save(update_fields=["capacity"])
    entry = WaitlistEntryFactory(group=full_group, offered=True)
    nxt = WaitlistEntryFactory(group=full_group, user=UserFactory(email="next@example.com"))
    client.force_login(entry.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("waitlist_decline", full_group))

    entry.refresh_from_db()
    nxt.refresh_from_db()
    assert entry.status == WaitlistStatus.DECLINED
    assert nxt.status == WaitlistStatus.OFFERED
    assert not Membership.objects.filter(user=entry.user).exists()
    assert [m.to for m in mailoutbox] == [["next@example.com"]]
    assert _messages(response) == ["You declined the seat; it goes to the next person."]


def test_waitlist_leave(client, full_group):
    entry = WaitlistEntryFactory(group=full_group)
    client.force_login(entry.user)

    response = client.post(_url("waitlist_leave", full_group))

    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT
    assert entry.resolved_at is not None
    assert _messages(response) == ["You have left the waitlist."]


def test_waitlist_action_without_entry_shows_message(client, full_group):
    client.force_login(UserFactory())

    response = client.post(_url("waitlist_accept", full_group))

    assert _messages(response) == ["You are not on this group's waitlist."]


def test_waitlist_action_get_is_not_allowed(client, full_group):
    entry = WaitlistEntryFactory(group=full_group, offered=True)
    client.force_login(entry.user)

    assert client.get(_url("waitlist_accept", full_group)).status_code == 405
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED


def test_waitlist_accept_expired_offer_is_refused_and_seat_passes_on(
    client, full_group, mailoutbox, django_capture_on_commit_callbacks
):
    full_group.capacity = 3
    full_group.save(update_fields=["capacity"])
    past = timezone.now() - timedelta(hours=1)
    entry = WaitlistEntryFactory(
        group=full_group,
        status=WaitlistStatus.OFFERED,
        offered_at=past - timedelta(hours=48),
        offer_expires_at=past,
    )
    nxt = WaitlistEntryFactory(group=full_group, user=UserFactory(email="next@example.com"))
    client.force_login(entry.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("waitlist_accept", full_group))

    assert _messages(response) == [
        "Sorry, this offer expired, so the seat went to the next person waiting."
    ]
    assert not Membership.objects.filter(user=entry.user).exists()
    entry.refresh_from_db()
    nxt.refresh_from_db()
    assert entry.status == WaitlistStatus.EXPIRED
    assert nxt.status == WaitlistStatus.OFFERED
    assert [m.to for m in mailoutbox] == [["next@example.com"]]


# --- applications -------------------------------------------------------------------------


def _application_data(group, **overrides):
    data = {
        **NOTHING_TICKED,
        "note": "Ten years in community mental health.",
        "consent": "on",
        "accept_rules": "on",
    }
    for question in group.questions.all():
        data[f"question_{question.pk}"] = f"Answer to {question.text}"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_apply_page_shows_the_organizers_questions(client, closed_group):
    ApplicationQuestionFactory(group=closed_group, text="Which populations do you serve?")
    ApplicationQuestionFactory(group=closed_group, text="What do you hope to bring?")
    client.force_login(UserFactory())

    response = client.get(_url("apply", closed_group))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Which populations do you serve?" in body
    assert "What do you hope to bring?" in body
    assert list(response.context["form"].fields)[:2] == [
        f"question_{q.pk}" for q in closed_group.questions.all()
    ]
    assert 'name="consent"' in body
    assert 'name="accept_rules"' in body


def test_apply_missing_required_answer_shows_error_and_saves_nothing(client, closed_group):
    question = ApplicationQuestionFactory(group=closed_group, text="Why this group?")
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        _url("apply", closed_group),
        _application_data(closed_group, **{f"question_{question.pk}": ""}),
    )

    assert response.status_code == 200
    assert response.context["form"].errors[f"question_{question.pk}"] == [
        "This question needs an answer."
    ]
    assert not Application.objects.filter(applicant=user).exists()


def test_apply_optional_question_may_be_left_blank(client, closed_group):
    question = ApplicationQuestionFactory(group=closed_group, text="Anything else?", required=False)
    user = UserFactory()
    client.force_login(user)

    client.post(
        _url("apply", closed_group),
        _application_data(closed_group, **{f"question_{question.pk}": ""}),
    )

    assert Application.objects.get(applicant=user).answers == [
        {"question": "Anything else?", "answer": ""}
    ]


def test_apply_without_consent_shows_error_and_saves_nothing(client, closed_group):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        _url("apply", closed_group), _application_data(closed_group, consent=None)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["consent"] == [
        "The organizers need your profile to review the application. Tick the box to share it."
    ]
    assert not Application.objects.filter(applicant=user).exists()


def test_apply_without_accepting_rules_shows_error_and_saves_nothing(client, closed_group):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        _url("apply", closed_group), _application_data(closed_group, accept_rules=None)
    )

    assert response.context["form"].errors["accept_rules"] == [
        "Please read and accept the ground rules to continue."
    ]
    assert not Application.objects.filter(applicant=user).exists()


def test_apply_valid_creates_pending_application_and_emails_organizers(
    client, closed_group, mailoutbox, django_capture_on_commit_callbacks
):
    first = ApplicationQuestionFactory(group=closed_group, text="Why this group?")
    second = ApplicationQuestionFactory(group=closed_group, text="Your modality?")
    user = UserFactory(profile__display_name="Ada Applicant")
    client.force_login(user)
    # Organizers who chose "each one at once" instead of the default daily digest.
    for membership in closed_group.memberships.all():
        NotificationPreference.objects.create(
            user=membership.user, kind="application_received", digest=False
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("apply", closed_group),
            _application_data(
                closed_group,
                **{f"question_{first.pk}": "  Peer support  ", f"question_{second.pk}": "EMDR"},
            ),
        )

    assert response.status_code == 302
    assert response.url == closed_group.get_absolute_url()
    application = Application.objects.get(applicant=user, group=closed_group)
    assert application.status == ApplicationStatus.PENDING
    assert application.answers == [
        {"question": "Why this group?", "answer": "Peer support"},
        {"question": "Your modality?", "answer": "EMDR"},
    ]
    assert application.note == "Ten years in community mental health."
    assert application.consent_to_share_profile is True
    assert sorted(m.to[0] for m in mailoutbox) == ["co@example.com", "organizer@example.com"]
    assert mailoutbox[0].subject == "[PeerCircle] New application to Closed Circle"
    assert "Ada Applicant has applied to join Closed Circle" in mailoutbox[0].body
    assert reverse("groups:vetting_detail", args=[application.pk]) in mailoutbox[0].body
    assert _messages(response) == [
        "Your application is sent. The organizers will let you know by e-mail."
    ]


def test_apply_again_while_pending_keeps_one_application(client, closed_group):
    application = ApplicationFactory(group=closed_group)
    client.force_login(application.applicant)

    response = client.post(_url("apply", closed_group), _application_data(closed_group))

    assert response.status_code == 302
    assert _messages(response) == ["Your application is already with the organizers."]
    assert Application.objects.filter(applicant=application.applicant).count() == 1


def test_apply_as_member_is_refused(client, closed_group):
    member = closed_group.memberships.get(role=Role.MEMBER).user
    client.force_login(member)

    response = client.post(_url("apply", closed_group), _application_data(closed_group))

    assert _messages(response) == ["You are already a member of this group."]
    assert not Application.objects.filter(applicant=member).exists()


def test_withdraw_application(client, closed_group):
    application = ApplicationFactory(group=closed_group)
    client.force_login(application.applicant)

    response = client.post(_url("withdraw", closed_group))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.decided_at is not None
    assert _messages(response) == ["Your application is withdrawn."]


def test_withdraw_without_pending_application_shows_message(client, closed_group):
    client.force_login(UserFactory())

    response = client.post(_url("withdraw", closed_group))

    assert _messages(response) == ["There is no pending application to withdraw."]


def test_apply_to_open_group_redirects_to_join(client, open_group):
    client.force_login(UserFactory())

    response = client.get(_url("apply", open_group))

    assert response.status_code == 302
    assert response.url == _url("join", open_group)
    assert _messages(response) == ["This group is open: you can join it directly."]


# --- invitations --------------------------------------------------------------------------


def test_invitation_page_shows_group_and_rules(client, closed_group):
    invitation = InvitationFactory(group=closed_group)
    client.force_login(UserFactory())

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 200
    assert response.context["invitation"] == invitation
    body = response.content.decode()
    assert "You're invited to join Closed Circle" in body
    assert RULES_LABEL in body


def test_invitation_accept_makes_member_of_closed_group(client, closed_group):
    invitation = InvitationFactory(group=closed_group)
    user = UserFactory()
    client.force_login(user)

    response = client.post(invitation.get_absolute_url(), {"accept_rules": "on"})

    assert response.status_code == 302
    assert response.url == reverse("groups:welcome", args=[closed_group.slug])
    assert Membership.objects.get(group=closed_group, user=user).role == Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.used_by == user
    closed_group.refresh_from_db()
    assert closed_group.member_count == 4


def test_invitation_without_accepting_rules_shows_error(client, closed_group):
    invitation = InvitationFactory(group=closed_group)
    user = UserFactory()
    client.force_login(user)

    response = client.post(invitation.get_absolute_url(), NOTHING_TICKED)

    assert response.status_code == 200
    assert "accept_rules" in response.context["form"].errors
    assert not Membership.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.used_at is None


def test_invitation_reused_is_404(client, closed_group):
    invitation = InvitationFactory(group=closed_group)
    client.force_login(UserFactory())
    client.post(invitation.get_absolute_url(), {"accept_rules": "on"})
    other = UserFactory()
    client.force_login(other)

    response = client.post(invitation.get_absolute_url(), {"accept_rules": "on"})

    assert response.status_code == 404
    body = _text(response)
    assert "This invitation link no longer works" in body
    assert "has either expired or has already been used" in body
    assert not Membership.objects.filter(user=other).exists()


def test_invitation_expired_is_404(client, closed_group):
    invitation = InvitationFactory(
        group=closed_group, expires_at=timezone.now() - timedelta(minutes=1)
    )
    user = UserFactory()
    client.force_login(user)

    response = client.get(invitation.get_absolute_url())
    post = client.post(invitation.get_absolute_url(), {"accept_rules": "on"})

    assert response.status_code == 404
    assert "This invitation link no longer works" in _text(response)
    assert post.status_code == 404
    assert not Membership.objects.filter(user=user).exists()


def test_invitation_unknown_token_is_404(client):
    client.force_login(UserFactory())

    response = client.get(reverse("groups:invitation", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This invitation link no longer works" in _text(response)
