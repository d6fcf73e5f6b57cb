"""The consultation pages: the list, asking, one request with its replies, replying and editing
one's reply. Members only: 404 to outsiders, former members and site admins."""

import zoneinfo
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from config.guard import CONFIRM_SUFFIX
from consultations.enums import RequestStatus, Urgency
from consultations.models import ConsultationReply, ConsultationRequest
from groups.models import GroundRulesVersion
from groups.services.membership import leave_group
from meetings.enums import MeetingStatus
from members.models import AuditEntry, Delivery
from tests.consultations.factories import ConsultationReplyFactory, ConsultationRequestFactory
from tests.factories import AdminFactory, ApplicationFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTION = "How do I respond when a client keeps asking for extra sessions?"
REPLY = "Have you tried a written agreement about contact between sessions?"
IDENTIFYING = "Jane Smith, DOB 03/04/1980, MRN 123456"
VALID = {
    "question": QUESTION,
    "background": "Client A, in therapy for a year, asks for extra sessions every week.",
    "tried": "Naming the pattern in session.",
    "help_wanted": ["ideas", "ethics"],
    "urgency": Urgency.SOON,
}


def _url(name, group, *args):
    return reverse(f"consultations:{name}", args=[group.slug, *args])


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def request_(group, asker):
    return ConsultationRequestFactory(group=group, asker=asker, question=QUESTION)


@pytest.fixture
def reply(request_, mia):
    return ConsultationReplyFactory(request=request_, author=mia, body=REPLY)


def _all_urls(group, request_, reply) -> list[tuple[str, str]]:
    return [
        ("get", _url("list", group)),
        ("get", _url("new", group)),
        ("post", _url("new", group)),
        ("get", _url("detail", group, request_.pk)),
        ("post", _url("reply", group, request_.pk)),
        ("get", _url("edit_reply", group, request_.pk, reply.pk)),
        ("post", _url("edit_reply", group, request_.pk, reply.pk)),
        ("get", _url("close", group, request_.pk)),
        ("post", _url("close", group, request_.pk)),
        ("get", _url("huddle", group, request_.pk)),
        ("post", _url("huddle", group, request_.pk)),
    ]


# --- who may open the pages ----------------------------------------------------------------------


def test_every_page_sends_anonymous_visitors_to_sign_in(client, group, request_, reply):
    for method, url in _all_urls(group, request_, reply):
        response = getattr(client, method)(url, {"body": "x", "question": "x"})
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["outsider", "applicant", "site_admin", "former_member"])
def test_every_page_is_404_to_non_members_and_changes_nothing(
    client, group, request_, reply, mia, who
):
    viewer = {
        "outsider": UserFactory,
        "applicant": lambda: ApplicationFactory(group=group).applicant,
        "site_admin": AdminFactory,
    }.get(who, lambda: mia)()
    if who == "former_member":
        leave_group(user=mia, group=group)
    client.force_login(viewer)

    for method, url in _all_urls(group, request_, reply):
        response = getattr(client, method)(url, {**VALID, "body": REPLY})
        assert response.status_code == 404, url

    assert ConsultationRequest.objects.count() == 1
    assert list(ConsultationReply.objects.values_list("body", flat=True)) == [REPLY]
    request_.refresh_from_db()
    assert (request_.status, request_.huddle) == (RequestStatus.OPEN, None)


def test_a_request_of_another_group_is_404(client, group, mia):
    elsewhere = ConsultationRequestFactory()
    client.force_login(mia)

    assert client.get(_url("detail", group, elsewhere.pk)).status_code == 404
    assert client.get(_url("detail", group, 987654)).status_code == 404


def test_a_member_with_new_ground_rules_is_sent_to_accept_them(client, group, request_, mia):
    GroundRulesVersion.objects.create(group=group, number=2, text="New rules.")
    client.force_login(mia)

    response = client.get(_url("detail", group, request_.pk))

    assert response.status_code == 302
    assert response.url.startswith(reverse("groups:accept_rules", args=[group.slug]))


# --- the list ------------------------------------------------------------------------------------


def test_list_shows_open_requests_first_urgent_first_then_answered(client, group, asker, mia):
    now = timezone.now()

    def make(question, minutes_ago, **fields):
        return ConsultationRequestFactory(
            group=group,
            asker=asker,
            question=question,
            created_at=now - timedelta(minutes=minutes_ago),
            **fields,
        )

    make("Answered lately", 1, status=RequestStatus.ANSWERED, answered_at=now)
    make("Routine newest", 2)
    make("Urgent older", 30, urgency=Urgency.URGENT)
    make("Soon", 10, urgency=Urgency.SOON)
    make("Urgent newer", 20, urgency=Urgency.URGENT)
    make("Expired urgent", 3, urgency=Urgency.URGENT, expires_at=now - timedelta(minutes=1))
    make("Answered long ago", 60, status=RequestStatus.ANSWERED, answered_at=now)
    client.force_login(mia)

    response = client.get(_url("list", group))

    assert [r.question for r in response.context["page"].object_list] == [
        "Urgent newer",
        "Urgent older",
        "Soon",
        "Routine newest",
        "Answered lately",
        "Expired urgent",
        "Answered long ago",
    ]
    text = _text(response)
    assert "7 requests" in text
    assert "A consultation request whose details were removed" in text
    assert "Expired urgent" not in text


def test_list_counts_replies_and_shows_a_huddle(client, group, request_, mia, max_):
    ConsultationReplyFactory(request=request_, author=mia)
    ConsultationReplyFactory(request=request_, author=max_)
    huddle = MeetingFactory(group=group, title="Consultation huddle")
    ConsultationRequest.objects.filter(pk=request_.pk).update(huddle=huddle)
    client.force_login(mia)

    response = client.get(_url("list", group))

    (listed,) = response.context["page"].object_list
    assert listed.reply_count == 2
    assert "2 replies" in _text(response)
    local = huddle.starts_at.astimezone(zoneinfo.ZoneInfo(mia.profile.time_zone))
    assert f'· huddle on <time datetime="{local.isoformat()}">' in _text(response)


def test_list_leaves_out_a_cancelled_huddle(client, group, request_, mia):
    huddle = MeetingFactory(group=group, status=MeetingStatus.CANCELLED)
    ConsultationRequest.objects.filter(pk=request_.pk).update(huddle=huddle)
    client.force_login(mia)

    assert "huddle on" not in _text(client.get(_url("list", group)))


def test_list_when_empty_invites_a_first_request(client, group, mia):
    client.force_login(mia)

    response = client.get(_url("list", group))

    assert list(response.context["page"].object_list) == []
    assert "No consultation requests yet" in _text(response)
    assert f'href="{_url("new", group)}"' in response.content.decode()


def test_list_paginates_by_twenty(client, group, asker, mia):
    for n in range(23):
        ConsultationRequestFactory(group=group, asker=asker, question=f"Question {n:02d}")
    client.force_login(mia)

    first = client.get(_url("list", group))
    second = client.get(_url("list", group), {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3
    assert 'href="?page=2"' in first.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_list_query_count_does_not_grow(
    client, group, asker, mia, count, django_assert_num_queries
):
    for n in range(count):
        request = ConsultationRequestFactory(group=group, asker=asker, question=f"Q{n}")
        ConsultationReplyFactory(request=request, author=mia)
    client.force_login(mia)

    with django_assert_num_queries(4):
        response = client.get(_url("list", group))

    assert len(response.context["page"].object_list) == count


# --- asking --------------------------------------------------------------------------------------


def test_new_request_page_shows_the_case_format(client, group, mia):
    client.force_login(mia)

    response = client.get(_url("new", group))

    text = _text(response)
    assert "Ask Mile High Consult for a consultation" in text
    assert "Your question first" in text
    assert response.context["form"]["urgency"].initial == Urgency.ROUTINE


def test_new_request_valid_saves_it_and_goes_to_its_page(client, group, asker):
    client.force_login(asker)

    response = client.post(_url("new", group), VALID)

    request = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert response.url == request.get_absolute_url()
    assert (request.asker, request.question, request.urgency, request.help_wanted) == (
        asker,
        QUESTION,
        Urgency.SOON,
        ["ideas", "ethics"],
    )
    assert _messages(response) == [
        "Your request is with the group. Colleagues are told you asked, never what: they read "
        "it here."
    ]
    assert Delivery.objects.filter(template="consultation_requested").count() == 3


def test_new_request_without_a_question_shows_the_error_and_saves_nothing(client, group, asker):
    client.force_login(asker)

    response = client.post(_url("new", group), {**VALID, "question": "", "urgency": "whenever"})

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["question", "urgency"]
    assert response.context["form"].errors["question"] == [
        "Say what you want from the group: it comes first."
    ]
    assert "Say what you want from the group: it comes first." in _text(response)
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize("field", ["question", "background", "tried"])
def test_new_request_with_an_identifier_is_refused_beside_the_field(client, group, asker, field):
    client.force_login(asker)

    response = client.post(_url("new", group), {**VALID, field: IDENTIFYING})

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert form.errors[field][0].startswith("This may identify a client: “Jane Smith” (name)")
    assert f'name="{field}{CONFIRM_SUFFIX}"' in response.content.decode()
    assert "<mark" in response.content.decode()
    assert not ConsultationRequest.objects.exists()
    assert not Delivery.objects.exists()


def test_new_request_confirmed_identifiers_are_saved_and_recorded_without_the_text(
    client, group, asker
):
    client.force_login(asker)
    first = client.post(_url("new", group), {**VALID, "background": IDENTIFYING})
    keys = [f.key for f in first.context["form"].guard_findings["background"]]

    response = client.post(
        _url("new", group),
        {**VALID, "background": IDENTIFYING, f"background{CONFIRM_SUFFIX}": keys},
    )

    assert response.status_code == 302
    assert ConsultationRequest.objects.get().background == IDENTIFYING
    entry = AuditEntry.objects.get(verb="text.identifiers_confirmed")
    assert (entry.actor, entry.data["in"], entry.data["confirmed_findings"]) == (
        asker,
        "consultation request",
        3,
    )
    assert "Jane" not in str(entry.data)


# --- one request and its replies -----------------------------------------------------------------


def test_detail_shows_the_request_the_replies_and_the_reply_form(client, group, request_, reply):
    ConsultationRequest.objects.filter(pk=request_.pk).update(help_wanted=["ideas", "referral"])
    client.force_login(reply.author)

    response = client.get(_url("detail", group, request_.pk))

    assert response.context["consultation"] == request_
    assert response.context["replies"] == [reply]
    text = _text(response)
    assert QUESTION in text
    assert "Client A, in therapy for a year" in text
    assert "Ideas for what to try" in text and "Referral suggestions" in text
    assert REPLY in text
    assert "1 reply" in text
    assert "Post reply" in text
    assert _url("edit_reply", group, request_.pk, reply.pk) in response.content.decode()
    assert _url("close", group, request_.pk) not in response.content.decode()
    assert _url("huddle", group, request_.pk) not in response.content.decode()


def test_detail_offers_the_asker_to_close_and_call_a_huddle(client, group, request_, reply, asker):
    client.force_login(asker)

    html = client.get(_url("detail", group, request_.pk)).content.decode()

    assert _url("close", group, request_.pk) in html
    assert _url("huddle", group, request_.pk) in html
    assert _url("edit_reply", group, request_.pk, reply.pk) not in html


def test_detail_offers_no_huddle_while_one_is_in_progress(client, group, request_, asker):
    now = timezone.now()
    huddle = MeetingFactory(
        group=group, starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=20)
    )
    ConsultationRequest.objects.filter(pk=request_.pk).update(huddle=huddle)
    client.force_login(asker)

    html = client.get(_url("detail", group, request_.pk)).content.decode()

    assert huddle.get_absolute_url() in html
    assert _url("huddle", group, request_.pk) not in html


def test_detail_offers_an_organizer_a_huddle_but_not_closing(client, group, request_, organizer):
    client.force_login(organizer)

    html = client.get(_url("detail", group, request_.pk)).content.decode()

    assert _url("huddle", group, request_.pk) in html
    assert _url("close", group, request_.pk) not in html


def test_detail_of_an_expired_request_says_so_and_shows_no_text(client, group, request_, reply):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        question="", background="", tried="", purged_at=timezone.now()
    )
    ConsultationReply.objects.update(body="")
    client.force_login(reply.author)

    response = client.get(_url("detail", group, request_.pk))

    text = _text(response)
    assert "This request has expired" in text
    assert "This reply was removed with the request's details." in text
    assert "Post reply" not in text
    assert "Edit" not in text


def test_detail_of_a_request_past_expiry_not_yet_purged_hides_the_text(
    client, group, request_, mia
):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(mia)

    text = _text(client.get(_url("detail", group, request_.pk)))

    assert "This request has expired" in text
    assert QUESTION not in text


def test_detail_of_an_erased_request_keeps_the_replies(client, group, request_, reply):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        question="", background="", tried="", erased_at=timezone.now()
    )
    client.force_login(reply.author)

    text = _text(client.get(_url("detail", group, request_.pk)))

    assert "This request was removed" in text
    assert REPLY in text
    assert "Post reply" not in text


def test_detail_of_an_answered_request_shows_the_thanks(client, group, request_, reply, asker):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    request_.thanks.create(member=reply.author)
    client.force_login(asker)

    text = _text(client.get(_url("detail", group, request_.pk)))

    assert "Answered" in text
    assert "Dana Asker thanked Mia Member for their help." in text
    assert "Post reply" not in text
    assert "Close as answered" not in text


@pytest.mark.parametrize("count", [1, 20])
def test_detail_query_count_does_not_grow(
    client, group, request_, mia, max_, count, django_assert_num_queries
):
    for n in range(count):
        ConsultationReplyFactory(request=request_, author=mia if n % 2 else max_)
    client.force_login(mia)

    with django_assert_num_queries(5):
        response = client.get(_url("detail", group, request_.pk))

    assert len(response.context["replies"]) == count


# --- replying ------------------------------------------------------------------------------------


def test_reply_posts_it_and_goes_back_to_it(client, group, request_, mia, asker):
    client.force_login(mia)

    response = client.post(_url("reply", group, request_.pk), {"body": REPLY})

    reply = ConsultationReply.objects.get()
    assert response.status_code == 302
    assert response.url == f"{request_.get_absolute_url()}#reply-{reply.pk}"
    assert (reply.author, reply.body) == (mia, REPLY)
    assert _messages(response) == ["Thank you: your reply is posted."]
    assert list(Delivery.objects.values_list("email", flat=True)) == [asker.email]


def test_reply_empty_shows_the_error_on_the_request_page(client, group, request_, mia):
    client.force_login(mia)

    response = client.post(_url("reply", group, request_.pk), {"body": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors == {"body": ["Write your reply first."]}
    assert QUESTION in _text(response)
    assert not ConsultationReply.objects.exists()


def test_reply_with_an_identifier_is_refused_beside_the_field(client, group, request_, mia):
    client.force_login(mia)

    response = client.post(_url("reply", group, request_.pk), {"body": IDENTIFYING})

    assert response.status_code == 200
    assert response.context["form"].errors["body"][0].startswith("This may identify a client")
    assert f'name="body{CONFIRM_SUFFIX}"' in response.content.decode()
    assert not ConsultationReply.objects.exists()
    assert not Delivery.objects.exists()


def test_reply_confirmed_is_posted_and_recorded(client, group, request_, mia):
    client.force_login(mia)
    first = client.post(_url("reply", group, request_.pk), {"body": IDENTIFYING})
    keys = [f.key for f in first.context["form"].guard_findings["body"]]

    response = client.post(
        _url("reply", group, request_.pk), {"body": IDENTIFYING, f"body{CONFIRM_SUFFIX}": keys}
    )

    assert response.status_code == 302
    assert ConsultationReply.objects.get().body == IDENTIFYING
    entry = AuditEntry.objects.get(verb="text.identifiers_confirmed")
    assert entry.data["in"] == "consultation reply"


def test_reply_to_a_closed_request_is_refused_with_the_reason(client, group, request_, mia):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    client.force_login(mia)

    response = client.post(_url("reply", group, request_.pk), {"body": REPLY})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This request is closed: the colleague who asked marked it as answered."
    ]
    assert not ConsultationReply.objects.exists()


def test_reply_is_post_only(client, group, request_, mia):
    client.force_login(mia)

    assert client.get(_url("reply", group, request_.pk)).status_code == 405


# --- editing one's reply -------------------------------------------------------------------------


def test_edit_reply_page_shows_the_reply(client, group, request_, reply):
    client.force_login(reply.author)

    response = client.get(_url("edit_reply", group, request_.pk, reply.pk))

    assert response.context["form"]["body"].value() == REPLY
    assert "Edit your reply" in _text(response)


def test_edit_reply_saves_and_goes_back_to_it(client, group, request_, reply):
    client.force_login(reply.author)

    response = client.post(
        _url("edit_reply", group, request_.pk, reply.pk), {"body": "A better idea."}
    )

    assert response.status_code == 302
    assert response.url == f"{request_.get_absolute_url()}#reply-{reply.pk}"
    reply.refresh_from_db()
    assert (reply.body, reply.edited_at is not None) == ("A better idea.", True)
    assert _messages(response) == ["Your reply is updated."]


@pytest.mark.parametrize("who", ["asker", "organizer", "max"])
def test_edit_someone_elses_reply_is_404(
    client, group, request_, reply, asker, organizer, max_, who
):
    client.force_login({"asker": asker, "organizer": organizer, "max": max_}[who])

    response = client.post(_url("edit_reply", group, request_.pk, reply.pk), {"body": "Mine now."})

    assert response.status_code == 404
    reply.refresh_from_db()
    assert reply.body == REPLY


def test_edit_a_reply_of_another_request_is_404(client, group, request_, asker, mia):
    other = ConsultationRequestFactory(group=group, asker=asker)
    theirs = ConsultationReplyFactory(request=other, author=mia)
    client.force_login(mia)

    assert client.get(_url("edit_reply", group, request_.pk, theirs.pk)).status_code == 404


def test_edit_reply_with_an_identifier_is_refused_beside_the_field(client, group, request_, reply):
    client.force_login(reply.author)

    response = client.post(_url("edit_reply", group, request_.pk, reply.pk), {"body": IDENTIFYING})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body"]
    reply.refresh_from_db()
    assert reply.body == REPLY


def test_edit_reply_on_a_closed_request_is_refused_with_the_reason(client, group, request_, reply):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    client.force_login(reply.author)

    response = client.post(_url("edit_reply", group, request_.pk, reply.pk), {"body": "Later."})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This request is closed: the colleague who asked marked it as answered."
    ]
    reply.refresh_from_db()
    assert reply.body == REPLY
