"""Meeting notes and action items, through their services (meetings/notes.py): who may write,
what is refused (and then nothing changes), the audit entries, the purge of case notes after
the group's retention, and what a departure leaves behind."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import NotAllowed
from groups.enums import DepartureReason
from groups.services.membership import leave_group, remove_member
from meetings import notes
from meetings.enums import MeetingStatus
from meetings.models import ActionItem, MeetingNotes
from meetings.tasks import task_purge_expired_case_notes
from members.models import AuditEntry, Delivery
from portal.privacy import delete_account
from tests.factories import MeetingFactory, MembershipFactory
from tests.meetings.notes_support import connect_departures, in_days, make_circle
from tests.race import behind_another_transaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle():
    return make_circle()


def _save(actor, meeting, **parts):
    data = {"discussed": "", "decisions": "", "case_notes": ""} | parts
    return notes.save_notes(actor=actor, meeting=meeting, **data)


def _verbs(group) -> list[str]:
    return list(
        AuditEntry.objects.filter(group=group).order_by("pk").values_list("verb", flat=True)
    )


# --- notes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("writer", ["organizer", "co_organizer", "facilitator"])
def test_the_facilitator_and_organizers_write_the_notes(circle, writer):
    actor = getattr(circle, writer)

    saved = _save(
        actor,
        circle.meeting,
        discussed="  We talked about **boundaries**.  ",
        decisions="Meet monthly\n\n  Rotate facilitation  \n",
        case_notes="Client A: try a slower pace.",
    )

    saved.refresh_from_db()
    assert (saved.discussed, saved.decisions, saved.case_notes) == (
        "We talked about **boundaries**.",
        "Meet monthly\nRotate facilitation",
        "Client A: try a slower pace.",
    )
    assert saved.decision_list == ["Meet monthly", "Rotate facilitation"]
    assert saved.updated_by == actor
    entry = AuditEntry.objects.get(verb="meeting.notes_saved")
    assert (entry.actor, entry.group, entry.object_id) == (
        actor,
        circle.group,
        str(circle.meeting.pk),
    )
    assert entry.data == {"changed": ["discussed", "decisions", "case_notes"]}


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_a_member_or_outsider_cannot_write_the_notes(circle, who):
    with pytest.raises(NotAllowed):
        _save(getattr(circle, who), circle.meeting, discussed="Mine")

    assert MeetingNotes.objects.count() == 0
    assert _verbs(circle.group) == []


def test_a_former_facilitator_cannot_write_the_notes(circle):
    leave_group(user=circle.facilitator, group=circle.group)
    circle.meeting.refresh_from_db()
    circle.meeting.facilitator = circle.facilitator  # as if the page were still open

    with pytest.raises(NotAllowed):
        _save(circle.facilitator, circle.meeting, discussed="Mine")
    assert MeetingNotes.objects.count() == 0


def test_saving_edits_in_place_and_audits_only_what_changed(circle):
    first = _save(circle.organizer, circle.meeting, discussed="One", decisions="A")
    second = _save(circle.facilitator, circle.meeting, discussed="One", decisions="A\nB")

    assert second.pk == first.pk
    assert MeetingNotes.objects.get().decisions == "A\nB"
    changed = [
        e.data["changed"]
        for e in AuditEntry.objects.filter(verb="meeting.notes_saved").order_by("pk")
    ]
    assert changed == [["discussed", "decisions"], ["decisions"]]


def test_saving_the_same_notes_again_changes_nothing(circle):
    _save(circle.organizer, circle.meeting, discussed="One")
    before = MeetingNotes.objects.get().updated_at

    _save(circle.facilitator, circle.meeting, discussed="One  ")

    notes_row = MeetingNotes.objects.get()
    assert (notes_row.updated_at, notes_row.updated_by) == (before, circle.organizer)
    assert AuditEntry.objects.filter(verb="meeting.notes_saved").count() == 1


def test_a_cancelled_meeting_has_no_notes(circle):
    circle.meeting.status = MeetingStatus.CANCELLED
    circle.meeting.save(update_fields=["status"])

    with pytest.raises(notes.NotesError, match="cancelled"):
        _save(circle.organizer, circle.meeting, discussed="Something")
    with pytest.raises(notes.NotesError, match="cancelled"):
        notes.add_action_item(
            actor=circle.organizer,
            meeting=circle.meeting,
            text="Call",
            owner=circle.member,
            due_on=in_days(5),
        )
    assert (MeetingNotes.objects.count(), ActionItem.objects.count()) == (0, 0)


def test_a_save_over_notes_saved_since_it_was_opened_is_refused(circle):
    opened = ""  # the facilitator opens the editor before anything is written
    _save(circle.organizer, circle.meeting, discussed="The organizer's notes")

    with pytest.raises(notes.NotesConflict, match="after you opened"):
        _save(circle.facilitator, circle.meeting, discussed="Mine", version=opened)

    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.updated_by) == ("The organizer's notes", circle.organizer)
    assert AuditEntry.objects.filter(verb="meeting.notes_saved").count() == 1


def test_a_save_from_the_version_it_was_opened_on_goes_through(circle):
    first = _save(circle.organizer, circle.meeting, discussed="One")
    opened = MeetingNotes.objects.get().version
    assert opened == first.updated_at.isoformat()

    _save(circle.facilitator, circle.meeting, discussed="One, and two", version=opened)

    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.updated_by) == ("One, and two", circle.facilitator)
    assert saved.version != opened
    with pytest.raises(notes.NotesConflict):  # the old version is now behind
        _save(circle.organizer, circle.meeting, discussed="One, two, three", version=opened)


def test_a_stale_save_that_changes_nothing_is_no_conflict(circle):
    _save(circle.organizer, circle.meeting, discussed="Same")

    same = _save(circle.facilitator, circle.meeting, discussed="Same", version="")

    assert (same.discussed, same.updated_by) == ("Same", circle.organizer)


def test_notes_longer_than_allowed_are_refused_and_nothing_is_saved(circle):
    with pytest.raises(ValidationError) as refused:
        _save(circle.organizer, circle.meeting, decisions="x" * 4001)

    assert "decisions" in refused.value.message_dict
    assert MeetingNotes.objects.count() == 0


# --- the purge of case notes -----------------------------------------------------------------


def _ended(circle, days_ago: float, **kwargs):
    ends = timezone.now() - timedelta(days=days_ago)
    return MeetingFactory(
        group=kwargs.pop("group", circle.group),
        starts_at=ends - timedelta(minutes=90),
        ends_at=ends,
        facilitator=circle.facilitator,
    )


def _written(circle, meeting):
    return _save(
        circle.organizer,
        meeting,
        discussed="What we discussed",
        decisions="A decision",
        case_notes="Client A is stuck",
    )


def test_case_notes_and_only_case_notes_are_purged_after_the_retention(circle):
    circle.group.case_retention_days = 30
    circle.group.save(update_fields=["case_retention_days"])
    old = _written(circle, _ended(circle, 31))
    recent = _written(circle, _ended(circle, 29))
    now = timezone.now()

    assert notes.purge_expired_case_notes(now=now) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.discussed, old.decisions, old.case_notes, old.case_notes_purged_at) == (
        "What we discussed",
        "A decision",
        "",
        now,
    )
    assert (recent.case_notes, recent.case_notes_purged_at) == ("Client A is stuck", None)
    assert notes.purge_expired_case_notes(now=now) == 0  # safe to rerun


def test_a_group_that_keeps_case_details_keeps_its_case_notes(circle):
    circle.group.case_retention_days = 0
    circle.group.save(update_fields=["case_retention_days"])
    kept = _written(circle, _ended(circle, 400))

    assert notes.purge_expired_case_notes() == 0
    kept.refresh_from_db()
    assert (kept.case_notes, kept.case_notes_purged_at) == ("Client A is stuck", None)


def test_purged_case_notes_are_not_written_again_but_the_rest_is(circle):
    circle.group.case_retention_days = 7
    circle.group.save(update_fields=["case_retention_days"])
    meeting = _ended(circle, 8)
    _written(circle, meeting)
    notes.purge_expired_case_notes()

    with pytest.raises(notes.NotesError, match="removed"):
        _save(circle.organizer, meeting, discussed="More", case_notes="Client A again")
    saved = _save(circle.organizer, meeting, discussed="More", decisions="A decision")

    assert (saved.discussed, saved.case_notes) == ("More", "")


def test_the_purge_task_purges(circle):
    circle.group.case_retention_days = 1
    circle.group.save(update_fields=["case_retention_days"])
    _written(circle, _ended(circle, 2))

    assert task_purge_expired_case_notes() == 1
    assert MeetingNotes.objects.get().case_notes == ""


# --- action items ----------------------------------------------------------------------------


@pytest.mark.parametrize("writer", ["organizer", "facilitator"])
def test_a_writer_gives_a_member_an_action_item(circle, writer, django_capture_on_commit_callbacks):
    actor = getattr(circle, writer)
    due = in_days(10)

    with django_capture_on_commit_callbacks(execute=True):
        item = notes.add_action_item(
            actor=actor,
            meeting=circle.meeting,
            text="  Send the article  ",
            owner=circle.member,
            due_on=due,
        )

    item.refresh_from_db()
    assert (item.text, item.owner, item.due_on, item.created_by, item.done_at) == (
        "Send the article",
        circle.member,
        due,
        actor,
        None,
    )
    entry = AuditEntry.objects.get(verb="action_item.added")
    assert (entry.actor, entry.subject, entry.data) == (
        actor,
        circle.member,
        {"meeting": circle.meeting.pk, "due_on": due.isoformat()},
    )
    assert list(Delivery.objects.values_list("email", "template")) == [
        (circle.member.email, "action_item_given")
    ]


def test_an_item_given_to_oneself_sends_no_email(circle):
    notes.add_action_item(
        actor=circle.organizer,
        meeting=circle.meeting,
        text="Book the room",
        owner=circle.organizer,
        due_on=in_days(3),
    )

    assert ActionItem.objects.get().owner == circle.organizer
    assert Delivery.objects.count() == 0


def test_a_member_cannot_add_an_action_item(circle):
    with pytest.raises(NotAllowed):
        notes.add_action_item(
            actor=circle.member,
            meeting=circle.meeting,
            text="Do it",
            owner=circle.other,
            due_on=in_days(3),
        )
    assert (ActionItem.objects.count(), Delivery.objects.count()) == (0, 0)


def test_an_action_item_goes_only_to_a_member_of_the_group(circle):
    with pytest.raises(ValidationError) as refused:
        notes.add_action_item(
            actor=circle.organizer,
            meeting=circle.meeting,
            text="Do it",
            owner=circle.outsider,
            due_on=in_days(3),
        )

    assert refused.value.message_dict == {"owner": ["Choose a member of the group."]}
    assert (ActionItem.objects.count(), Delivery.objects.count()) == (0, 0)


def test_an_action_item_is_not_due_in_the_past(circle):
    with pytest.raises(ValidationError) as refused:
        notes.add_action_item(
            actor=circle.organizer,
            meeting=circle.meeting,
            text="Do it",
            owner=circle.member,
            due_on=in_days(-2),
        )

    assert refused.value.message_dict == {"due_on": ["Choose a due date from today on."]}
    assert ActionItem.objects.count() == 0


def test_an_action_item_text_longer_than_300_characters_is_refused(circle):
    with pytest.raises(ValidationError) as refused:
        notes.add_action_item(
            actor=circle.organizer,
            meeting=circle.meeting,
            text="x" * 301,
            owner=circle.member,
            due_on=in_days(3),
        )

    assert list(refused.value.message_dict) == ["text"]
    assert ActionItem.objects.count() == 0


def test_the_database_refuses_done_at_without_done_by(circle):
    item = circle.item()
    item.done_at = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        item.save(update_fields=["done_at"])


@pytest.mark.parametrize("who", ["member", "organizer", "co_organizer"])
def test_the_owner_or_an_organizer_marks_an_item_done_and_not_done(circle, who):
    actor = getattr(circle, who)
    item = circle.item()

    notes.set_action_item_done(actor=actor, item=item, done=True)
    item.refresh_from_db()
    assert (item.is_done, item.done_by) == (True, actor)

    notes.set_action_item_done(actor=actor, item=item, done=True)  # twice: nothing more
    notes.set_action_item_done(actor=actor, item=item, done=False)
    item.refresh_from_db()
    assert (item.done_at, item.done_by) == (None, None)
    assert _verbs(circle.group) == ["action_item.done", "action_item.reopened"]
    subjects = set(AuditEntry.objects.values_list("subject", flat=True))
    assert subjects == ({None} if who == "member" else {circle.member.pk})


@pytest.mark.parametrize("who", ["other", "facilitator", "outsider"])
def test_anyone_else_cannot_mark_an_item_done(circle, who):
    item = circle.item()

    with pytest.raises(NotAllowed):
        notes.set_action_item_done(actor=getattr(circle, who), item=item, done=True)

    item.refresh_from_db()
    assert (item.done_at, item.done_by) == (None, None)
    assert _verbs(circle.group) == []


def test_marking_an_item_removed_meanwhile_is_refused(circle):
    item = circle.item()
    ActionItem.objects.filter(pk=item.pk).delete()

    with pytest.raises(notes.NotesError, match="removed"):
        notes.set_action_item_done(actor=circle.member, item=item, done=True)


def test_a_writer_changes_an_item_and_the_new_and_old_owners_are_told(circle):
    item = circle.item(created_by=circle.organizer)
    new_due = in_days(20)

    notes.update_action_item(
        actor=circle.facilitator,
        item=item,
        text="Send two articles",
        owner=circle.other,
        due_on=new_due,
    )

    item.refresh_from_db()
    assert (item.text, item.owner, item.due_on) == ("Send two articles", circle.other, new_due)
    entry = AuditEntry.objects.get(verb="action_item.changed")
    assert (entry.actor, entry.subject, entry.data) == (
        circle.facilitator,
        circle.other,
        {"changed": ["text", "owner", "due_on"]},
    )
    assert sorted(Delivery.objects.values_list("email", "template", "context")) == sorted(
        [
            (circle.other.email, "action_item_given", {}),
            (
                circle.member.email,
                "action_item_taken",
                {"item": item.pk, "due_on": in_days(7).isoformat(), "removed": False},
            ),
        ]
    )


def test_moving_the_due_date_only_tells_nobody(circle):
    item = circle.item()

    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.member, due_on=in_days(9)
    )

    assert AuditEntry.objects.get(verb="action_item.changed").data == {"changed": ["due_on"]}
    assert Delivery.objects.count() == 0


def test_an_unchanged_item_stays_as_it_was(circle):
    item = circle.item()

    same = notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.member, due_on=item.due_on
    )

    assert same.pk == item.pk
    assert _verbs(circle.group) == []


def test_an_overdue_date_may_stay_when_an_item_is_given_to_someone_else(circle):
    item = circle.item(due_on=in_days(-3), owner=None)

    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.other, due_on=item.due_on
    )
    item.refresh_from_db()
    assert item.owner == circle.other

    with pytest.raises(ValidationError):
        notes.update_action_item(
            actor=circle.organizer,
            item=item,
            text=item.text,
            owner=circle.other,
            due_on=in_days(-1),
        )
    item.refresh_from_db()
    assert item.due_on == in_days(-3)


def test_the_owner_cannot_change_their_item(circle):
    item = circle.item()

    with pytest.raises(NotAllowed):
        notes.update_action_item(
            actor=circle.member, item=item, text="Easier", owner=circle.member, due_on=in_days(30)
        )
    item.refresh_from_db()
    assert item.text.startswith("Share the reading list")


def test_an_item_cannot_be_given_to_someone_outside_the_group(circle):
    item = circle.item()

    with pytest.raises(ValidationError):
        notes.update_action_item(
            actor=circle.organizer,
            item=item,
            text=item.text,
            owner=circle.outsider,
            due_on=item.due_on,
        )
    item.refresh_from_db()
    assert item.owner == circle.member


def test_a_writer_removes_an_item_the_log_keeps_it_and_its_owner_is_told(circle):
    item = circle.item()
    pk = item.pk

    notes.delete_action_item(actor=circle.facilitator, item=item)

    assert not ActionItem.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(verb="action_item.removed")
    assert (entry.actor, entry.subject, entry.object_id, entry.data) == (
        circle.facilitator,
        circle.member,
        str(pk),
        {"meeting": circle.meeting.pk, "due_on": item.due_on.isoformat()},
    )
    told = Delivery.objects.get()
    assert (told.email, told.template, told.object_id, told.context) == (
        circle.member.email,
        "action_item_taken",
        circle.meeting.pk,
        {"item": pk, "due_on": item.due_on.isoformat(), "removed": True},
    )


def test_removing_ones_own_item_names_no_subject_and_tells_nobody(circle):
    item = circle.item(owner=circle.organizer)

    notes.delete_action_item(actor=circle.organizer, item=item)

    assert AuditEntry.objects.get(verb="action_item.removed").subject is None
    assert Delivery.objects.count() == 0


def test_removing_an_unowned_item_tells_nobody(circle):
    notes.delete_action_item(actor=circle.organizer, item=circle.item(owner=None))

    assert AuditEntry.objects.filter(verb="action_item.removed").count() == 1
    assert Delivery.objects.count() == 0


def test_giving_away_ones_own_item_tells_only_the_new_owner(circle):
    item = circle.item(owner=circle.organizer)

    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.other, due_on=item.due_on
    )

    assert list(Delivery.objects.values_list("email", "template")) == [
        (circle.other.email, "action_item_given")
    ]


def test_giving_an_unowned_item_tells_only_the_new_owner(circle):
    item = circle.item(owner=None)

    notes.update_action_item(
        actor=circle.organizer, item=item, text=item.text, owner=circle.other, due_on=item.due_on
    )

    assert list(Delivery.objects.values_list("email", "template")) == [
        (circle.other.email, "action_item_given")
    ]


def test_an_item_taken_from_its_owner_and_given_to_the_actor_tells_only_the_old_owner(circle):
    item = circle.item()

    notes.update_action_item(
        actor=circle.facilitator,
        item=item,
        text=item.text,
        owner=circle.facilitator,
        due_on=item.due_on,
    )

    assert list(Delivery.objects.values_list("email", "template")) == [
        (circle.member.email, "action_item_taken")
    ]


def test_the_owner_cannot_remove_their_item(circle):
    item = circle.item()

    with pytest.raises(NotAllowed):
        notes.delete_action_item(actor=circle.member, item=item)
    assert ActionItem.objects.filter(pk=item.pk).exists()


def test_the_database_keeps_items_of_a_meeting(circle):
    circle.item()

    with pytest.raises(Exception, match="protected"), transaction.atomic():
        circle.meeting.delete()


# --- departures ------------------------------------------------------------------------------


@pytest.fixture
def departures():
    connect_departures()


def test_a_member_who_leaves_keeps_nothing_open_in_the_group(circle, departures):
    elsewhere = make_circle()
    MembershipFactory(group=elsewhere.group, user=circle.member)
    open_item = circle.item()
    done_item = circle.item()
    notes.set_action_item_done(actor=circle.member, item=done_item, done=True)
    kept = elsewhere.item(owner=circle.member)

    leave_group(user=circle.member, group=circle.group)

    open_item.refresh_from_db()
    done_item.refresh_from_db()
    kept.refresh_from_db()
    assert (open_item.owner, done_item.owner, kept.owner) == (None, circle.member, circle.member)
    entry = AuditEntry.objects.get(verb="action_items.released")
    assert (entry.actor, entry.subject, entry.group, entry.data) == (
        None,
        circle.member,
        circle.group,
        {"count": 1},
    )


def test_a_removed_member_keeps_nothing_open_either(circle, departures):
    item = circle.item()

    remove_member(actor=circle.organizer, group=circle.group, membership_id=_membership(circle).pk)

    item.refresh_from_db()
    assert item.owner is None


def _membership(circle):
    return circle.group.memberships.get(user=circle.member)


def test_a_departure_with_nothing_open_leaves_no_log_line(circle, departures):
    leave_group(user=circle.other, group=circle.group)

    assert not AuditEntry.objects.filter(verb="action_items.released").exists()


def test_a_deleted_account_leaves_its_items_unowned_and_the_notes_in_place(circle, departures):
    _save(circle.facilitator, circle.meeting, discussed="Notes by the facilitator")
    item = circle.item(owner=circle.facilitator)

    delete_account(user=circle.facilitator)

    item.refresh_from_db()
    notes_row = MeetingNotes.objects.get()
    assert item.owner is None
    assert (notes_row.discussed, str(notes_row.updated_by)) == (
        "Notes by the facilitator",
        "Former member",
    )


def test_the_receiver_releases_for_every_reason(circle):
    item = circle.item()

    notes.on_membership_ended(
        None,
        group=circle.group,
        user=circle.member,
        actor=None,
        reason=DepartureReason.ACCOUNT_DELETED,
    )

    item.refresh_from_db()
    assert item.owner is None


def test_admin_lists_and_logs_never_show_what_members_wrote(circle):
    written = _save(circle.organizer, circle.meeting, discussed="Client A", case_notes="Client A")
    item = circle.item(text="Call Client A's doctor")

    assert str(written) == f"Notes of meeting {circle.meeting.pk}"
    assert str(item) == f"Action item {item.pk} of meeting {circle.meeting.pk}"


def test_saving_empty_notes_creates_nothing(circle):
    _save(circle.organizer, circle.meeting)

    assert MeetingNotes.objects.count() == 0
    assert _verbs(circle.group) == []


# --- two requests at once (real PostgreSQL) ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_saves_at_once_make_one_set_of_notes():
    circle = make_circle()

    def first():
        return _save(circle.organizer, circle.meeting, discussed="First")

    def second():
        return _save(circle.facilitator, circle.meeting, discussed="Second", decisions="One")

    behind_another_transaction(first, second)

    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.decisions, saved.updated_by) == (
        "Second",
        "One",
        circle.facilitator,
    )
    changed = [e.data["changed"] for e in AuditEntry.objects.order_by("pk")]
    assert changed == [["discussed"], ["discussed", "decisions"]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_on_the_purge_does_not_bring_case_notes_back():
    circle = make_circle(case_retention_days=7)
    meeting = _ended(circle, 8)
    _written(circle, meeting)

    def purge():
        assert notes.purge_expired_case_notes() == 1

    def save():
        return _save(circle.facilitator, meeting, discussed="More", case_notes="Client A is stuck")

    with pytest.raises(notes.NotesError, match="removed"):
        behind_another_transaction(purge, save)

    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.case_notes) == ("What we discussed", "")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_saving_at_once_from_the_same_page_lose_nothing():
    """Both opened the empty editor; the one whose save waits on the other's lock is refused,
    so neither text replaces the other unseen."""
    circle = make_circle()

    def first():
        return _save(circle.organizer, circle.meeting, discussed="First", version="")

    def second():
        return _save(circle.facilitator, circle.meeting, discussed="Second", version="")

    with pytest.raises(notes.NotesConflict):
        behind_another_transaction(first, second)

    saved = MeetingNotes.objects.get()
    assert (saved.discussed, saved.updated_by) == ("First", circle.organizer)
    assert [e.data["changed"] for e in AuditEntry.objects.order_by("pk")] == [["discussed"]]
