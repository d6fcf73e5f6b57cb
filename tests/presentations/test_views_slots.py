"""The run of show on the meeting page, and its POST actions: slots, swaps, rotation, facilitation."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups.enums import Role
from meetings.models import AgendaSegment, Meeting
from presentations.enums import PresentationStatus, SwapRole, SwapStatus
from presentations.models import Presentation, RotationDecline, SwapOffer
from tests.factories import MembershipFactory, UserFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _detail(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _actions(response) -> set[str]:
    return set(re.findall(r'action="([^"]+)"', response.content.decode()))


def _url(name, meeting, *args) -> str:
    return reverse(f"presentations:{name}", args=[meeting.pk, *args])


def _holders(meeting) -> list[tuple]:
    return list(
        Presentation.objects.filter(meeting=meeting)
        .order_by("segment__position")
        .values_list("segment_id", "presenter_id", "status")
    )


def _hold(segment, user, **kwargs) -> Presentation:
    return Presentation.objects.create(
        segment=segment, meeting=segment.meeting, presenter=user, **kwargs
    )


def _invite(segment, user) -> Presentation:
    return _hold(
        segment,
        user,
        status=PresentationStatus.INVITED,
        invited_until=timezone.now() + timedelta(hours=48),
    )


# --- the run of show on the meeting page ------------------------------------------------------


def test_meeting_page_agenda_rows_carry_the_slot_holder(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[0])
    client.force_login(members[1])

    response = client.get(_detail(meeting))

    assert [
        (row["segment"].kind, row["is_slot"], row["presentation"] and row["presentation"].presenter)
        for row in response.context["agenda"]
    ] == [
        ("check_in", False, None),
        ("case", True, members[0]),
        ("case", True, None),
        ("topic", True, None),
        ("wrap_up", False, None),
    ]


def test_meeting_page_member_sees_sign_up_for_open_slots_while_sign_up_is_open(
    client, meeting, members
):
    client.force_login(members[0])

    response = client.get(_detail(meeting))

    assert response.context["signup"] == "open"
    claims = {a for a in _actions(response) if a.endswith("/claim/")}
    assert claims == {_url("claim", meeting, s.pk) for s in slots(meeting)}
    assert _text(response).count("Sign up for") == 3


def test_meeting_page_after_cutoff_shows_no_sign_up(client, meeting, members):
    start = timezone.now() + timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=1)
    )
    client.force_login(members[0])

    response = client.get(_detail(meeting))

    assert response.context["signup"] == "closed"
    assert {a for a in _actions(response) if a.endswith("/claim/")} == set()
    assert "Sign-up has closed." in _text(response)


def test_meeting_page_claimed_slot_shows_presenter_name(client, meeting, members):
    case1, case2 = slots(meeting, "case")
    _hold(case1, members[0])
    client.force_login(members[1])

    response = client.get(_detail(meeting))

    assert f"Case presentation 20 min {members[0]}" in _text(response)
    claims = {a for a in _actions(response) if a.endswith("/claim/")}
    assert claims == {_url("claim", meeting, s.pk) for s in (case2, slots(meeting, "topic")[0])}


def test_meeting_page_presenter_sees_give_up_and_swap_for_own_slot(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[0])
    client.force_login(members[0])

    response = client.get(_detail(meeting))

    assert [row["segment"] for row in response.context["my_slots"]] == [case1]
    assert _url("withdraw", meeting, case1.pk) in _actions(response)
    assert _url("offer_swap_presenter", meeting) in _actions(response)


def test_meeting_page_organizer_sees_slot_controls(client, meeting, organizer, members):
    case1, case2 = slots(meeting, "case")
    _hold(case1, members[0])
    client.force_login(organizer)

    response = client.get(_detail(meeting))

    actions = _actions(response)
    segments = list(meeting.segments.order_by("position"))
    assert {_url("move_up", meeting, s.pk) for s in segments} <= actions
    assert {_url("move_down", meeting, s.pk) for s in segments} <= actions
    assert _url("unassign", meeting, case1.pk) in actions
    assert {a for a in actions if a.endswith("/assign/") and "/unassign/" not in a} == {
        _url("assign", meeting, s.pk) for s in (case2, slots(meeting, "topic")[0])
    }
    assert _url("fill_from_queue", meeting) in actions
    assert _url("rotate", meeting) in actions
    text = _text(response)
    assert "Fill open slots from the rotation" in text
    assert "Assign facilitators by rotation" in text


def test_meeting_page_plain_member_sees_no_organizer_controls(client, meeting, organizer, members):
    _hold(slots(meeting, "case")[0], members[1])
    client.force_login(members[0])

    response = client.get(_detail(meeting))

    assert "assign_form" not in response.context
    assert "facilitator_form" not in response.context
    assert [
        a
        for a in _actions(response)
        if re.search(r"/(assign|unassign|up|down|rotation|facilitator|rotate)/$", a)
    ] == []
    text = _text(response)
    assert "Fill open slots from the rotation" not in text
    assert "Assign facilitators by rotation" not in text
    assert "Unassign" not in text


@pytest.mark.parametrize("claimed", [1, 6])
def test_meeting_page_query_count_does_not_grow_with_claimed_slots(
    client, group, meeting, organizer, claimed, django_assert_num_queries
):
    for position in range(5, 8):
        AgendaSegment.objects.create(meeting=meeting, position=position, kind="case", minutes=5)
    presenters = [MembershipFactory(group=group).user for _ in range(6)]
    for segment, presenter in list(zip(slots(meeting), presenters, strict=True))[:claimed]:
        _hold(segment, presenter)
    client.force_login(organizer)

    with django_assert_num_queries(9):
        response = client.get(_detail(meeting))

    holders = [row["presentation"] for row in response.context["agenda"] if row["presentation"]]
    assert [p.presenter for p in holders] == presenters[:claimed]


# --- claiming and giving up a slot ------------------------------------------------------------


def test_claim_open_slot_creates_presentation(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    client.force_login(members[0])

    response = client.post(_url("claim", meeting, case1.pk))

    assert response.status_code == 302
    assert response.url == _detail(meeting)
    assert _holders(meeting) == [(case1.pk, members[0].pk, "confirmed")]
    assert _messages(response) == [
        "The “Case presentation” slot is yours. Write your case from the agenda below."
    ]


def test_claim_taken_slot_is_refused(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[1])
    client.force_login(members[0])

    response = client.post(_url("claim", meeting, case1.pk))

    assert response.url == _detail(meeting)
    assert _holders(meeting) == [(case1.pk, members[1].pk, "confirmed")]
    assert _messages(response) == ["Someone has just taken this slot. Choose another one."]


def test_claim_outsider_is_404(client, meeting):
    client.force_login(UserFactory())

    response = client.post(_url("claim", meeting, slots(meeting)[0].pk))

    assert response.status_code == 404
    assert _holders(meeting) == []


def test_claim_anonymous_is_sent_to_sign_in(client, meeting):
    url = _url("claim", meeting, slots(meeting)[0].pk)

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    assert _holders(meeting) == []


def test_claim_segment_of_another_meeting_is_404(client, group, meeting, members):
    other = Meeting.objects.create(
        group=group,
        title="Other",
        starts_at=meeting.starts_at + timedelta(days=1),
        ends_at=meeting.ends_at + timedelta(days=1),
    )
    client.force_login(members[0])

    response = client.post(_url("claim", other, slots(meeting)[0].pk))

    assert response.status_code == 404
    assert Presentation.objects.count() == 0


def test_claim_check_in_is_refused(client, meeting, members):
    check_in = meeting.segments.get(kind="check_in")
    client.force_login(members[0])

    response = client.post(_url("claim", meeting, check_in.pk))

    assert response.url == _detail(meeting)
    assert _messages(response) == ["That is not a presentation slot."]
    assert _holders(meeting) == []


def test_claim_get_is_not_allowed(client, meeting, members):
    client.force_login(members[0])

    response = client.get(_url("claim", meeting, slots(meeting)[0].pk))

    assert response.status_code == 405
    assert _holders(meeting) == []


def test_withdraw_frees_the_slot(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[0])
    client.force_login(members[0])

    response = client.post(_url("withdraw", meeting, case1.pk))

    assert response.url == _detail(meeting)
    assert _holders(meeting) == []
    assert _messages(response) == [
        "You have given up the slot; it is open again. Anything you wrote for it is kept in My "
        "drafts."
    ]


def test_withdraw_from_someone_elses_slot_is_404(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[1])
    client.force_login(members[0])

    response = client.post(_url("withdraw", meeting, case1.pk))

    assert response.status_code == 404
    assert _holders(meeting) == [(case1.pk, members[1].pk, "confirmed")]


# --- swaps --------------------------------------------------------------------------------------


def test_offer_swap_creates_offer_and_emails_the_other_member(
    client, meeting, members, mailoutbox, django_capture_on_commit_callbacks
):
    case1 = slots(meeting, "case")[0]
    presentation = _hold(case1, members[0])
    client.force_login(members[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("offer_swap_presenter", meeting), {"segment": case1.pk, "user": members[1].pk}
        )

    assert response.url == _detail(meeting)
    assert list(
        SwapOffer.objects.values_list("role", "presentation", "from_user", "to_user", "status")
    ) == [("presenter", presentation.pk, members[0].pk, members[1].pk, "pending")]
    assert _messages(response) == ["Your offer is sent. We will tell you when they answer."]
    assert [m.to for m in mailoutbox] == [[members[1].email]]
    assert str(members[0]) in mailoutbox[0].subject


def test_offer_swap_with_non_member_is_refused(
    client, meeting, members, mailoutbox, django_capture_on_commit_callbacks
):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[0])
    outsider = UserFactory()
    client.force_login(members[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("offer_swap_presenter", meeting), {"segment": case1.pk, "user": outsider.pk}
        )

    assert response.url == _detail(meeting)
    assert _messages(response) == ["Choose a member of the group to swap with."]
    assert SwapOffer.objects.count() == 0
    assert mailoutbox == []


def test_offer_swap_of_a_slot_not_held_is_404(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[2])
    client.force_login(members[0])

    response = client.post(
        _url("offer_swap_presenter", meeting), {"segment": case1.pk, "user": members[1].pk}
    )

    assert response.status_code == 404
    assert SwapOffer.objects.count() == 0


def test_offer_swap_with_a_malformed_segment_is_404(client, meeting, members):
    # App bug: presentations/views/slots.py:79 passes request.POST["segment"] straight to
    # .filter(pk=...), so "abc" raises ValueError (a 500) instead of a 404.
    _hold(slots(meeting)[0], members[0])
    client.force_login(members[0])

    response = client.post(
        _url("offer_swap_presenter", meeting), {"segment": "abc", "user": members[1].pk}
    )

    assert response.status_code == 404
    assert SwapOffer.objects.count() == 0


def _offer(meeting, presentation, from_user, to_user) -> SwapOffer:
    return SwapOffer.objects.create(
        meeting=meeting,
        role=SwapRole.PRESENTER,
        presentation=presentation,
        from_user=from_user,
        to_user=to_user,
    )


def test_meeting_page_shows_offer_to_its_recipient(client, meeting, members):
    offer = _offer(meeting, _hold(slots(meeting)[0], members[0]), members[0], members[1])
    client.force_login(members[1])

    response = client.get(_detail(meeting))

    assert response.context["swaps_for_me"] == [offer]
    assert _url("answer_swap", meeting, offer.pk) in _actions(response)
    assert f"{members[0]} asks you to take over their “Case presentation” slot." in _text(response)


def test_answer_swap_accept_moves_the_slot(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    offer = _offer(meeting, _hold(case1, members[0]), members[0], members[1])
    client.force_login(members[1])

    response = client.post(_url("answer_swap", meeting, offer.pk), {"answer": "accept"})

    assert response.url == _detail(meeting)
    assert _holders(meeting) == [(case1.pk, members[1].pk, "confirmed")]
    offer.refresh_from_db()
    assert offer.status == SwapStatus.ACCEPTED
    assert _messages(response) == ["You took over."]


def test_answer_swap_decline_keeps_the_slot(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    offer = _offer(meeting, _hold(case1, members[0]), members[0], members[1])
    client.force_login(members[1])

    response = client.post(_url("answer_swap", meeting, offer.pk), {"answer": "decline"})

    assert _holders(meeting) == [(case1.pk, members[0].pk, "confirmed")]
    offer.refresh_from_db()
    assert offer.status == SwapStatus.DECLINED
    assert _messages(response) == ["You declined the offer."]


def test_answer_swap_by_someone_else_is_refused(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    offer = _offer(meeting, _hold(case1, members[0]), members[0], members[1])
    client.force_login(members[2])

    response = client.post(_url("answer_swap", meeting, offer.pk), {"answer": "accept"})

    assert _messages(response) == ["That offer is no longer open."]
    assert _holders(meeting) == [(case1.pk, members[0].pk, "confirmed")]
    offer.refresh_from_db()
    assert offer.status == SwapStatus.PENDING


# --- organizer controls -------------------------------------------------------------------------


def test_assign_as_organizer_puts_member_in_slot(client, meeting, organizer, members):
    topic = slots(meeting, "topic")[0]
    client.force_login(organizer)

    response = client.post(_url("assign", meeting, topic.pk), {"user": members[2].pk})

    assert response.url == _detail(meeting)
    assert _holders(meeting) == [(topic.pk, members[2].pk, "confirmed")]
    assert _messages(response) == ["The slot is assigned."]


def test_assign_non_member_is_refused(client, meeting, organizer):
    client.force_login(organizer)

    response = client.post(
        _url("assign", meeting, slots(meeting)[0].pk), {"user": UserFactory().pk}
    )

    assert _messages(response) == ["Choose a member of the group."]
    assert _holders(meeting) == []


def test_unassign_as_organizer_opens_the_slot(client, meeting, organizer, members):
    case1 = slots(meeting, "case")[0]
    _hold(case1, members[0])
    client.force_login(organizer)

    response = client.post(_url("unassign", meeting, case1.pk))

    assert response.url == _detail(meeting)
    assert _holders(meeting) == []
    assert _messages(response) == ["The slot is open again."]


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("up", ["case", "check_in", "case", "topic", "wrap_up"]),
        ("down", ["check_in", "case", "topic", "case", "wrap_up"]),
    ],
)
def test_move_as_organizer_reorders_the_agenda(client, meeting, organizer, direction, expected):
    second_case = slots(meeting, "case")[1] if direction == "down" else slots(meeting, "case")[0]
    client.force_login(organizer)

    response = client.post(_url(f"move_{direction}", meeting, second_case.pk))

    assert response.url == _detail(meeting)
    assert list(meeting.segments.order_by("position").values_list("kind", flat=True)) == expected
    assert list(meeting.segments.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert _messages(response) == ["The agenda order is saved."]


def test_move_first_segment_up_keeps_the_order(client, meeting, organizer):
    before = list(meeting.segments.order_by("position").values_list("pk", flat=True))
    client.force_login(organizer)

    client.post(_url("move_up", meeting, before[0]))

    assert list(meeting.segments.order_by("position").values_list("pk", flat=True)) == before


@pytest.mark.parametrize(
    ("name", "with_segment", "data"),
    [
        ("assign", True, {"user": "member"}),
        ("unassign", True, {}),
        ("move_up", True, {}),
        ("move_down", True, {}),
        ("fill_from_queue", False, {}),
        ("set_facilitator", False, {"facilitator": "member"}),
        ("rotate", False, {}),
    ],
)
def test_organizer_actions_as_plain_member_are_404(
    client, meeting, organizer, members, name, with_segment, data
):
    case1, case2 = slots(meeting, "case")
    _hold(case1, members[1])
    order = list(meeting.segments.order_by("position").values_list("pk", flat=True))
    client.force_login(members[0])
    args = [case2.pk if name == "assign" else case1.pk] if with_segment else []
    data = {k: members[0].pk if v == "member" else v for k, v in data.items()}

    response = client.post(_url(name, meeting, *args), data)

    assert response.status_code == 404
    assert _holders(meeting) == [(case1.pk, members[1].pk, "confirmed")]
    assert list(meeting.segments.order_by("position").values_list("pk", flat=True)) == order
    meeting.refresh_from_db()
    assert (meeting.facilitator_id, meeting.backup_facilitator_id) == (None, None)


# --- the rotation -------------------------------------------------------------------------------


def test_fill_from_queue_invites_the_next_members(
    client, meeting, organizer, members, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("fill_from_queue", meeting))

    assert response.url == _detail(meeting)
    assert _messages(response) == ["The next members in line are invited (48 hours to answer)."]
    invited = list(Presentation.objects.filter(meeting=meeting).order_by("segment__position"))
    assert [(p.segment, p.presenter, p.status) for p in invited] == [
        (segment, user, "invited")
        for segment, user in zip(slots(meeting), [organizer, *members[:2]], strict=True)
    ]
    # Everyone invited is e-mailed but the organizer who acted (they see it on the page).
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        p.presenter.email for p in invited if p.presenter != organizer
    )


def test_fill_from_queue_with_no_open_slot_is_refused(client, meeting, organizer, members):
    for segment, user in zip(slots(meeting), members, strict=False):
        _hold(segment, user)
    client.force_login(organizer)

    response = client.post(_url("fill_from_queue", meeting))

    assert _messages(response) == ["No open slot, or nobody left in the queue to invite."]
    assert Presentation.objects.filter(status="invited").count() == 0


def test_answer_invitation_accept_confirms_the_slot(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    invitation = _invite(case1, members[0])
    client.force_login(members[0])

    response = client.post(_url("answer_invitation", meeting, invitation.pk), {"answer": "accept"})

    assert response.url == _detail(meeting)
    assert _messages(response) == ["Thank you — the slot is yours."]
    invitation.refresh_from_db()
    assert (invitation.presenter, invitation.status, invitation.invited_until) == (
        members[0],
        "confirmed",
        None,
    )


def test_answer_invitation_decline_passes_to_the_next_member(
    client, meeting, organizer, members, mailoutbox, django_capture_on_commit_callbacks
):
    case1 = slots(meeting, "case")[0]
    invitation = _invite(case1, members[0])
    client.force_login(members[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("answer_invitation", meeting, invitation.pk), {"answer": "decline"}
        )

    assert _messages(response) == ["No problem — the next member in line is invited."]
    assert _holders(meeting) == [(case1.pk, organizer.pk, "invited")]
    assert list(RotationDecline.objects.values_list("meeting", "user", "role")) == [
        (meeting.pk, members[0].pk, "presenter")
    ]
    assert [m.to for m in mailoutbox] == [[organizer.email]]


def test_answer_invitation_of_someone_else_is_refused(client, meeting, members):
    case1 = slots(meeting, "case")[0]
    invitation = _invite(case1, members[0])
    client.force_login(members[1])

    response = client.post(_url("answer_invitation", meeting, invitation.pk), {"answer": "accept"})

    assert _messages(response) == ["There is no open invitation for you to answer."]
    assert _holders(meeting) == [(case1.pk, members[0].pk, "invited")]


def test_meeting_page_invited_member_sees_accept_and_decline(client, meeting, members):
    invitation = _invite(slots(meeting)[0], members[0])
    client.force_login(members[0])

    response = client.get(_detail(meeting))

    assert _url("answer_invitation", meeting, invitation.pk) in _actions(response)
    assert "invited, answer by" in _text(response)


# --- facilitation -------------------------------------------------------------------------------


@pytest.fixture
def appointed(group):
    group.leadership_model = "appointed"
    group.save(update_fields=["leadership_model"])
    return group


def test_meeting_page_appointed_group_organizer_sees_facilitator_form(
    client, appointed, meeting, organizer
):
    client.force_login(organizer)

    response = client.get(_detail(meeting))

    assert _url("set_facilitator", meeting) in _actions(response)
    assert _url("rotate", meeting) not in _actions(response)


def test_set_facilitator_saves_facilitator_and_backup(
    client, appointed, meeting, organizer, members
):
    client.force_login(organizer)

    response = client.post(
        _url("set_facilitator", meeting), {"facilitator": members[0].pk, "backup": members[1].pk}
    )

    assert response.url == _detail(meeting)
    assert _messages(response) == ["The facilitator is saved."]
    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.backup_facilitator) == (members[0], members[1])


def test_set_facilitator_same_person_as_backup_is_refused(
    client, appointed, meeting, organizer, members
):
    client.force_login(organizer)

    response = client.post(
        _url("set_facilitator", meeting), {"facilitator": members[0].pk, "backup": members[0].pk}
    )

    assert _messages(response) == ["The backup must be someone else."]
    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.backup_facilitator) == (None, None)


def test_set_facilitator_non_member_is_refused(client, appointed, meeting, organizer):
    client.force_login(organizer)

    response = client.post(_url("set_facilitator", meeting), {"facilitator": UserFactory().pk})

    assert _messages(response) == ["Choose members of the group."]
    meeting.refresh_from_db()
    assert meeting.facilitator is None


def test_rotate_facilitators_sets_the_meeting_facilitator(client, meeting, organizer, members):
    client.force_login(organizer)

    response = client.post(_url("rotate", meeting))

    assert response.url == _detail(meeting)
    assert _messages(response) == ["Facilitators are assigned by rotation."]
    meeting.refresh_from_db()
    # Nobody has facilitated yet: the two who joined first, the organizer and then members[0].
    assert (meeting.facilitator, meeting.backup_facilitator) == (organizer, members[0])


def test_rotate_facilitators_with_everything_assigned_is_refused(
    client, meeting, organizer, members
):
    Meeting.objects.filter(pk=meeting.pk).update(facilitator=members[3])
    client.force_login(organizer)

    response = client.post(_url("rotate", meeting))

    assert _messages(response) == [
        "Every upcoming meeting already has a facilitator, or nobody opted in."
    ]
    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.backup_facilitator) == (members[3], None)


def test_offer_facilitation_swap_and_accept(client, meeting, members):
    Meeting.objects.filter(pk=meeting.pk).update(
        facilitator=members[0], backup_facilitator=members[1]
    )
    client.force_login(members[0])
    offered = client.post(_url("offer_swap_facilitator", meeting), {"user": members[1].pk})
    offer = SwapOffer.objects.get()
    assert (offer.role, offer.presentation, offer.to_user) == ("facilitator", None, members[1])
    assert _messages(offered) == ["Your offer is sent. We will tell you when they answer."]
    other = Client()
    other.force_login(members[1])

    response = other.post(_url("answer_swap", meeting, offer.pk), {"answer": "accept"})

    assert _messages(response) == ["You took over."]
    meeting.refresh_from_db()
    assert (meeting.facilitator, meeting.backup_facilitator) == (members[1], members[0])


def test_co_organizer_can_assign(client, group, meeting, members):
    co = MembershipFactory(group=group, role=Role.CO_ORGANIZER).user
    topic = slots(meeting, "topic")[0]
    client.force_login(co)

    client.post(_url("assign", meeting, topic.pk), {"user": members[0].pk})

    assert _holders(meeting) == [(topic.pk, members[0].pk, "confirmed")]
