"""What presentations e-mail, built from the data as it stands when each e-mail goes out: the
presenter's three-day reminder, sign-up opening, election notices, rotation turns, recognition
flags and the organizers' list of what a departing member left open. An e-mail whose reason
has gone by the time it is sent (cancelled, withdrawn, answered, closed) is skipped. No e-mail
carries case text."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from groups.enums import DepartureReason, Role
from groups.services.membership import change_role, hand_over_organizer, leave_group
from meetings.models import AgendaSegment, Meeting
from meetings.services import cancel_meeting
from members.enums import DeliveryStatus
from members.models import Delivery, NotificationPreference
from members.notifications import dispatch_due, send_delivery
from presentations import notifications, services
from presentations.models import Election, LeadershipTerm
from presentations.services.departures import end_roles, tell_organizers
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory
from tests.presentations.conftest import slots

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")  # every recipient's zone (ProfileFactory)
QUESTION = "How do I re-engage a client who avoids the grief work?"
BACKGROUND = "Weekly sessions for a year; attendance dropped after a loss in the family."


# --- helpers ---------------------------------------------------------------------------------


def _meeting(group, starts_in: timedelta) -> Meeting:
    """A meeting with the conftest's agenda: check-in, two case slots, a topic slot, wrap-up."""
    starts_at = (timezone.now() + starts_in).replace(microsecond=0)
    meeting = MeetingFactory(group=group, starts_at=starts_at)
    for position, (kind, minutes) in enumerate(
        [("check_in", 10), ("case", 20), ("case", 20), ("topic", 15), ("wrap_up", 5)]
    ):
        AgendaSegment.objects.create(meeting=meeting, position=position, kind=kind, minutes=minutes)
    return meeting


def _day(moment, fmt: str = "%A %-d %B %Y") -> str:
    return moment.astimezone(NY).strftime(fmt)


def _sent(mailoutbox) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mailoutbox)


def _send(template: str) -> list[str]:
    """Send every delivery of ``template`` now, as the worker would; return the outcomes."""
    ids = Delivery.objects.filter(template=template).order_by("pk").values_list("pk", flat=True)
    return [send_delivery(pk) for pk in ids]


def _bodies(message) -> list[str]:
    return [message.body, *(alternative[0] for alternative in message.alternatives)]


def _assert_no_case_text(mailoutbox) -> None:
    for message in mailoutbox:
        for body in _bodies(message):
            assert QUESTION not in body
            assert BACKGROUND not in body


def _write_case(presentation) -> None:
    services.save_case(
        user=presentation.presenter,
        presentation_id=presentation.pk,
        data={"case_question": QUESTION, "case_background": BACKGROUND},
    )


# --- the presenter's reminder, three days ahead ---------------------------------------------


@pytest.fixture
def soon(group):
    """A meeting that starts in three days less an hour: the presenters' reminder fell due."""
    return _meeting(group, timedelta(days=3, hours=-1))


def test_presenter_reminder_goes_to_the_presenter_alone_without_the_case(
    group, organizer, members, soon, mailoutbox
):
    presentation = services.claim_slot(user=members[0], segment_id=slots(soon, "case")[0].pk)
    _write_case(presentation)

    dispatch_due()

    assert _sent(mailoutbox) == [
        (
            members[0].email,
            f"[PeerCircle] You present “Case presentation” at Group meeting on "
            f"{_day(soon.starts_at)} · {group.name}",
        )
    ]
    body = mailoutbox[0].body
    assert f"Hello {members[0]}," in body
    assert "A reminder, three days ahead: you present “Case presentation” at Group meeting" in body
    assert soon.get_absolute_url() in body
    _assert_no_case_text(mailoutbox)
    delivery = Delivery.objects.get(template="presenter_reminder")
    assert (delivery.recipient_id, delivery.status, delivery.due_at) == (
        members[0].pk,
        DeliveryStatus.SENT,
        soon.starts_at - timedelta(days=3),
    )


def test_presenter_reminder_names_a_topic_by_its_title(group, members, soon, mailoutbox):
    presentation = services.claim_slot(user=members[1], segment_id=slots(soon, "topic")[0].pk)
    services.save_topic(
        user=members[1],
        presentation_id=presentation.pk,
        title="Billing insurers without losing a week",
        summary="What worked for three practices.",
        links=[],
    )

    dispatch_due()

    assert [m.to[0] for m in mailoutbox] == [members[1].email]
    assert mailoutbox[0].subject.startswith(
        "[PeerCircle] You present “Billing insurers without losing a week” at Group meeting"
    )


def test_presenter_reminder_is_not_planned_for_someone_who_turned_it_off(members, soon):
    services.claim_slot(user=members[0], segment_id=slots(soon, "case")[0].pk)
    NotificationPreference.objects.create(user=members[0], kind="presenter_reminder", enabled=False)

    notifications.plan_presentation_notices(timezone.now())

    assert not Delivery.objects.filter(template="presenter_reminder").exists()


def _cancel(organizer, presentation) -> None:
    cancel_meeting(actor=organizer, meeting=presentation.meeting)


def _withdraw(organizer, presentation) -> None:
    services.withdraw_from_slot(user=presentation.presenter, presentation_id=presentation.pk)


def _start(organizer, presentation) -> None:
    started = timezone.now() - timedelta(minutes=1)
    Meeting.objects.filter(pk=presentation.meeting_id).update(
        starts_at=started, ends_at=started + timedelta(minutes=90)
    )


@pytest.mark.parametrize(
    "change", [_cancel, _withdraw, _start], ids=["cancelled", "withdrawn", "started"]
)
def test_presenter_reminder_is_skipped_when_there_is_nothing_left_to_present(
    organizer, members, soon, mailoutbox, change
):
    presentation = services.claim_slot(user=members[0], segment_id=slots(soon, "case")[0].pk)
    notifications.plan_presentation_notices(timezone.now())
    change(organizer, presentation)

    assert _send("presenter_reminder") == [DeliveryStatus.SKIPPED]
    assert mailoutbox == []


# --- sign-up opened ----------------------------------------------------------------------------


@pytest.fixture
def opening(group):
    """A meeting whose sign-up window (14 days ahead, the default) opened an hour ago."""
    assert group.signup_opens_days == 14
    return _meeting(group, timedelta(days=14, hours=-1))


def test_signup_opened_tells_every_member_who_wants_it_how_many_slots_are_open(
    group, organizer, members, opening, mailoutbox
):
    NotificationPreference.objects.create(user=members[3], kind="signup_opened", enabled=False)
    outsider = MembershipFactory(group=GroupFactory()).user

    dispatch_due()

    subject = (
        f"[PeerCircle] Presentation sign-up is open for Group meeting on "
        f"{_day(opening.starts_at)}: 3 open slots"
    )
    assert _sent(mailoutbox) == sorted((user.email, subject) for user in [organizer, *members[:3]])
    assert outsider.email not in [m.to[0] for m in mailoutbox]
    body = mailoutbox[0].body
    assert f"Presentation sign-up is now open for Group meeting ({group.name})" in body
    assert "There are 3 open slots." in body
    assert opening.get_absolute_url() in body


def test_signup_opened_counts_the_slots_still_open_when_sent(members, opening, mailoutbox):
    notifications.plan_presentation_notices(timezone.now())
    services.claim_slot(user=members[0], segment_id=slots(opening, "case")[0].pk)
    services.claim_slot(user=members[1], segment_id=slots(opening, "case")[1].pk)

    _send("signup_opened")

    assert {m.subject.rsplit(": ", 1)[1] for m in mailoutbox} == {"1 open slot"}
    assert "There is 1 open slot." in mailoutbox[0].body


def _take_every_slot(organizer, members, meeting) -> None:
    for member, segment in zip(members, slots(meeting), strict=False):
        services.claim_slot(user=member, segment_id=segment.pk)


def _cancel_meeting(organizer, members, meeting) -> None:
    cancel_meeting(actor=organizer, meeting=meeting)


@pytest.mark.parametrize(
    "change", [_take_every_slot, _cancel_meeting], ids=["slots_taken", "cancelled"]
)
def test_signup_opened_is_skipped_when_there_is_no_slot_to_take(
    organizer, members, opening, mailoutbox, change
):
    notifications.plan_presentation_notices(timezone.now())
    change(organizer, members, opening)

    assert set(_send("signup_opened")) == {DeliveryStatus.SKIPPED}
    assert Delivery.objects.filter(template="signup_opened").count() == 5
    assert mailoutbox == []


# --- elections ---------------------------------------------------------------------------------


@pytest.fixture
def elected_group(group):
    type(group).objects.filter(pk=group.pk).update(leadership_model="elected")
    group.refresh_from_db()
    return group


def _open(group, organizer) -> Election:
    now = timezone.now()
    return services.open_election(
        actor=organizer,
        group=group,
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + timedelta(days=180),
        nominations_close_at=now + timedelta(days=2),
        voting_closes_at=now + timedelta(days=4),
    )


def _to_voting(election, closes_in=timedelta(hours=12)) -> None:
    now = timezone.now()
    Election.objects.filter(pk=election.pk).update(
        nominations_close_at=now - timedelta(hours=1), voting_closes_at=now + closes_in
    )
    election.refresh_from_db()


def test_election_opened_invites_every_member_but_the_organizer_who_opened_it(
    elected_group, organizer, members, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        election = _open(elected_group, organizer)

    subject = f"[PeerCircle] Nominations are open: Group leader election · {elected_group.name}"
    assert _sent(mailoutbox) == sorted((m.email, subject) for m in members)
    body = mailoutbox[0].body
    assert f"{elected_group.name} is holding an election for Group leader." in body
    assert (
        f"Nominations are open until {_day(election.nominations_close_at, '%A %-d %B %Y, %H:%M')}"
        in body
    )
    assert election.get_absolute_url() in body


def test_election_opened_is_skipped_once_the_election_has_closed(
    elected_group, organizer, members, mailoutbox
):
    election = _open(elected_group, organizer)
    services.close_election(
        election=election, actor=organizer, now=election.voting_closes_at + timedelta(minutes=1)
    )

    assert _send("election_opened") == [DeliveryStatus.SKIPPED] * 4
    assert mailoutbox == []


def test_election_closing_reminds_the_electorate_members_who_have_not_voted(
    elected_group, organizer, members, mailoutbox
):
    election = _open(elected_group, organizer)
    nomination = services.nominate(user=members[0], election=election, nominee_id=members[0].pk)
    _to_voting(election)
    services.cast_vote(user=members[1], election=election, nomination_id=nomination.pk)
    newcomer = MembershipFactory(group=elected_group).user  # joined after it opened: no vote

    dispatch_due()

    closing = [m for m in mailoutbox if m.subject.startswith("[PeerCircle] Voting closes soon")]
    subject = f"[PeerCircle] Voting closes soon: Group leader election · {elected_group.name}"
    assert _sent(closing) == sorted(
        (user.email, subject) for user in [organizer, members[0], members[2], members[3]]
    )
    assert newcomer.email not in [m.to[0] for m in closing]
    assert "and you have not voted yet" in closing[0].body
    assert election.get_absolute_url() in closing[0].body


def _vote(election, members, nomination) -> None:
    for member in members:
        services.cast_vote(user=member, election=election, nomination_id=nomination.pk)


def _close(election, members, nomination) -> None:
    services.close_election(election=election, now=election.voting_closes_at)


def _voting_ends(election, members, nomination) -> None:
    # Voting time ran out, and the scheduled close has not run yet.
    Election.objects.filter(pk=election.pk).update(
        voting_closes_at=timezone.now() - timedelta(minutes=1)
    )


@pytest.mark.parametrize(
    "change", [_vote, _close, _voting_ends], ids=["voted", "closed", "voting_over"]
)
def test_election_closing_is_skipped_when_no_vote_is_wanted_any_more(
    elected_group, organizer, members, mailoutbox, change
):
    election = _open(elected_group, organizer)
    nomination = services.nominate(user=members[0], election=election, nominee_id=members[0].pk)
    _to_voting(election)
    notifications.plan_presentation_notices(timezone.now())
    assert Delivery.objects.filter(template="election_closing").count() == 5

    change(election, [organizer, *members], nomination)

    assert set(_send("election_closing")) == {DeliveryStatus.SKIPPED}
    assert mailoutbox == []


def test_election_result_tells_every_member_who_won_and_the_votes(
    elected_group, organizer, members, mailoutbox, django_capture_on_commit_callbacks
):
    election = _open(elected_group, organizer)
    nomination = services.nominate(user=members[0], election=election, nominee_id=members[0].pk)
    _to_voting(election)
    services.cast_vote(user=members[1], election=election, nomination_id=nomination.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.close_election(election=election, actor=organizer, now=election.voting_closes_at)

    subject = f"[PeerCircle] {members[0]} is elected Group leader · {elected_group.name}"
    assert _sent(mailoutbox) == sorted((u.email, subject) for u in [organizer, *members])
    body = mailoutbox[0].body
    assert f"The votes are counted in the {elected_group.name} election for Group leader." in body
    assert f"{members[0]} is elected." in body
    assert f"- {members[0]}: 1 vote" in body


# --- rotation turns and recognition flags ---------------------------------------------------------


def test_rotation_invitation_is_skipped_for_a_turn_already_accepted(
    organizer, members, meeting, mailoutbox
):
    invited = services.fill_slots_from_queue(actor=organizer, meeting=meeting)
    mailed = {d.recipient_id: d.pk for d in Delivery.objects.filter(template="rotation_invitation")}
    accepted, waiting, *_ = (p for p in invited if p.presenter_id in mailed)
    services.accept_rotation_invitation(user=accepted.presenter, presentation_id=accepted.pk)

    assert send_delivery(mailed[accepted.presenter_id]) == DeliveryStatus.SKIPPED
    assert send_delivery(mailed[waiting.presenter_id]) == DeliveryStatus.SENT
    assert _sent(mailoutbox) == [
        (
            waiting.presenter.email,
            f"[PeerCircle] Your turn to present at {meeting.group.name} on "
            f"{_day(meeting.starts_at, '%-d %B %Y')}",
        )
    ]


def test_recognition_flag_tells_the_presenter_alone_and_never_who_or_the_case(
    members, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    _write_case(presentation)

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_recognition(user=members[1], presentation_id=presentation.pk)

    assert _sent(mailoutbox) == [
        (
            members[0].email,
            f"[PeerCircle] A member may recognize the client in your case · {meeting.group.name}",
        )
    ]
    body = mailoutbox[0].body
    assert "We do not tell you who" in body
    assert str(members[1]) not in body
    assert members[1].email not in body
    _assert_no_case_text(mailoutbox)


def test_recognition_flag_is_skipped_once_the_presenter_gave_up_the_slot(
    members, meeting, mailoutbox
):
    presentation = services.claim_slot(user=members[0], segment_id=slots(meeting, "case")[0].pk)
    services.flag_recognition(user=members[1], presentation_id=presentation.pk)
    services.withdraw_from_slot(user=members[0], presentation_id=presentation.pk)

    assert _send("recognition_flag") == [DeliveryStatus.SKIPPED]
    assert mailoutbox == []


# --- what a departing member left open ---------------------------------------------------------------


def test_roles_opened_lists_a_leadership_term_and_a_nomination(
    elected_group,
    organizer,
    members,
    meeting,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    leaver = members[0]
    presentation = services.claim_slot(user=leaver, segment_id=slots(meeting, "case")[0].pk)
    _write_case(presentation)
    today = timezone.localdate()
    LeadershipTerm.objects.create(
        group=elected_group,
        leader=leaver,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    election = _open(elected_group, organizer)
    services.nominate(user=members[1], election=election, nominee_id=leaver.pk)

    with django_capture_on_commit_callbacks(execute=True):
        leave_group(user=leaver, group=elected_group)

    assert _sent(mailoutbox) == [
        (organizer.email, f"[PeerCircle] Roles and slots to fill in {elected_group.name}")
    ]
    body = mailoutbox[0].body
    assert f"{leaver} has left your group. These roles and slots they held are open now:" in body
    assert "- Case presentation slot in Group meeting" in body
    assert "- Group leader: the term ended today" in body
    assert "- A nomination in the Group leader election" in body
    _assert_no_case_text(mailoutbox)


def test_roles_opened_is_skipped_when_the_recipient_no_longer_runs_the_group(
    group, organizer, members, meeting, mailoutbox
):
    leaver = members[0]
    services.claim_slot(user=leaver, segment_id=slots(meeting, "case")[0].pk)
    leave_group(user=leaver, group=group)  # the e-mail to the organizer is recorded, not sent
    successor = group.memberships.get(user=members[1])
    hand_over_organizer(actor=organizer, group=group, membership_id=successor.pk)
    change_role(
        actor=members[1],
        group=group,
        membership_id=group.memberships.get(user=organizer).pk,
        role=Role.MEMBER,
    )

    assert _send("roles_opened") == [DeliveryStatus.SKIPPED]
    assert mailoutbox == []


def test_roles_opened_lists_only_the_groups_the_recipient_still_runs(
    group, organizer, members, meeting, mailoutbox
):
    other = GroupFactory(name="Second circle")
    MembershipFactory(group=other, user=organizer, role=Role.ORGANIZER)
    leaver = members[0]
    MembershipFactory(group=other, user=leaver)
    other_meeting = MeetingFactory(
        group=other,
        title="Second meeting",
        starts_at=timezone.now() + timedelta(days=3),
        facilitator=leaver,
    )
    services.claim_slot(user=leaver, segment_id=slots(meeting, "case")[0].pk)
    openings = end_roles(user=leaver, reason=DepartureReason.ACCOUNT_DELETED)
    tell_organizers(user=leaver, openings=openings, reason=DepartureReason.ACCOUNT_DELETED)
    # Before the e-mail goes out, they hand the second group over and step back to member.
    heir = MembershipFactory(group=other).user
    hand_over_organizer(
        actor=organizer, group=other, membership_id=other.memberships.get(user=heir).pk
    )
    change_role(
        actor=heir,
        group=other,
        membership_id=other.memberships.get(user=organizer).pk,
        role=Role.MEMBER,
    )

    assert _send("roles_opened") == [DeliveryStatus.SENT]

    assert _sent(mailoutbox) == [
        (organizer.email, f"[PeerCircle] Roles and slots to fill in {group.name}")
    ]
    body = mailoutbox[0].body
    assert "A member has deleted their PeerCircle account." in body
    assert "- Case presentation slot in Group meeting" in body
    assert "Second circle" not in body
    assert other_meeting.title not in body


def test_roles_opened_with_nothing_open_records_nothing(organizer, members):
    notifications.roles_opened(former=members[0], organizer=organizer, openings=[])

    assert not Delivery.objects.filter(template="roles_opened").exists()
