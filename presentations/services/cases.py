"""Case and topic content, the de-identification guard, recognition flags and the purge."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.guard import (
    FieldFinding,
    IdentifiersFound,
    check_free_text,
    confirmation_summary,
)
from meetings.enums import SegmentKind
from members.services import record_audit
from presentations import notifications
from presentations.enums import HelpWanted
from presentations.models import (
    CaseDraft,
    DraftReason,
    Presentation,
    RecognitionFlag,
    recognition_flag_key,
)
from presentations.services.base import PresentationError, check

CASE_FIELDS = {
    "case_question": gettext_lazy("consultation question"),
    "case_background": gettext_lazy("background"),
    "case_tried": gettext_lazy("what has been tried"),
}


# One guard for every free text (config/guard.py): the same detector, findings and keys.
TOPIC_GUARDED_FIELDS = ("topic_title", "topic_summary")


class DeidentificationRequired(PresentationError, IdentifiersFound):
    """The text contains what looks like client identifiers; nothing was saved."""

    def __init__(self, findings: list[FieldFinding]):
        IdentifiersFound.__init__(self, findings)


def _guard(data: dict, fields, confirmed) -> list[FieldFinding]:
    try:
        return check_free_text(data, fields, confirmed)
    except IdentifiersFound as exc:
        raise DeidentificationRequired(exc.findings) from None


def _own_presentation(user, presentation_id: int) -> Presentation:
    """The presentation, locked, once ``user`` may change it (its presenter, a member)."""
    presentation = (
        Presentation.objects.select_for_update(of=("self",))
        .select_related("meeting__group", "segment")
        .filter(pk=presentation_id)
        .first()
    )
    if presentation is None:
        raise PresentationError(_("That presentation no longer exists."))
    check(user, "presentations.change_presentation", presentation)
    return presentation


@transaction.atomic
def save_case(
    *,
    user,
    presentation_id: int,
    data: dict,
    confirmed: set[str] = frozenset(),
    draft_id: int | None = None,
) -> Presentation:
    """Save a case in the consultation structure, once it passes the de-identification guard.

    Each possible identifier must be revised away or confirmed, one by one, as not identifying;
    the confirmations are recorded with the case. A case started from one of the author's
    drafts (``draft_id``) uses the draft up: it is deleted once the case is saved.
    """
    presentation = _own_presentation(user, presentation_id)
    if not presentation.is_case:
        raise PresentationError(_("This slot is a topic presentation, not a case."))
    if presentation.case_purged_at:
        raise PresentationError(_("This case was removed after the meeting, as the group asked."))
    if not (data.get("case_question") or "").strip():
        raise PresentationError(_("Say what you want from the group: the consultation question."))
    help_wanted = [h for h in data.get("case_help_wanted", []) if h in HelpWanted.values]
    findings = _guard(data, CASE_FIELDS, confirmed)
    now = timezone.now()
    for field in CASE_FIELDS:
        setattr(presentation, field, (data.get(field) or "").strip())
    presentation.case_help_wanted = help_wanted
    presentation.case_confirmed_findings = [
        {"field": f.field, "kind": f.kind, "text": f.text, "confirmed_at": now.isoformat()}
        for f in findings
    ]
    presentation.case_saved_at = now
    presentation.full_clean(exclude=["segment", "meeting", "presenter"])
    presentation.save(
        update_fields=[*CASE_FIELDS, "case_help_wanted", "case_confirmed_findings", "case_saved_at"]
    )
    _use_up_draft(user, draft_id)
    record_audit(
        actor=user,
        verb="case.saved",
        subject=user,
        group=presentation.meeting.group,
        obj=presentation,
        data=confirmation_summary(findings),  # counts and kinds only, never the content
    )
    return presentation


@transaction.atomic
def save_topic(
    *,
    user,
    presentation_id: int,
    title: str,
    summary: str,
    links: list[str],
    confirmed: set[str] = frozenset(),
    draft_id: int | None = None,
):
    """Save a topic's title, summary and links. Title and summary pass the de-identification
    guard like a case: each possible identifier is revised away or confirmed (``confirmed``
    holds the findings' keys); the audit entry keeps counts and kinds, never the text."""
    presentation = _own_presentation(user, presentation_id)
    if presentation.is_case:
        raise PresentationError(_("This slot is a case presentation, not a topic."))
    if presentation.case_purged_at:
        raise PresentationError(_("This topic was removed after the meeting, as the group asked."))
    if not title.strip():
        raise PresentationError(_("Give the talk a title."))
    findings = _guard(
        {"topic_title": title, "topic_summary": summary}, TOPIC_GUARDED_FIELDS, confirmed
    )
    presentation.topic_title = title.strip()
    presentation.topic_summary = summary.strip()
    presentation.topic_links = list(links)
    presentation.save(update_fields=["topic_title", "topic_summary", "topic_links"])
    _use_up_draft(user, draft_id)
    record_audit(
        actor=user,
        verb="topic.saved",
        subject=user,
        group=presentation.meeting.group,
        obj=presentation,
        data=confirmation_summary(findings),
    )
    return presentation


@transaction.atomic
def flag_recognition(*, user, presentation_id: int) -> RecognitionFlag:
    """“I may know this client.” The presenter is told someone may, never who."""
    presentation = (
        Presentation.objects.select_related("meeting__group", "segment")
        .filter(pk=presentation_id)
        .first()
    )
    if presentation is None:
        raise PresentationError(_("That presentation no longer exists."))
    check(user, "presentations.flag_case", presentation)
    if not presentation.is_case:
        raise PresentationError(_("Only case presentations can be flagged."))
    if presentation.presenter_id == user.pk:
        raise PresentationError(_("This is your own case."))
    if RecognitionFlag.objects.by_member(user, presentation.pk).exists():  # under an older key
        raise PresentationError(_("You have already flagged this case."))
    try:
        with transaction.atomic():
            flag = RecognitionFlag.objects.create(
                presentation=presentation,
                flagger_key=recognition_flag_key(user_id=user.pk, presentation_id=presentation.pk),
            )
    except IntegrityError as exc:
        raise PresentationError(_("You have already flagged this case.")) from exc
    # Neither the flag nor the audit entry names anyone: only that a flag was raised here.
    record_audit(
        actor=None,
        verb="case.recognition_flagged",
        group=presentation.meeting.group,
        obj=presentation,
    )
    notifications.recognition_flagged(presentation)
    return flag


def _due_for_purge(kind: str, now) -> list[int]:
    candidates = (
        Presentation.objects.filter(
            case_purged_at__isnull=True, segment__kind=kind, meeting__ends_at__lte=now
        )
        .exclude(meeting__group__case_retention_days=0)
        .values_list("pk", "meeting__ends_at", "meeting__group__case_retention_days")
    )
    return [pk for pk, ended, days in candidates if ended + timedelta(days=days) <= now]


def purge_expired_cases(*, now=None) -> int:
    """Blank case and topic content a group-chosen number of days after the meeting (the
    group's ``case_retention_days``; 0 keeps it). ``case_purged_at`` marks either as done.
    Safe to rerun; returns how many presentations were blanked."""
    now = now or timezone.now()
    purged = 0
    if due := _due_for_purge(SegmentKind.CASE, now):
        purged += Presentation.objects.filter(pk__in=due, case_purged_at__isnull=True).update(
            case_question="",
            case_background="",
            case_tried="",
            case_help_wanted=[],
            case_confirmed_findings=[],
            case_purged_at=now,
        )
    if due := _due_for_purge(SegmentKind.TOPIC, now):
        purged += Presentation.objects.filter(pk__in=due, case_purged_at__isnull=True).update(
            topic_title="",
            topic_summary="",
            topic_links=[],
            case_confirmed_findings=[],
            case_purged_at=now,
        )
    return purged


# --- content belongs to its author -----------------------------------------------------------

TOPIC_FIELDS = ("topic_title", "topic_summary", "topic_links")
RELEASED_FIELDS = (
    *CASE_FIELDS,
    "case_help_wanted",
    "case_confirmed_findings",
    "case_saved_at",
    *TOPIC_FIELDS,
)


def _has_content(presentation: Presentation) -> bool:
    return any(
        getattr(presentation, field) for field in (*CASE_FIELDS, "case_help_wanted", *TOPIC_FIELDS)
    )


def release_presentation_content(*, presentation: Presentation, reason: str) -> CaseDraft | None:
    """The presenter is leaving this slot without having asked to delete what they wrote.

    Their text moves into a private ``CaseDraft`` for them (if they wrote anything), the slot's
    content, confirmations and recognition flags are cleared, so that whoever holds the slot
    next starts blank and never sees a colleague's client material. Call it inside the
    caller's transaction, with the presentation locked, before the presenter changes or the
    presentation is deleted. Returns the draft, or None if there was nothing to keep.
    """
    if reason not in DraftReason.values:
        raise ValueError(f"Unknown reason {reason!r}")
    draft = None
    if _has_content(presentation):
        draft = CaseDraft.objects.create(
            author_id=presentation.presenter_id,
            group_id=presentation.meeting.group_id,
            source_meeting_id=presentation.meeting_id,
            kind=presentation.segment.kind,
            reason=reason,
            case_question=presentation.case_question,
            case_background=presentation.case_background,
            case_tried=presentation.case_tried,
            case_help_wanted=list(presentation.case_help_wanted),
            case_confirmed_findings=list(presentation.case_confirmed_findings),
            topic_title=presentation.topic_title,
            topic_summary=presentation.topic_summary,
            topic_links=list(presentation.topic_links),
        )
    for field in CASE_FIELDS:
        setattr(presentation, field, "")
    presentation.topic_title = presentation.topic_summary = ""
    presentation.case_help_wanted = []
    presentation.case_confirmed_findings = []
    presentation.topic_links = []
    presentation.case_saved_at = None
    presentation.save(update_fields=list(RELEASED_FIELDS))
    # "I may know this client" is about this author's client: it never carries over.
    RecognitionFlag.objects.filter(presentation=presentation).delete()
    return draft


def _use_up_draft(user, draft_id: int | None) -> None:
    if draft_id is not None:
        CaseDraft.objects.filter(pk=draft_id, author=user).delete()


@transaction.atomic
def discard_draft(*, user, draft_id: int) -> None:
    """The author throws one of their drafts away."""
    deleted, _by_model = CaseDraft.objects.filter(pk=draft_id, author=user).delete()
    if not deleted:
        raise PresentationError(_("That draft is already gone."))
    # Private to the author: no group, and never the content.
    record_audit(actor=user, verb="draft.discarded", subject=user)


def purge_expired_drafts(*, now=None) -> int:
    """Drafts follow the group's case retention rule, counted from when the draft was made
    (0 keeps them). Safe to rerun."""
    now = now or timezone.now()
    candidates = (
        CaseDraft.objects.exclude(group__case_retention_days=0)
        .filter(created_at__lte=now)
        .values_list("pk", "created_at", "group__case_retention_days")
    )
    due = [pk for pk, created, days in candidates if created + timedelta(days=days) <= now]
    if not due:
        return 0
    deleted, _by_model = CaseDraft.objects.filter(pk__in=due).delete()
    return deleted
