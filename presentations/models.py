from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from meetings.enums import PRESENTATION_KINDS, SegmentKind
from presentations.enums import ElectionPhase, PresentationStatus, SwapRole, SwapStatus


class Presentation(models.Model):
    """Who holds a presentation slot (an agenda segment), and what they present.

    One row per slot at most: the database refuses a second holder. Case content lives in the
    ``case_*`` fields, is shown to the group's members only and is purged after the meeting.
    """

    # RESTRICT: deleting a segment on its own never takes a presentation (and what its presenter
    # wrote) with it; deleting the whole meeting still removes both.
    segment = models.OneToOneField(
        "meetings.AgendaSegment", on_delete=models.RESTRICT, related_name="presentation"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="presentations"
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presentations"
    )
    status = models.CharField(
        max_length=10, choices=PresentationStatus.choices, default=PresentationStatus.CONFIRMED
    )
    invited_until = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    # Case presentation (members only, purged after the meeting).
    case_question = models.TextField(_("consultation question"), blank=True, max_length=1000)
    case_background = models.TextField(_("de-identified background"), blank=True, max_length=4000)
    case_tried = models.TextField(_("what has been tried"), blank=True, max_length=3000)
    case_help_wanted = models.JSONField(_("help wanted"), default=list, blank=True)
    case_confirmed_findings = models.JSONField(
        default=list,
        blank=True,
        help_text="Possible identifiers the presenter confirmed are not identifying.",
    )
    case_saved_at = models.DateTimeField(null=True, blank=True)
    case_purged_at = models.DateTimeField(null=True, blank=True)
    # Topic presentation.
    topic_title = models.CharField(max_length=200, blank=True)
    topic_summary = models.TextField(blank=True, max_length=3000)
    topic_links = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["meeting", "segment__position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PresentationStatus.INVITED) | Q(invited_until__isnull=False),
                name="presentation_invitation_has_deadline",
            )
        ]
        indexes = [
            models.Index(fields=["presenter", "meeting"], name="presentation_presenter"),
            models.Index(fields=["status", "invited_until"], name="presentation_invites"),
        ]

    def __str__(self):
        # Never the case content: this string shows up in admin lists and logs.
        return f"{self.segment.get_kind_display()} by {self.presenter}"

    def get_absolute_url(self):
        return reverse("presentations:detail", kwargs={"pk": self.pk})

    @property
    def is_case(self) -> bool:
        return self.segment.kind == SegmentKind.CASE

    @property
    def is_invited(self) -> bool:
        """Offered by the rotation and not yet accepted."""
        return self.status == PresentationStatus.INVITED

    @property
    def has_case_content(self) -> bool:
        return bool(self.case_question or self.case_background or self.case_tried)


class DraftReason(models.TextChoices):
    SWAP = "swap", _("You handed the slot over in a swap")
    ASSIGNED_ELSEWHERE = "assigned_elsewhere", _("An organizer gave the slot to someone else")
    UNASSIGNED = "unassigned", _("An organizer took you off the slot")
    REMOVED_FROM_AGENDA = "removed_from_agenda", _("An organizer removed the slot from the agenda")
    PASSED_ON = "passed_on", _("The rotation invitation passed on")
    WITHDRAWN = "withdrawn", _("You gave up the slot")
    LEFT_GROUP = "left_group", _("You left the group")
    REMOVED_FROM_GROUP = "removed_from_group", _("An organizer removed you from the group")


class CaseDraft(models.Model):
    """What a presenter wrote for a slot they no longer hold, kept for them alone.

    Case content belongs to its author: when a slot changes hands without the author asking
    to delete their text, it moves here and the slot starts blank. Only the author ever sees a
    draft; it is purged on the group's case retention schedule, counted from ``created_at``.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_drafts"
    )
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    source_meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(
        max_length=10, choices=[(kind.value, kind.label) for kind in PRESENTATION_KINDS]
    )
    case_question = models.TextField(_("consultation question"), blank=True, max_length=1000)
    case_background = models.TextField(_("de-identified background"), blank=True, max_length=4000)
    case_tried = models.TextField(_("what has been tried"), blank=True, max_length=3000)
    case_help_wanted = models.JSONField(_("help wanted"), default=list, blank=True)
    case_confirmed_findings = models.JSONField(default=list, blank=True)
    topic_title = models.CharField(max_length=200, blank=True)
    topic_summary = models.TextField(blank=True, max_length=3000)
    topic_links = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=20, choices=DraftReason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["author", "-created_at"], name="casedraft_author")]

    def __str__(self):
        # Never the content: this string shows up in admin lists and logs.
        return f"Draft #{self.pk} ({self.get_kind_display().lower()})"

    def get_absolute_url(self):
        return reverse("presentations:draft", kwargs={"pk": self.pk})

    @property
    def heading(self) -> str:
        """For the author's own list: the question or the title."""
        return self.topic_title if self.kind == SegmentKind.TOPIC else self.case_question


RECOGNITION_FLAG_SALT = "peercircle.presentations.RecognitionFlag.flagger_key"


def recognition_flag_key(*, user_id: int, presentation_id: int, secret: str | None = None) -> str:
    """Who flagged, as only the running site can recognise it: an HMAC of the user and the
    presentation, keyed with the SECRET_KEY. The database alone cannot say who flagged, and
    the same member gets a different key on every presentation."""
    return salted_hmac(
        RECOGNITION_FLAG_SALT,
        f"{presentation_id}:{user_id}",
        secret=secret or settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()


def recognition_flag_keys(*, user_id: int, presentation_id: int) -> list[str]:
    """The member's key under the current SECRET_KEY and every fallback, so that flags stay
    recognised while keys are rotated."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        recognition_flag_key(user_id=user_id, presentation_id=presentation_id, secret=secret)
        for secret in secrets
    ]


class RecognitionFlagQuerySet(models.QuerySet):
    def by_member(self, user, presentation_id: int):
        """The flag ``user`` raised on this presentation, if any (at most one)."""
        return self.filter(
            presentation_id=presentation_id,
            flagger_key__in=recognition_flag_keys(user_id=user.pk, presentation_id=presentation_id),
        )


class RecognitionFlag(models.Model):
    """A member privately says “I may know this client”. Nobody learns who: not the presenter,
    not the organizers, not a site admin, not someone reading the database. The flagger is
    stored only as ``recognition_flag_key`` (a keyed hash), enough to hide the case from them
    and to refuse a second flag."""

    presentation = models.ForeignKey(
        Presentation, on_delete=models.CASCADE, related_name="recognition_flags"
    )
    flagger_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RecognitionFlagQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["presentation", "flagger_key"], name="recognition_once")
        ]

    def __str__(self):
        return f"Recognition flag #{self.pk}"


class SwapOffer(models.Model):
    """An offer to hand a presentation slot or the facilitation of a meeting to another member."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=SwapRole.choices)
    presentation = models.ForeignKey(
        Presentation, null=True, blank=True, on_delete=models.CASCADE, related_name="swap_offers"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swaps_offered"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swaps_received"
    )
    status = models.CharField(max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "role", "from_user"],
                condition=Q(status=SwapStatus.PENDING),
                name="swap_one_pending_offer",
            ),
            models.CheckConstraint(
                condition=~Q(role=SwapRole.PRESENTER) | Q(presentation__isnull=False),
                name="swap_presenter_needs_slot",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} swap {self.from_user} → {self.to_user}"


class RotationDecline(models.Model):
    """A member declined (or let expire) a rotation invitation for one meeting."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=SwapRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "role"], name="rotation_decline_once"
            )
        ]

    def __str__(self):
        return f"{self.user} declined {self.role} for meeting {self.meeting_id}"


class Election(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="elections")
    title = models.CharField(max_length=150, default="Group leader")
    term_starts_on = models.DateField()
    term_ends_on = models.DateField()
    nominations_close_at = models.DateTimeField()
    voting_closes_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    winner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_note = models.TextField(blank=True)
    results = models.JSONField(default=list, blank=True, help_text="[{nominee, votes}] at close.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voting_closes_at__gt=models.F("nominations_close_at")),
                name="election_voting_after_nominations",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("term_starts_on")),
                name="election_term_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["group"], condition=Q(closed_at__isnull=True), name="election_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.title} election in {self.group}"

    def get_absolute_url(self):
        return reverse("presentations:election", kwargs={"pk": self.pk})

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if self.closed_at or now >= self.voting_closes_at:
            return ElectionPhase.CLOSED
        if now < self.nominations_close_at:
            return ElectionPhase.NOMINATING
        return ElectionPhase.VOTING


class Nomination(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["election", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["election", "nominee"], name="nomination_once")
        ]

    def __str__(self):
        return f"{self.nominee} for {self.election}"


class Ballot(models.Model):
    """That a member voted (so nobody votes twice). What they voted is only in the tallies,
    as counts that cannot be traced to a ballot (see ``VoteTally``)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "voter"], name="ballot_once")]

    def __str__(self):
        return f"Ballot in {self.election}"


class VoteTally(models.Model):
    """How many secret votes a nominee has received: a count, never a row per vote.

    A row per vote, however anonymous, can be paired with the ballot written in the same
    transaction (PostgreSQL's ``xmin``), or by the order of the rows. So a vote only adds one
    to a count, and every vote rewrites the tallies of all the election's nominees alike: all
    tallies carry the same transaction id (the latest vote's) and sit in no order that depends
    on anyone's choice. No voter, no time."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="tallies")
    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="tally")
    votes = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Tally in {self.election}"


class LeadershipTerm(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="terms")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leadership_terms"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    election = models.OneToOneField(
        Election, null=True, blank=True, on_delete=models.SET_NULL, related_name="term"
    )

    class Meta:
        ordering = ["group", "-starts_on"]

    def __str__(self):
        return f"{self.leader} leads {self.group} {self.starts_on} to {self.ends_on}"


class FollowUpStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the next meeting to be scheduled")
    PROPOSED = "proposed", _("On the agenda, waiting for the organizers")
    ACCEPTED = "accepted", _("On the agenda")
    REMOVED = "removed", _("Ended")


# A follow-up that still asks for time: one at most per case presentation.
LIVE_FOLLOW_UP = (FollowUpStatus.WAITING, FollowUpStatus.PROPOSED, FollowUpStatus.ACCEPTED)


class FollowUpEnd(models.TextChoices):
    """How a follow-up ended (``status`` removed)."""

    REMOVED = "removed", _("An organizer took it off the agenda")
    AGENDA_EDITED = "agenda_edited", _("An organizer removed it while editing the agenda")
    WITHDRAWN = "withdrawn", _("You withdrew it")
    LEFT_GROUP = "left_group", _("You left the group")
    REMOVED_FROM_GROUP = "removed_from_group", _("An organizer removed you from the group")
    ACCOUNT_DELETED = "account_deleted", _("The account was deleted")
    CASE_GONE = "case_gone", _("The case presentation no longer exists")


# Ended by an organizer's decision about one meeting: the next request for the same case
# goes to a later meeting.
ORGANIZER_ENDINGS = (FollowUpEnd.REMOVED, FollowUpEnd.AGENDA_EDITED)


class FollowUpReason(models.TextChoices):
    """What an organizer may say when taking a follow-up off the agenda: a choice, never free
    text, so the presenter's e-mail carries nothing anyone wrote."""

    NONE = "", _("No reason given")
    FULL = "full", _("The agenda of this meeting is full")
    LATER = "later", _("Please bring it to a later meeting")
    OUTSIDE = "outside", _("Let's talk it over outside the meeting")


class FollowUp(models.Model):
    """A presenter asks to report back on their case at the group's next meeting.

    The follow-up gets a short ``SegmentKind.FOLLOW_UP`` segment on the next scheduled meeting
    (``meeting``, ``segment``) and waits for the organizers to accept or remove it. With no
    next meeting yet it waits (``status`` waiting, no meeting) until one is scheduled. It holds
    no text: only who, which case and which meeting.
    """

    # SET_NULL: the case presentation going (with its meeting) never takes the request's
    # history with it; a live follow-up without its case ends (services.followups).
    source = models.ForeignKey(
        Presentation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_ups"
    )
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    # The meeting it is (or was) planned for; kept after it ends, so that the next request
    # for the same case skips a meeting where the organizers said no.
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SET_NULL: an organizer deleting the segment in the agenda editor ends the follow-up (the
    # services reconcile it and tell the presenter).
    segment = models.OneToOneField(
        "meetings.AgendaSegment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up",
    )
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.WAITING
    )
    ended_because = models.CharField(max_length=20, choices=FollowUpEnd.choices, blank=True)
    reason = models.CharField(max_length=10, choices=FollowUpReason.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status__in=LIVE_FOLLOW_UP),
                name="followup_one_live_per_source",
            ),
            models.CheckConstraint(
                condition=~Q(status=FollowUpStatus.WAITING)
                | Q(meeting__isnull=True, segment__isnull=True),
                name="followup_waiting_has_no_meeting",
            ),
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.REMOVED, ended_at__isnull=False)
                | (~Q(status=FollowUpStatus.REMOVED) & Q(ended_at__isnull=True)),
                name="followup_ended_when_removed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "group"], name="followup_status_group"),
            models.Index(fields=["presenter", "status"], name="followup_presenter"),
        ]

    def __str__(self):
        # Never anything a member wrote: this string shows up in admin lists and logs.
        return f"Case follow-up #{self.pk} ({self.status})"

    def get_absolute_url(self):
        if self.source_id is None:
            return self.group.get_absolute_url()
        return reverse("presentations:follow_up", kwargs={"pk": self.source_id})

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_FOLLOW_UP

    @property
    def reason_choices(self) -> list[tuple[str, str]]:
        """What an organizer may say when removing it (the meeting page's select)."""
        return FollowUpReason.choices

    @property
    def shown_status(self) -> str:
        """The status as it stands, before the services have caught up (hourly) with what
        happened around it: its case gone or its segment deleted in the agenda editor (ended),
        its meeting cancelled (waiting again). Reads ``meeting`` (load it with the follow-up)."""
        if self.status not in (FollowUpStatus.PROPOSED, FollowUpStatus.ACCEPTED):
            return self.status
        if self.source_id is None:
            return FollowUpStatus.REMOVED
        if self.meeting_id is None or self.meeting.is_cancelled:
            return FollowUpStatus.WAITING
        if self.segment_id is None:
            return FollowUpStatus.REMOVED
        return self.status
