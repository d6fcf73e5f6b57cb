"""The consultations services: asking, replying, editing, closing with thanks, the purge of
expired text and the erasure of an author's text. Every refusal leaves the state unchanged."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.errors import NotAllowed
from config.guard import scan_fields
from consultations import services
from consultations.enums import RequestStatus, Urgency
from consultations.models import ConsultationReply, ConsultationRequest, ConsultationThanks
from consultations.services import ConsultationError, IdentifiersInText
from groups.services.membership import leave_group
from members.models import AuditEntry, Delivery
from tests.consultations.factories import ConsultationReplyFactory, ConsultationRequestFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTION = "How do I respond when a client keeps asking for extra sessions?"
BACKGROUND = "Client A, in therapy for a year, asks for extra sessions every week."
TRIED = "Naming the pattern in session."
REPLY = "Have you tried a written agreement about contact between sessions?"
IDENTIFYING = "Jane Smith, DOB 03/04/1980, MRN 123456"


def _ask(actor, group, **fields):
    data = {"question": QUESTION, "background": BACKGROUND, "tried": TRIED, **fields}
    return services.ask_for_consultation(actor=actor, group=group, **data)


def _deliveries(template: str) -> list[tuple[str, str]]:
    return sorted(Delivery.objects.filter(template=template).values_list("email", "dedupe_key"))


def _emails(*users) -> list[str]:
    return sorted(user.email for user in users)


def _keys(text: str, field: str) -> set[str]:
    return {finding.key for finding in scan_fields({field: text}, [field])}


# --- asking ------------------------------------------------------------------------------------


def test_ask_saves_the_request_in_the_case_format(group, asker):
    before = timezone.now()

    request = _ask(
        asker,
        group,
        help_wanted=["ethics", "ideas", "nonsense"],
        urgency=Urgency.URGENT,
        question=f"  {QUESTION}  ",
    )

    request.refresh_from_db()
    assert (request.group, request.asker, request.question, request.background, request.tried) == (
        group,
        asker,
        QUESTION,
        BACKGROUND,
        TRIED,
    )
    assert request.help_wanted == ["ideas", "ethics"]
    assert (request.urgency, request.status, request.answered_at) == (
        Urgency.URGENT,
        RequestStatus.OPEN,
        None,
    )
    assert request.expires_at == request.created_at + timedelta(days=30)
    assert request.created_at >= before
    entry = AuditEntry.objects.get(verb="consultation.requested")
    assert (entry.actor, entry.group, entry.object_id) == (asker, group, str(request.pk))
    assert entry.data == {"urgency": "urgent", "help_wanted": ["ideas", "ethics"]}


def test_ask_in_a_group_that_keeps_cases_never_expires(group, asker):
    group.case_retention_days = 0
    group.save(update_fields=["case_retention_days"])

    assert _ask(asker, group).expires_at is None


def test_ask_tells_every_other_member_once(group, asker, organizer, mia, max_):
    _ask(asker, group)

    assert _deliveries("consultation_requested") == [
        (email, "") for email in _emails(organizer, mia, max_)
    ]
    assert set(Delivery.objects.values_list("kind", flat=True)) == {"consultation"}


@pytest.mark.parametrize("who", ["outsider", "former_member"])
def test_ask_refuses_non_members_and_saves_nothing(group, asker, who):
    actor = UserFactory()
    if who == "former_member":
        actor = asker
        leave_group(user=asker, group=group)

    with pytest.raises(NotAllowed) as refused:
        _ask(actor, group)

    assert str(refused.value) == "Only members of the group can ask it for a consultation."
    assert not ConsultationRequest.objects.exists()
    assert not Delivery.objects.filter(template="consultation_requested").exists()


def test_ask_refuses_an_empty_question(group, asker):
    with pytest.raises(ValidationError) as refused:
        _ask(asker, group, question="   ")

    assert refused.value.message_dict == {"question": ["This cannot be empty."]}
    assert not ConsultationRequest.objects.exists()


def test_ask_refuses_a_text_over_its_length(group, asker):
    with pytest.raises(ValidationError) as refused:
        _ask(asker, group, tried="x" * 3001)

    assert refused.value.message_dict == {"tried": ["At most 3000 characters, please."]}
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize("field", ["question", "background", "tried"])
def test_ask_refuses_identifiers_until_each_is_confirmed(group, asker, field):
    with pytest.raises(IdentifiersInText) as refused:
        _ask(asker, group, **{field: IDENTIFYING})

    assert {(f.field, f.kind) for f in refused.value.findings} == {
        (field, "name"),
        (field, "date"),
        (field, "record_number"),
    }
    assert not ConsultationRequest.objects.exists()
    assert not Delivery.objects.exists()

    request = _ask(asker, group, **{field: IDENTIFYING}, confirmed=_keys(IDENTIFYING, field))

    assert getattr(request, field) == IDENTIFYING


# --- replying ----------------------------------------------------------------------------------


@pytest.fixture
def request_(group, asker):
    return _ask(asker, group)


def test_reply_saves_it_and_tells_the_asker(group, request_, asker, mia):
    reply = services.reply_to_request(actor=mia, request_id=request_.pk, body=f" {REPLY} ")

    assert (reply.request, reply.author, reply.body, reply.edited_at) == (
        request_,
        mia,
        REPLY,
        None,
    )
    hour = reply.created_at.strftime("%Y-%m-%dT%H")
    assert _deliveries("consultation_reply") == [(asker.email, f"reply@{hour}")]
    entry = AuditEntry.objects.get(verb="consultation.replied")
    assert (entry.actor, entry.group, entry.object_id, entry.data) == (
        mia,
        group,
        str(reply.pk),
        {},
    )


def test_replies_in_the_same_hour_email_the_asker_once(request_, asker, mia, max_):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.reply_to_request(actor=max_, request_id=request_.pk, body=REPLY)

    assert [email for email, _ in _deliveries("consultation_reply")] == [asker.email]
    assert ConsultationReply.objects.count() == 2


def test_replies_in_another_hour_email_the_asker_again(request_, asker, mia):
    first = services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    ConsultationReply.objects.filter(pk=first.pk).update(
        created_at=first.created_at - timedelta(hours=2)
    )
    Delivery.objects.filter(template="consultation_reply").update(dedupe_key="reply@earlier")

    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)

    assert Delivery.objects.filter(template="consultation_reply").count() == 2


def test_the_askers_own_reply_emails_nobody(request_, asker):
    services.reply_to_request(actor=asker, request_id=request_.pk, body=REPLY)

    assert _deliveries("consultation_reply") == []
    assert ConsultationReply.objects.get().author == asker


def test_reply_refuses_outsiders(request_):
    with pytest.raises(NotAllowed) as refused:
        services.reply_to_request(actor=UserFactory(), request_id=request_.pk, body=REPLY)

    assert str(refused.value) == "Only members of the group can reply to its consultation requests."
    assert not ConsultationReply.objects.exists()


def test_reply_refuses_former_members(group, request_, mia):
    leave_group(user=mia, group=group)

    with pytest.raises(NotAllowed):
        services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)

    assert not ConsultationReply.objects.exists()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("answered", "This request is closed: the colleague who asked marked it as answered."),
        ("expired", "This request has expired: its details were removed, as the group asked."),
        ("purged", "This request has expired: its details were removed, as the group asked."),
        ("erased", "The colleague who asked has removed this request."),
    ],
)
def test_reply_refuses_a_request_that_takes_no_more_replies(request_, mia, state, message):
    now = timezone.now()
    change = {
        "answered": {"status": RequestStatus.ANSWERED, "answered_at": now},
        "expired": {"expires_at": now - timedelta(minutes=1)},
        "purged": {"purged_at": now},
        "erased": {"erased_at": now},
    }[state]
    ConsultationRequest.objects.filter(pk=request_.pk).update(**change)

    with pytest.raises(ConsultationError) as refused:
        services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)

    assert str(refused.value) == message
    assert not ConsultationReply.objects.exists()
    assert not Delivery.objects.filter(template="consultation_reply").exists()


def test_reply_to_a_request_that_is_gone(mia):
    with pytest.raises(ConsultationError) as refused:
        services.reply_to_request(actor=mia, request_id=987654, body=REPLY)

    assert str(refused.value) == "That consultation request no longer exists."


def test_reply_refuses_an_empty_body(request_, mia):
    with pytest.raises(ValidationError) as refused:
        services.reply_to_request(actor=mia, request_id=request_.pk, body="  ")

    assert refused.value.message_dict == {"body": ["This cannot be empty."]}
    assert not ConsultationReply.objects.exists()


def test_reply_refuses_identifiers_until_confirmed(request_, mia):
    with pytest.raises(IdentifiersInText):
        services.reply_to_request(actor=mia, request_id=request_.pk, body=IDENTIFYING)
    assert not ConsultationReply.objects.exists()

    reply = services.reply_to_request(
        actor=mia, request_id=request_.pk, body=IDENTIFYING, confirmed=_keys(IDENTIFYING, "body")
    )

    assert reply.body == IDENTIFYING


# --- editing one's reply -------------------------------------------------------------------------


@pytest.fixture
def reply(request_, mia):
    return services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)


def test_edit_reply_changes_it_in_place(group, reply, mia):
    Delivery.objects.all().delete()

    edited = services.edit_reply(actor=mia, reply_id=reply.pk, body="A better idea, on reflection.")

    edited.refresh_from_db()
    assert (edited.pk, edited.body) == (reply.pk, "A better idea, on reflection.")
    assert edited.edited_at is not None
    entry = AuditEntry.objects.get(verb="consultation.reply_edited")
    assert (entry.actor, entry.group, entry.object_id) == (mia, group, str(reply.pk))
    assert not Delivery.objects.exists()


def test_edit_reply_with_the_same_text_changes_nothing(reply, mia):
    services.edit_reply(actor=mia, reply_id=reply.pk, body=REPLY)

    reply.refresh_from_db()
    assert reply.edited_at is None
    assert not AuditEntry.objects.filter(verb="consultation.reply_edited").exists()


@pytest.mark.parametrize("who", ["asker", "organizer", "outsider"])
def test_edit_reply_refuses_anyone_but_its_author(reply, asker, organizer, who):
    actor = {"asker": asker, "organizer": organizer, "outsider": UserFactory()}[who]

    with pytest.raises(NotAllowed) as refused:
        services.edit_reply(actor=actor, reply_id=reply.pk, body="Changed by someone else.")

    assert str(refused.value) == "Only the colleague who wrote this reply can change it."
    reply.refresh_from_db()
    assert (reply.body, reply.edited_at) == (REPLY, None)


def test_edit_reply_refuses_the_author_once_they_left(group, reply, mia):
    leave_group(user=mia, group=group)

    with pytest.raises(NotAllowed):
        services.edit_reply(actor=mia, reply_id=reply.pk, body="Changed after leaving.")

    reply.refresh_from_db()
    assert reply.body == REPLY


def test_edit_reply_refuses_on_a_closed_request(request_, reply, mia):
    ConsultationRequest.objects.filter(pk=request_.pk).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )

    with pytest.raises(ConsultationError):
        services.edit_reply(actor=mia, reply_id=reply.pk, body="Changed after closing.")

    reply.refresh_from_db()
    assert reply.body == REPLY


def test_edit_reply_refuses_identifiers(reply, mia):
    with pytest.raises(IdentifiersInText):
        services.edit_reply(actor=mia, reply_id=reply.pk, body=IDENTIFYING)

    reply.refresh_from_db()
    assert reply.body == REPLY


def test_edit_reply_that_is_gone(mia):
    with pytest.raises(ConsultationError) as refused:
        services.edit_reply(actor=mia, reply_id=987654, body=REPLY)

    assert str(refused.value) == "That reply no longer exists."


# --- closing with thanks -------------------------------------------------------------------------


def test_close_marks_it_answered_and_thanks_the_chosen_repliers(
    group, request_, asker, mia, max_, organizer
):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.reply_to_request(actor=max_, request_id=request_.pk, body=REPLY)
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)

    closed = services.close_request(actor=asker, request_id=request_.pk, thanked_ids=[mia.pk])

    closed.refresh_from_db()
    assert closed.status == RequestStatus.ANSWERED
    assert closed.answered_at is not None
    assert list(ConsultationThanks.objects.values_list("member", flat=True)) == [mia.pk]
    assert _deliveries("consultation_thanks") == [(mia.email, "")]
    entry = AuditEntry.objects.get(verb="consultation.closed")
    assert (entry.actor, entry.group, entry.data) == (asker, group, {"thanked": 1})


def test_close_without_thanks_emails_nobody(request_, asker):
    services.close_request(actor=asker, request_id=request_.pk)

    request_.refresh_from_db()
    assert request_.status == RequestStatus.ANSWERED
    assert not ConsultationThanks.objects.exists()
    assert not Delivery.objects.filter(template="consultation_thanks").exists()


@pytest.mark.parametrize("who", ["mia", "organizer", "outsider"])
def test_close_refuses_anyone_but_the_asker(request_, mia, organizer, who):
    actor = {"mia": mia, "organizer": organizer, "outsider": UserFactory()}[who]

    with pytest.raises(NotAllowed) as refused:
        services.close_request(actor=actor, request_id=request_.pk)

    assert str(refused.value) == "Only the colleague who asked can close this request."
    request_.refresh_from_db()
    assert (request_.status, request_.answered_at) == (RequestStatus.OPEN, None)


@pytest.mark.parametrize("who", ["max", "asker", "outsider"])
def test_close_refuses_thanks_to_someone_who_did_not_reply(request_, asker, mia, max_, who):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.reply_to_request(actor=asker, request_id=request_.pk, body=REPLY)
    thanked = {"max": max_, "asker": asker, "outsider": UserFactory()}[who]

    with pytest.raises(ConsultationError) as refused:
        services.close_request(
            actor=asker, request_id=request_.pk, thanked_ids=[mia.pk, thanked.pk]
        )

    assert str(refused.value) == "You can thank only colleagues who replied to this request."
    request_.refresh_from_db()
    assert request_.status == RequestStatus.OPEN
    assert not ConsultationThanks.objects.exists()
    assert not Delivery.objects.filter(template="consultation_thanks").exists()


def test_close_twice_is_refused_and_thanks_nobody_again(request_, asker, mia):
    services.reply_to_request(actor=mia, request_id=request_.pk, body=REPLY)
    services.close_request(actor=asker, request_id=request_.pk, thanked_ids=[mia.pk])

    with pytest.raises(ConsultationError):
        services.close_request(actor=asker, request_id=request_.pk, thanked_ids=[mia.pk])

    assert ConsultationThanks.objects.count() == 1
    assert Delivery.objects.filter(template="consultation_thanks").count() == 1
    assert AuditEntry.objects.filter(verb="consultation.closed").count() == 1


# --- expiry --------------------------------------------------------------------------------------


def test_purge_blanks_expired_requests_and_their_replies(group, asker, mia):
    now = timezone.now()
    expired = ConsultationRequestFactory(group=group, asker=asker, expires_at=now)
    kept = ConsultationRequestFactory(group=group, asker=asker, expires_at=now + timedelta(days=1))
    forever = ConsultationRequestFactory(group=group, asker=asker, expires_at=None)
    old_reply = ConsultationReplyFactory(request=expired, author=mia)
    live_reply = ConsultationReplyFactory(request=kept, author=mia)

    assert services.purge_expired_consultations(now=now) == 1

    expired.refresh_from_db()
    assert (expired.question, expired.background, expired.tried, expired.help_wanted) == (
        "",
        "",
        "",
        [],
    )
    assert expired.purged_at == now
    assert (expired.asker, expired.status) == (asker, RequestStatus.OPEN)
    old_reply.refresh_from_db()
    assert (old_reply.body, old_reply.author) == ("", mia)
    kept.refresh_from_db()
    forever.refresh_from_db()
    live_reply.refresh_from_db()
    assert (kept.purged_at, forever.purged_at) == (None, None)
    assert kept.question and forever.question and live_reply.body


def test_purge_is_safe_to_rerun(group, asker):
    now = timezone.now()
    request = ConsultationRequestFactory(group=group, asker=asker, expires_at=now)
    services.purge_expired_consultations(now=now)

    assert services.purge_expired_consultations(now=now + timedelta(hours=1)) == 0
    request.refresh_from_db()
    assert request.purged_at == now


def test_purge_with_nothing_due_returns_zero(group, asker):
    ConsultationRequestFactory(group=group, asker=asker, expires_at=None)

    assert services.purge_expired_consultations() == 0


# --- erasing an author ---------------------------------------------------------------------------


def test_erase_author_blanks_their_requests_and_removes_their_replies(group, asker, mia, max_):
    theirs = ConsultationRequestFactory(group=group, asker=asker)
    others = ConsultationRequestFactory(group=group, asker=mia)
    reply_to_theirs = ConsultationReplyFactory(request=theirs, author=mia)
    ConsultationReplyFactory(request=others, author=asker)
    ConsultationReplyFactory(request=theirs, author=asker)
    kept_reply = ConsultationReplyFactory(request=others, author=max_)
    ConsultationThanks.objects.create(request=others, member=asker)

    counts = services.erase_author(user=asker)

    assert counts == {"requests": 1, "replies": 2, "thanks": 1}
    theirs.refresh_from_db()
    assert (theirs.question, theirs.background, theirs.tried, theirs.help_wanted) == (
        "",
        "",
        "",
        [],
    )
    assert theirs.erased_at is not None
    assert set(ConsultationReply.objects.values_list("pk", flat=True)) == {
        reply_to_theirs.pk,
        kept_reply.pk,
    }
    others.refresh_from_db()
    assert others.question.startswith("How do I hold the boundary")
    entry = AuditEntry.objects.get(verb="consultation.author_erased")
    assert (entry.actor, entry.subject, entry.data) == (None, asker, {"requests": 1, "replies": 2})


def test_erase_author_twice_changes_nothing_more(group, asker):
    ConsultationRequestFactory(group=group, asker=asker)
    services.erase_author(user=asker)

    assert services.erase_author(user=asker) == {"requests": 0, "replies": 0, "thanks": 0}


def test_a_member_of_two_groups_asks_each_separately(group, asker):
    other = MembershipFactory(user=asker).group

    _ask(asker, group)
    _ask(asker, other)

    assert sorted(ConsultationRequest.objects.values_list("group", flat=True)) == sorted(
        [group.pk, other.pk]
    )


def test_names_in_admin_lists_and_logs_never_show_what_was_written(group, asker, mia):
    request = ConsultationRequestFactory(group=group, asker=asker, question=QUESTION)
    reply = ConsultationReplyFactory(request=request, author=mia, body=REPLY)
    thanks = ConsultationThanks.objects.create(request=request, member=mia)

    assert str(request) == f"Consultation request #{request.pk} (open)"
    assert str(reply) == f"Reply #{reply.pk} to consultation request #{request.pk}"
    assert str(thanks) == f"Thanks on consultation request #{request.pk} to Mia Member"
