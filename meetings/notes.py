"""Meeting notes and action items: the writes, the reads and the purge of case notes.

A meeting's notes say what was discussed (Markdown), what was decided (one decision per line)
and, as case material, what was said about the cases presented. Its action items are what
members took on, each with an owner and a due date. Every member of the group reads them
(``meetings.view_notes``); the meeting's facilitator and the group's organizers write them
(``meetings.write_notes``, ``meetings.change_action_item``); the person an item is given to, or
an organizer, marks it done (``meetings.mark_action_item``).

Case notes are blanked with the meeting's cases, ``group.case_retention_days`` after the meeting
ends (0 keeps them); the rest of the notes is kept. A member who leaves the group (or deletes
their account) keeps nothing open there: their open items lose their owner
(``on_membership_ended``) and wait for an organizer to give them to someone else.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import check
from config.errors import DomainError
from groups.models import Group, Membership
from groups.selectors import for_viewer
from meetings import notifications
from meetings.models import ActionItem, Meeting, MeetingNotes
from meetings.selectors import meeting_for
from members.models import User
from members.services import record_audit


class NotesError(DomainError):
    """The notes or an action item cannot be written as asked (a cancelled meeting, ...)."""


class NotesConflict(NotesError):
    """The notes were saved by someone else after the writer opened them: saving would have
    replaced that text unseen."""


# --- notes -------------------------------------------------------------------------------------


def _check_held(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise NotesError(_("This meeting was cancelled, so it has no notes or action items."))


def _decision_lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@transaction.atomic
def save_notes(
    *,
    actor: User,
    meeting: Meeting,
    discussed: str,
    decisions: str,
    case_notes: str,
    version: str | None = None,
) -> MeetingNotes:
    """Write the meeting's notes, in place; only what changed is saved and audited (the names
    of the parts, never their text). Case notes purged after the group's retention period
    are not written again.

    ``version``: the notes' ``version`` the writer's form was opened on. A save that would
    change notes saved since by someone else raises ``NotesConflict`` and changes nothing.
    None (a script, not a form) writes without that check."""
    check(actor, "meetings.write_notes", meeting)
    _check_held(meeting)
    # The meeting's row lock makes the first save the only one to create the notes; the notes'
    # own lock is the one the purge takes, so case notes are never blanked in between.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    notes = MeetingNotes.objects.select_for_update().filter(meeting=meeting).first()
    if notes is None:
        notes = MeetingNotes(meeting=meeting)
    new = {
        "discussed": discussed.strip(),
        "decisions": _decision_lines(decisions),
        "case_notes": case_notes.strip(),
    }
    if notes.case_notes_purged_at and new["case_notes"]:
        raise NotesError(
            _(
                "The case notes of this meeting were removed after the group's retention period, "
                "so they can't be written again."
            )
        )
    changed = [field for field in MeetingNotes.PARTS if getattr(notes, field) != new[field]]
    if not changed:
        return notes
    if version is not None and version != notes.version:
        raise NotesConflict(
            _(
                "Someone saved these notes after you opened this page. Nothing from this form is "
                "saved yet, and nothing you wrote is lost: it is still in the form. Compare it "
                "with what is saved now, then save again."
            )
        )
    for field in changed:
        setattr(notes, field, new[field])
    notes.updated_by = actor
    notes.updated_at = timezone.now()
    notes.full_clean()
    if notes._state.adding:
        notes.save()
    else:
        notes.save(update_fields=[*changed, "updated_by", "updated_at"])
    record_audit(
        actor=actor,
        verb="meeting.notes_saved",
        group=meeting.group,
        obj=meeting,
        data={"changed": changed},
    )
    return notes


def _due_cases(now) -> list[int]:
    candidates = (
        MeetingNotes.objects.filter(case_notes_purged_at__isnull=True, meeting__ends_at__lte=now)
        .exclude(meeting__group__case_retention_days=0)
        .values_list("pk", "meeting__ends_at", "meeting__group__case_retention_days")
    )
    return [pk for pk, ended, days in candidates if ended + timedelta(days=days) <= now]


def purge_expired_case_notes(*, now=None) -> int:
    """Blank the case notes of meetings that ended longer ago than their group's
    ``case_retention_days`` (0 keeps them), as ``presentations`` blanks the cases themselves.
    What was discussed and decided stays. Safe to rerun; returns how many notes were purged."""
    now = now or timezone.now()
    due = _due_cases(now)
    if not due:
        return 0
    return MeetingNotes.objects.filter(pk__in=due, case_notes_purged_at__isnull=True).update(
        case_notes="", case_notes_purged_at=now
    )


# --- action items ------------------------------------------------------------------------------


def _check_owner(meeting: Meeting, owner: User | None) -> None:
    if owner is None or not Membership.objects.filter(group=meeting.group_id, user=owner).exists():
        raise ValidationError({"owner": _("Choose a member of the group.")})


def _group_today(group: Group) -> date:
    return timezone.localdate(timezone=ZoneInfo(group.time_zone))


def _check_due(meeting: Meeting, due_on: date) -> None:
    if due_on < _group_today(meeting.group):
        raise ValidationError({"due_on": _("Choose a due date from today on.")})


def _locked(item: ActionItem) -> ActionItem:
    """The item under its row lock, with the meeting (and the viewer's role) it was loaded with."""
    locked = ActionItem.objects.select_for_update(of=("self",)).filter(pk=item.pk).first()
    if locked is None:
        raise NotesError(_("That action item has been removed."))
    locked.meeting = item.meeting
    return locked


@transaction.atomic
def add_action_item(
    *, actor: User, meeting: Meeting, text: str, owner: User, due_on: date
) -> ActionItem:
    """Give a member of the group something to do by a date; they are told by e-mail (unless
    they gave it to themselves)."""
    check(actor, "meetings.write_notes", meeting)
    _check_held(meeting)
    _check_owner(meeting, owner)
    _check_due(meeting, due_on)
    item = ActionItem(
        meeting=meeting, text=text.strip(), owner=owner, due_on=due_on, created_by=actor
    )
    item.full_clean()
    item.save()
    record_audit(
        actor=actor,
        verb="action_item.added",
        subject=owner,
        group=meeting.group,
        obj=item,
        data={"meeting": meeting.pk, "due_on": due_on.isoformat()},
    )
    notifications.action_item_given(item, actor=actor)
    return item


@transaction.atomic
def update_action_item(
    *, actor: User, item: ActionItem, text: str, owner: User, due_on: date
) -> ActionItem:
    """Change an item's text, owner or due date (an overdue date may stay as it is). A new
    owner is told by e-mail, and so is the one it was taken from (never the one who acted); a
    new due date sets a new reminder."""
    locked = _locked(item)
    check(actor, "meetings.change_action_item", locked)
    _check_owner(locked.meeting, owner)
    if due_on != locked.due_on:
        _check_due(locked.meeting, due_on)
    new = {"text": text.strip(), "owner_id": owner.pk, "due_on": due_on}
    changed = [field for field, value in new.items() if getattr(locked, field) != value]
    if not changed:
        return locked
    if "owner_id" in changed:  # told of the item as they had it (a rollback unrecords it)
        notifications.action_item_taken(locked, owner=locked.owner, actor=actor, removed=False)
    for field, value in new.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=[field.removesuffix("_id") for field in changed])
    record_audit(
        actor=actor,
        verb="action_item.changed",
        subject=owner,
        group=locked.meeting.group,
        obj=locked,
        data={"changed": [field.removesuffix("_id") for field in changed]},
    )
    if "owner_id" in changed:
        locked.owner = owner
        notifications.action_item_given(locked, actor=actor)
    return locked


@transaction.atomic
def set_action_item_done(*, actor: User, item: ActionItem, done: bool) -> ActionItem:
    """Mark an item done, or not done after all. Marking it as it already is changes nothing."""
    locked = _locked(item)
    check(actor, "meetings.mark_action_item", locked)
    if locked.is_done == done:
        return locked
    locked.done_at = timezone.now() if done else None
    locked.done_by = actor if done else None
    locked.full_clean()
    locked.save(update_fields=["done_at", "done_by"])
    record_audit(
        actor=actor,
        verb="action_item.done" if done else "action_item.reopened",
        subject=locked.owner if locked.owner_id != actor.pk else None,
        group=locked.meeting.group,
        obj=locked,
    )
    return locked


@transaction.atomic
def delete_action_item(*, actor: User, item: ActionItem) -> None:
    """Remove an item (after the page asked to confirm); the group's log keeps that it was,
    and its owner, unless they removed it, is told by e-mail."""
    locked = _locked(item)
    check(actor, "meetings.change_action_item", locked)
    record_audit(
        actor=actor,
        verb="action_item.removed",
        subject=locked.owner if locked.owner_id != actor.pk else None,
        group=locked.meeting.group,
        obj=locked,
        data={"meeting": locked.meeting_id, "due_on": locked.due_on.isoformat()},
    )
    notifications.action_item_taken(locked, owner=locked.owner, actor=actor, removed=True)
    locked.delete()


def release_action_items(*, user: User, group: Group) -> int:
    """The person's open action items in the group lose their owner: they need a new one.
    Done items keep who did them. Returns how many were released."""
    released = ActionItem.objects.filter(
        meeting__group=group, owner=user, done_at__isnull=True
    ).update(owner=None)
    if released:
        record_audit(
            actor=None,
            verb="action_items.released",
            subject=user,
            group=group,
            data={"count": released},
        )
    return released


def on_membership_ended(sender, *, group, user, actor, reason, **kwargs) -> None:
    """Receiver of ``groups.signals.membership_ended`` (left, removed, or the account deleted):
    connected in ``meetings/apps.py``."""
    release_action_items(user=user, group=group)


# --- reads -------------------------------------------------------------------------------------


def notes_of(meeting: Meeting) -> MeetingNotes | None:
    notes = (
        MeetingNotes.objects.select_related("updated_by__profile").filter(meeting=meeting).first()
    )
    if notes is not None:
        notes.meeting = meeting
    return notes


def action_items_of(meeting: Meeting) -> list[ActionItem]:
    """The meeting's items, open ones first (soonest due first), then the done ones; each with
    its owner's and its finisher's profile, and the meeting as it was loaded (the rules read the
    viewer's role from it)."""
    items = list(
        ActionItem.objects.filter(meeting=meeting).select_related(
            "owner__profile", "done_by__profile"
        )
    )
    for item in items:
        item.meeting = meeting
    return sorted(items, key=lambda item: (item.is_done, item.due_on, item.pk))


def action_item_for(user, pk: int) -> ActionItem:
    """An action item of a meeting ``user`` may see (``meeting_for``); 404 to anyone else. The
    loader of the action-item pages: the membership is recorded on the item and its meeting."""
    item = ActionItem.objects.select_related("owner__profile").filter(pk=pk).first()
    if item is None or not user.is_authenticated:
        raise Http404("No such action item.")
    item.meeting = meeting_for(user, item.meeting_id)
    return for_viewer(item, user, item.meeting.viewer_membership)


def open_action_items_for(user) -> QuerySet[ActionItem]:
    """What ``user`` has still to do, across their groups: soonest due (so overdue) first,
    with each item's meeting and group."""
    if not user.is_authenticated:
        return ActionItem.objects.none()
    return (
        ActionItem.objects.filter(
            owner=user,
            done_at__isnull=True,
            meeting__group__in=Membership.objects.filter(user=user).values("group_id"),
        )
        .select_related("meeting__group")
        .order_by("due_on", "id")
    )


@dataclass
class NotesSummary:
    written: bool  # the notes say something
    decisions: int
    items: int
    open_items: int


def notes_summary_for(meeting: Meeting) -> NotesSummary:
    """What the meeting page says of the notes, in one query."""
    row = (
        Meeting.objects.filter(pk=meeting.pk)
        .values(*(f"notes__{part}" for part in MeetingNotes.PARTS))
        .annotate(
            items=Count("action_items"),
            open_items=Count("action_items", filter=Q(action_items__done_at__isnull=True)),
        )
        .get()
    )
    notes = MeetingNotes(**{part: row[f"notes__{part}"] or "" for part in MeetingNotes.PARTS})
    return NotesSummary(
        written=not notes.is_empty,
        decisions=len(notes.decision_list),
        items=row["items"],
        open_items=row["open_items"],
    )
