"""Case content belongs to its author: whoever takes a slot over starts blank, and the author
keeps what they wrote as a private draft (seam 2 of issue 12)."""

import html
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db.models import RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from hypothesis import given
from hypothesis import strategies as st

from members.models import AuditEntry
from presentations import services
from presentations.enums import PresentationStatus
from presentations.forms import CaseForm, DiscardDraftForm
from presentations.models import CaseDraft, Presentation, RecognitionFlag, RotationDecline
from presentations.services.cases import purge_expired_drafts, release_presentation_content
from tests.factories import AdminFactory, MembershipFactory, UserFactory
from tests.presentations.conftest import slots
from tests.support.fuzz import (
    client_for,
    fuzz_settings,
    nasty,
    post_and_check,
    restore,
    strategy_for,
)

pytestmark = pytest.mark.django_db

QUESTION = "How do I re-engage a client who avoids the grief work?"
SECRET = "Client A keeps missing sessions after the divorce; stuck on the grief work."
TRIED = "Psychoeducation, ACT values work, a slower pace."
CASE = {
    "case_question": QUESTION,
    "case_background": SECRET,
    "case_tried": TRIED,
    "case_help_wanted": ["ideas", "ethics"],
}
BLANK = ("", "", "", [], [], None)


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _content(presentation) -> tuple:
    presentation.refresh_from_db()
    return (
        presentation.case_question,
        presentation.case_background,
        presentation.case_tried,
        presentation.case_help_wanted,
        presentation.case_confirmed_findings,
        presentation.case_saved_at,
    )


def _draft(user) -> tuple:
    draft = CaseDraft.objects.get(author=user)
    return (
        draft.kind,
        draft.case_question,
        draft.case_background,
        draft.case_tried,
        draft.case_help_wanted,
    )


@pytest.fixture
def written(meeting, members):
    """members[0] holds the first case slot and has written the case; members[2] flagged it."""
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    services.save_case(user=members[0], presentation_id=presentation.pk, data=CASE)
    services.flag_recognition(user=members[2], presentation_id=presentation.pk)
    presentation.refresh_from_db()
    return presentation


def _swap_to(presentation, user_from, user_to):
    offer = services.offer_swap(
        user=user_from,
        meeting=presentation.meeting,
        role="presenter",
        to_user_id=user_to.pk,
        presentation=presentation,
    )
    return services.answer_swap(user=user_to, offer_id=offer.pk, accept=True)


# --- every path that changes the presenter ------------------------------------------------------


def test_swap_accepted_new_presenter_starts_blank(written, members):
    _swap_to(written, members[0], members[1])

    assert _content(written) == BLANK
    assert written.presenter_id == members[1].pk
    assert list(RecognitionFlag.objects.filter(presentation=written)) == []


def test_swap_accepted_author_keeps_the_case_as_a_draft(written, members, meeting):
    _swap_to(written, members[0], members[1])

    assert _draft(members[0]) == ("case", QUESTION, SECRET, TRIED, ["ideas", "ethics"])
    draft = CaseDraft.objects.get()
    assert (draft.group_id, draft.source_meeting_id, draft.reason) == (
        meeting.group_id,
        meeting.pk,
        "swap",
    )
    assert CaseDraft.objects.filter(author=members[1]).count() == 0


def test_swap_accepted_new_presenter_page_shows_no_old_case(client, written, members):
    _swap_to(written, members[0], members[1])
    client.force_login(members[1])

    text = _text(client.get(reverse("presentations:detail", args=[written.pk])))

    assert QUESTION not in text
    assert SECRET not in text
    assert "A member has said they may know this client" not in text


def test_assign_over_a_holder_keeps_the_old_case_as_their_draft(
    written, members, organizer, meeting
):
    services.assign_slot(actor=organizer, segment_id=written.segment_id, user_id=members[3].pk)

    presentation = Presentation.objects.get(segment_id=written.segment_id)
    assert presentation.presenter_id == members[3].pk
    assert _content(presentation) == BLANK
    assert _draft(members[0]) == ("case", QUESTION, SECRET, TRIED, ["ideas", "ethics"])
    assert CaseDraft.objects.get().reason == "assigned_elsewhere"
    assert RecognitionFlag.objects.count() == 0


def test_assign_the_same_holder_again_keeps_their_case(written, members, organizer):
    with pytest.raises(services.PresentationError, match="already holds this slot"):
        services.assign_slot(actor=organizer, segment_id=written.segment_id, user_id=members[0].pk)

    assert _content(written)[:4] == (QUESTION, SECRET, TRIED, ["ideas", "ethics"])
    assert CaseDraft.objects.count() == 0


def test_unassign_keeps_the_case_as_the_authors_draft(written, members, organizer):
    services.unassign_slot(actor=organizer, segment_id=written.segment_id)

    assert Presentation.objects.count() == 0
    assert _draft(members[0]) == ("case", QUESTION, SECRET, TRIED, ["ideas", "ethics"])
    assert CaseDraft.objects.get().reason == "unassigned"
    entry = AuditEntry.objects.get(verb="slot.unassigned")
    assert (entry.subject_id, entry.data) == (members[0].pk, {"kept_as_draft": True})


def test_withdraw_keeps_the_case_as_a_draft(written, members):
    services.withdraw_from_slot(user=members[0], presentation_id=written.pk)

    assert _draft(members[0]) == ("case", QUESTION, SECRET, TRIED, ["ideas", "ethics"])
    assert CaseDraft.objects.get().reason == "withdrawn"


def test_rotation_invitation_passed_on_keeps_what_was_written(meeting, members, organizer):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)[0]
    author = invited.presenter
    services.save_case(user=author, presentation_id=invited.pk, data=CASE)

    services.decline_rotation_invitation(user=author, presentation_id=invited.pk)

    assert _draft(author) == ("case", QUESTION, SECRET, TRIED, ["ideas", "ethics"])
    assert CaseDraft.objects.get().reason == "passed_on"
    successor = Presentation.objects.get(segment_id=invited.segment_id)
    assert successor.presenter_id != author.pk
    assert _content(successor) == BLANK


def test_rotation_invitation_expired_keeps_what_was_written(meeting, members, organizer):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)[0]
    author = invited.presenter
    services.save_case(user=author, presentation_id=invited.pk, data=CASE)

    services.expire_rotation_invitations(now=timezone.now() + timedelta(hours=49))

    assert _draft(author) == ("case", QUESTION, SECRET, TRIED, ["ideas", "ethics"])
    assert RotationDecline.objects.filter(user=author).count() == 1


def test_topic_content_is_kept_as_a_topic_draft(meeting, members, organizer):
    topic = services.claim_slot(user=members[1], segment_id=slots(meeting, "topic")[0].pk)
    services.save_topic(
        user=members[1],
        presentation_id=topic.pk,
        title="Billing insurers",
        summary="What works",
        links=["https://example.org/a"],
    )

    services.unassign_slot(actor=organizer, segment_id=topic.segment_id)

    draft = CaseDraft.objects.get(author=members[1])
    assert (draft.kind, draft.topic_title, draft.topic_summary, draft.topic_links) == (
        "topic",
        "Billing insurers",
        "What works",
        ["https://example.org/a"],
    )


def test_nothing_written_leaves_no_draft(meeting, members, organizer):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting)[0].pk)

    services.unassign_slot(actor=organizer, segment_id=presentation.segment_id)

    assert CaseDraft.objects.count() == 0
    assert AuditEntry.objects.get(verb="slot.unassigned").data == {"kept_as_draft": False}


def test_release_clears_content_flags_and_confirmations(written, members):
    written.case_confirmed_findings = [{"field": "case_background", "kind": "date"}]
    written.save(update_fields=["case_confirmed_findings"])

    draft = release_presentation_content(presentation=written, reason="swap")

    assert _content(written) == BLANK
    assert RecognitionFlag.objects.count() == 0
    assert draft.case_confirmed_findings == [{"field": "case_background", "kind": "date"}]
    assert str(draft) == f"Draft #{draft.pk} (case presentation)"


def test_a_bare_segment_delete_is_refused_while_a_presentation_holds_it(written):
    with pytest.raises(RestrictedError):
        written.segment.delete()

    assert Presentation.objects.filter(pk=written.pk).exists()


def test_deleting_the_whole_meeting_still_removes_its_presentations(written, meeting):
    meeting.delete()

    assert Presentation.objects.count() == 0


# --- the author's drafts --------------------------------------------------------------------------


@pytest.fixture
def draft(written, members, organizer):
    services.unassign_slot(actor=organizer, segment_id=written.segment_id)
    return CaseDraft.objects.get(author=members[0])


def test_drafts_page_lists_the_authors_drafts(client, draft, members, meeting):
    client.force_login(members[0])

    response = client.get(reverse("presentations:drafts"))

    assert list(response.context["drafts"]) == [draft]
    text = _text(response)
    assert QUESTION in text
    assert meeting.group.name in text


def test_drafts_page_many_drafts_in_constant_queries(
    client, draft, members, meeting, django_assert_num_queries
):
    for _ in range(3):
        CaseDraft.objects.create(
            author=members[0], group=meeting.group, kind="case", case_question="Q", reason="swap"
        )
    client.force_login(members[0])
    client.get(reverse("presentations:drafts"))

    with django_assert_num_queries(1):  # the drafts (the user and profile: from the cache)
        response = client.get(reverse("presentations:drafts"))

    assert len(response.context["drafts"]) == 4


def test_drafts_page_one_draft_in_constant_queries(
    client, draft, members, django_assert_num_queries
):
    client.force_login(members[0])
    client.get(reverse("presentations:drafts"))

    with django_assert_num_queries(1):  # the drafts (the user and profile: from the cache)
        response = client.get(reverse("presentations:drafts"))

    assert len(response.context["drafts"]) == 1


@pytest.mark.parametrize("who", ["colleague", "organizer", "outsider"])
def test_a_draft_is_404_to_anyone_but_its_author(client, draft, members, organizer, who):
    viewer = {"colleague": members[1], "organizer": organizer, "outsider": UserFactory()}[who]
    client.force_login(viewer)

    assert client.get(reverse("presentations:draft", args=[draft.pk])).status_code == 404
    assert client.get(reverse("presentations:discard_draft", args=[draft.pk])).status_code == 404
    assert client.post(reverse("presentations:discard_draft", args=[draft.pk])).status_code == 404
    assert QUESTION not in _text(client.get(reverse("presentations:drafts")))
    assert CaseDraft.objects.filter(pk=draft.pk).exists()
    client.force_login(draft.author)  # while its author sees it
    assert QUESTION in _text(client.get(reverse("presentations:draft", args=[draft.pk])))


def test_draft_discard_asks_first_then_deletes(client, draft, members):
    client.force_login(members[0])
    url = reverse("presentations:discard_draft", args=[draft.pk])

    page = client.get(url)
    assert "Discard this draft for good?" in _text(page)
    assert CaseDraft.objects.filter(pk=draft.pk).exists()

    response = client.post(url, {"confirm": "yes"})
    assert response.url == reverse("presentations:drafts")
    assert CaseDraft.objects.count() == 0
    assert _messages(response) == ["The draft is discarded."]


def test_draft_discard_without_the_confirmation_changes_nothing(client, draft, members):
    client.force_login(members[0])

    response = client.post(reverse("presentations:discard_draft", args=[draft.pk]), {})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirm": ["Tick the box to confirm you want to discard this draft."]
    }
    assert CaseDraft.objects.filter(pk=draft.pk).exists()


def test_start_a_case_from_a_draft_copies_it_in(client, draft, members, meeting, organizer):
    slot = services.assign_slot(
        actor=organizer, segment_id=slots(meeting, "case")[1].pk, user_id=members[0].pk
    )
    client.force_login(members[0])
    url = reverse("presentations:detail", args=[slot.pk])

    page = client.get(url)
    assert list(page.context["drafts"]) == [draft]
    filled = client.get(url, {"draft": draft.pk})
    assert filled.context["form"].initial["case_question"] == QUESTION
    assert filled.context["from_draft"] == draft

    data = {**CASE, "draft": str(draft.pk)}
    response = client.post(url, data)
    assert response.status_code == 302
    assert _content(slot)[:3] == (QUESTION, SECRET, TRIED)
    assert CaseDraft.objects.count() == 0  # used up


def test_start_from_someone_elses_draft_is_ignored(client, draft, members, meeting, organizer):
    slot = services.assign_slot(
        actor=organizer, segment_id=slots(meeting, "case")[1].pk, user_id=members[1].pk
    )
    client.force_login(members[1])

    filled = client.get(reverse("presentations:detail", args=[slot.pk]), {"draft": draft.pk})

    assert filled.context["form"].initial["case_question"] == ""
    assert QUESTION not in _text(filled)


def test_drafts_expire_with_the_groups_case_retention(draft, meeting):
    meeting.group.case_retention_days = 7
    meeting.group.save(update_fields=["case_retention_days"])

    assert purge_expired_drafts(now=timezone.now() + timedelta(days=6)) == 0
    assert purge_expired_drafts(now=timezone.now() + timedelta(days=8)) == 1
    assert CaseDraft.objects.count() == 0


def test_drafts_are_kept_when_the_group_keeps_cases(draft, meeting):
    meeting.group.case_retention_days = 0
    meeting.group.save(update_fields=["case_retention_days"])

    assert purge_expired_drafts(now=timezone.now() + timedelta(days=800)) == 0
    assert CaseDraft.objects.count() == 1


def test_admin_shows_no_draft_content(client, draft):
    client.force_login(AdminFactory())

    listing = _text(client.get(reverse("admin:presentations_casedraft_changelist")))
    detail = _text(client.get(reverse("admin:presentations_casedraft_change", args=[draft.pk])))

    assert f"Draft #{draft.pk}" in listing
    for text in (listing, detail):
        assert QUESTION not in text
        assert SECRET not in text


def test_no_email_carries_case_content(
    written, members, organizer, mailoutbox, django_capture_on_commit_callbacks
):
    for action in (
        lambda: _swap_to(written, members[0], members[1]),
        lambda: services.assign_slot(
            actor=organizer, segment_id=written.segment_id, user_id=members[3].pk
        ),
        lambda: services.unassign_slot(actor=organizer, segment_id=written.segment_id),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            action()

    assert len(mailoutbox) == 3  # off and on at the assignment, off again (the offer was answered)
    for message in mailoutbox:
        body = message.body + "".join(str(a[0]) for a in message.alternatives)
        assert QUESTION not in body
        assert SECRET not in body


def test_new_member_of_group_cannot_see_a_draft_of_a_former_slot(client, draft, meeting):
    newcomer = MembershipFactory(group=meeting.group).user
    client.force_login(newcomer)

    assert client.get(reverse("presentations:draft", args=[draft.pk])).status_code == 404


def test_invited_presentation_is_still_invited_after_unrelated_release(meeting, organizer):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)[0]
    release_presentation_content(presentation=invited, reason="swap")
    invited.refresh_from_db()
    assert invited.status == PresentationStatus.INVITED


# --- hostile input -----------------------------------------------------------------------------

FUZZ = fuzz_settings(20)


@FUZZ
@given(post=st.data())
def test_fuzz_discard_draft(post, draft, members):
    data = post.draw(strategy_for(DiscardDraftForm()))
    response, _, _ = post_and_check(
        client_for(members[0]), reverse("presentations:discard_draft", args=[draft.pk]), data
    )
    if response.status_code == 302:
        assert not CaseDraft.objects.filter(pk=draft.pk).exists()
        draft.save(force_insert=True)


@FUZZ
@given(post=st.data())
def test_fuzz_case_save_from_a_draft(post, draft, members, meeting, organizer):
    slot = Presentation.objects.filter(segment=slots(meeting, "case")[1]).first()
    if slot is None:
        slot = services.assign_slot(
            actor=organizer, segment_id=slots(meeting, "case")[1].pk, user_id=members[0].pk
        )
    data = post.draw(strategy_for(CaseForm()))
    data["draft"] = post.draw(st.one_of(nasty, st.just(str(draft.pk))))
    response, _, _ = post_and_check(
        client_for(members[0]), reverse("presentations:detail", args=[slot.pk]), data, rows=[slot]
    )
    if response.status_code == 302:
        restore(slot)
        if not CaseDraft.objects.filter(pk=draft.pk).exists():
            draft.save(force_insert=True)
