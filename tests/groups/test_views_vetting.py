import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from groups.enums import ApplicationStatus, MembershipPolicy, Role, WaitlistStatus
from groups.models import Membership, WaitlistEntry
from members.models import AuditEntry
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    GroupFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("groups:vetting_queue")


def _closed_group(name, capacity=8):
    group = GroupFactory(name=name, membership_policy=MembershipPolicy.CLOSED, capacity=capacity)
    organizer = MembershipFactory(group=group, role=Role.ORGANIZER).user
    return group, organizer


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _detail(application) -> str:
    return reverse("groups:vetting_detail", args=[application.pk])


@pytest.fixture
def setup():
    mine, organizer = _closed_group("Mine")
    theirs, _ = _closed_group("Theirs")
    member = MembershipFactory(group=mine).user
    applicant = UserFactory(email="ada@example.com", profile__display_name="Ada Applicant")
    application = ApplicationFactory(
        group=mine,
        applicant=applicant,
        answers=[{"question": "Why this group?", "answer": "Peer support for EMDR work"}],
        note="Happy to host.",
    )
    other = ApplicationFactory(group=theirs, applicant=UserFactory(profile__display_name="Ben"))
    return {
        "mine": mine,
        "theirs": theirs,
        "organizer": organizer,
        "member": member,
        "application": application,
        "other": other,
    }


# --- queue --------------------------------------------------------------------------------


def test_queue_anonymous_redirects_to_login(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={QUEUE}"


def test_queue_shows_pending_applications_of_managed_groups_only(client, setup):
    ApplicationFactory(group=setup["mine"], status=ApplicationStatus.DECLINED)
    ApplicationFactory(group=setup["mine"], status=ApplicationStatus.WITHDRAWN)
    client.force_login(setup["organizer"])

    response = client.get(QUEUE)

    assert response.context["applications"] == [setup["application"]]
    body = _text(response)
    assert "Ada Applicant" in body
    assert "Ben" not in body
    assert f'href="{_detail(setup["application"])}"' in body


def test_queue_co_organizer_sees_the_groups_applications(client, setup):
    co = MembershipFactory(group=setup["mine"], role=Role.CO_ORGANIZER).user
    client.force_login(co)

    response = client.get(QUEUE)

    assert response.context["applications"] == [setup["application"]]


def test_queue_site_admin_sees_every_closed_groups_pending_applications(client, setup):
    client.force_login(AdminFactory(is_superuser=False))

    response = client.get(QUEUE)

    assert response.context["applications"] == [setup["application"], setup["other"]]


def test_queue_ignores_applications_to_groups_that_became_open(client, setup):
    setup["theirs"].membership_policy = MembershipPolicy.OPEN
    setup["theirs"].save(update_fields=["membership_policy"])
    client.force_login(AdminFactory())

    response = client.get(QUEUE)

    assert response.context["applications"] == [setup["application"]]


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_queue_is_empty_for_members_and_outsiders(client, setup, who):
    client.force_login(setup["member"] if who == "member" else UserFactory())

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert response.context["applications"] == []
    body = _text(response)
    assert "No applications are waiting." in body
    assert "Ada Applicant" not in body


# --- detail -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "outsider", "applicant", "other_organizer"])
def test_detail_is_404_to_non_managers(client, setup, who):
    viewer = {
        "member": setup["member"],
        "outsider": UserFactory(),
        "applicant": setup["application"].applicant,
        "other_organizer": setup["theirs"].memberships.get().user,
    }[who]
    client.force_login(viewer)

    get = client.get(_detail(setup["application"]))
    post = client.post(_detail(setup["application"]), {"decision": "approve"})

    assert (get.status_code, post.status_code) == (404, 404)
    setup["application"].refresh_from_db()
    assert setup["application"].status == ApplicationStatus.PENDING


def test_detail_unknown_application_is_404(client, setup):
    client.force_login(setup["organizer"])
    assert client.get(reverse("groups:vetting_detail", args=[999999])).status_code == 404


def test_detail_shows_answers_profile_and_earlier_applications(client, setup):
    application = setup["application"]
    earlier = ApplicationFactory(
        group=setup["mine"],
        applicant=application.applicant,
        status=ApplicationStatus.DECLINED,
        decision_message="Full for now",
    )
    client.force_login(setup["organizer"])

    response = client.get(_detail(application))

    assert response.status_code == 200
    assert response.context["application"] == application
    assert response.context["profile"] == application.applicant.profile
    assert response.context["earlier"] == [earlier]
    body = _text(response)
    assert "Why this group?" in body
    assert "Peer support for EMDR work" in body
    assert "Happy to host." in body
    assert application.applicant.profile.licence_number in body
    assert "Message: Full for now" in body


def test_detail_site_admin_may_open_any_application(client, setup):
    client.force_login(AdminFactory(is_superuser=False))

    response = client.get(_detail(setup["other"]))

    assert response.status_code == 200
    assert response.context["application"] == setup["other"]


# --- decisions ----------------------------------------------------------------------------


def test_approve_makes_member_and_emails_applicant(
    client, setup, mailoutbox, django_capture_on_commit_callbacks
):
    application = setup["application"]
    client.force_login(setup["organizer"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_detail(application), {"decision": "approve", "message": ""})

    assert response.status_code == 302
    assert response.url == QUEUE
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == setup["organizer"]
    assert application.decided_at is not None
    membership = Membership.objects.get(group=setup["mine"], user=application.applicant)
    assert membership.role == Role.MEMBER
    setup["mine"].refresh_from_db()
    assert setup["mine"].member_count == 3
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]
    assert mailoutbox[0].subject == "[PeerCircle] Welcome to Mine"
    assert "was approved: you are now a member" in mailoutbox[0].body
    assert _messages(response) == ["Ada Applicant is now a member."]
    assert AuditEntry.objects.filter(verb="application.approved", group=setup["mine"]).exists()


def test_approve_when_full_puts_applicant_on_waitlist(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    group, organizer = _closed_group("Tiny", capacity=2)
    MembershipFactory(group=group)
    application = ApplicationFactory(
        group=group, applicant=UserFactory(email="ada@example.com", profile__display_name="Ada")
    )
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_detail(application), {"decision": "approve"})

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert not Membership.objects.filter(user=application.applicant).exists()
    entry = WaitlistEntry.objects.get(group=group, user=application.applicant)
    assert entry.status == WaitlistStatus.WAITING
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]
    assert "so you are on its waitlist" in mailoutbox[0].body
    assert _messages(response) == [
        "Approved. The group is full, so Ada is on the waitlist at position 1."
    ]


def test_decline_with_message_keeps_message_and_emails_it(
    client, setup, mailoutbox, django_capture_on_commit_callbacks
):
    application = setup["application"]
    client.force_login(setup["organizer"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _detail(application),
            {"decision": "decline", "message": "  We only admit LMFTs this year.  "},
        )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert application.decision_message == "We only admit LMFTs this year."
    assert not Membership.objects.filter(user=application.applicant).exists()
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]
    assert mailoutbox[0].subject == "[PeerCircle] Your application to Mine"
    assert "decided not to admit you this time" in mailoutbox[0].body
    assert "We only admit LMFTs this year." in mailoutbox[0].body
    entry = AuditEntry.objects.get(verb="application.declined")
    assert entry.data == {"reason": "We only admit LMFTs this year."}
    assert _messages(response) == ["You declined Ada Applicant's application."]


def test_deciding_twice_is_refused(client, setup, mailoutbox, django_capture_on_commit_callbacks):
    application = setup["application"]
    client.force_login(setup["organizer"])
    client.post(_detail(application), {"decision": "approve"}, follow=True)

    page = f"http://testserver{_detail(application)}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _detail(application), {"decision": "decline", "message": "No"}, HTTP_REFERER=page
        )

    # Back to the page the decision was sent from, saying why (config.middleware).
    assert (response.status_code, response.url) == (303, page)
    assert _messages(response) == ["This application was already approved."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decision_message == ""
    assert mailoutbox == []


def test_decided_application_page_shows_the_decision_instead_of_the_form(client, setup):
    application = setup["application"]
    client.force_login(setup["organizer"])
    client.post(_detail(application), {"decision": "decline", "message": "Not now"}, follow=True)

    response = client.get(_detail(application))

    body = _text(response)
    assert "This application was declined" in body
    assert "Message sent: Not now" in body
    assert "Send decision" not in body


def test_decision_without_choice_shows_field_error(client, setup):
    application = setup["application"]
    client.force_login(setup["organizer"])

    response = client.post(_detail(application), {"message": "Hmm"})

    assert response.status_code == 200
    assert response.context["form"].errors["decision"] == ["Choose approve or decline."]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_decision_by_site_admin_is_recorded(client, setup):
    admin = AdminFactory()
    client.force_login(admin)

    client.post(_detail(setup["other"]), {"decision": "decline"})

    setup["other"].refresh_from_db()
    assert setup["other"].status == ApplicationStatus.DECLINED
    assert setup["other"].decided_by == admin


# --- query count --------------------------------------------------------------------------


def _queue_with(count):
    group, organizer = _closed_group("Big", capacity=30)
    for _ in range(count):
        ApplicationFactory(group=group)
    return organizer


def test_queue_query_count_one_application(client, django_assert_num_queries):
    organizer = _queue_with(1)
    client.force_login(organizer)
    with django_assert_num_queries(2):
        response = client.get(QUEUE)
    assert len(response.context["applications"]) == 1


def test_queue_query_count_twenty_applications(client, django_assert_num_queries):
    organizer = _queue_with(20)
    client.force_login(organizer)
    with django_assert_num_queries(2):
        response = client.get(QUEUE)
    assert len(response.context["applications"]) == 20
