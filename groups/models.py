import secrets
import unicodedata
from datetime import time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.uploads import kind_label, random_path
from groups.enums import (
    ACTIVE_WAITLIST_STATUSES,
    ApplicationStatus,
    Cadence,
    GroupFormat,
    GroupStatus,
    Language,
    LeadershipModel,
    MembershipPolicy,
    Orientation,
    Purpose,
    ResourceCategory,
    Role,
    VenueKind,
    WaitlistStatus,
    Weekday,
)
from members.models import validate_timezone

# Lazy: a new group's form offers them in the organizer's language; saved, they are the group's
# own words and never translated again.
DEFAULT_GROUND_RULES = _(
    """\
1. Confidentiality. What is said in this group stays in this group. We never share client-identifying \
detail (names, dates of birth, addresses, workplaces, rare details) without the client's written consent, \
and we de-identify every case we present ("Client A, a woman in her thirties").
2. Non-judgment. We bring stuck cases and hard feelings here because it is safe to. We offer ideas, \
questions and validation, not verdicts.
3. Conduct. We arrive on time, give each presenter our full attention, keep to the agenda's times, and \
speak for ourselves. Disagreement is welcome; disrespect is not.
4. Presenting a case. The presenter states the consultation question first, then the de-identified \
background, what has been tried, and what help is wanted. The group answers the question asked.
5. Duty to act. If a discussion raises a safety or ethics concern, we name it and agree on who follows up.
6. Leaving the group. Confidentiality continues after a member leaves."""
)

CAPACITY_MIN = 2
# Within the advice under the field (3 to 6): six gives breadth and room for newcomers.
CAPACITY_DEFAULT = 6
CAPACITY_MAX = 30
NEW_MEMBER_WEEKS = 6  # how long a member is "new": the welcome, the buddy, the badge
FOUNDING_PERIOD = timedelta(days=7)  # who joins a new group in its first week founds it


# The one meaning of "free seat", for pages, filters, sorting and the services alike: capacity
# minus the members minus everyone on the waitlist. A seat held by an open offer is not free, and
# while anybody waits, a seat is theirs before it is a newcomer's. Negative when more people wait
# than seats are coming; ``Group.seats_left`` shows it as 0. Indexed (``group_seats_left``).
SEATS_LEFT = models.F("capacity") - models.F("member_count") - models.F("waitlist_count")


# Words a city's name is written either way ("St. Louis", "Saint Louis"): the short form.
CITY_WORDS = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}


def city_key(city: str) -> str:
    """The city as browse compares it: the part before a comma ("Denver, CO" is Denver),
    without accents ("São Paulo" is "sao paulo"), case or punctuation, "Saint" as "st".
    Stored on the group (``Group.city_key``, indexed) and worked out from what a visitor
    types."""
    name = city.split(",", 1)[0]
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in plain if not unicodedata.combining(char)).casefold()
    words = "".join(char if char.isalnum() else " " for char in plain).split()
    return " ".join(CITY_WORDS.get(word, word) for word in words)[:100]


class CityKeyField(models.CharField):
    """``city_key`` of the row's ``city``, worked out whenever the row is written (``save``,
    ``bulk_create``): a derived column, never typed. A service that saves ``update_fields``
    with ``city`` in them adds ``city_key`` (``groups.services.groups.update_group``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = city_key(model_instance.city or "")
        setattr(model_instance, self.attname, value)
        return value


def weekday_mask(days) -> int:
    mask = 0
    for day in days:
        mask |= 1 << int(day)
    return mask


def weekdays_from_mask(mask: int) -> list[int]:
    return [day for day in Weekday.values if mask & (1 << day)]


class Group(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(
        blank=True, help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    purpose_support = models.BooleanField(_("support and well-being"), default=False)
    purpose_consultation = models.BooleanField(_("peer case consultation"), default=False)
    purpose_collaboration = models.BooleanField(_("professional collaboration"), default=False)
    focus_specialties = models.ManyToManyField(
        "members.Specialty", blank=True, related_name="groups"
    )
    # What the browse filter reads; the note below says the rest in the group's own words.
    orientation = models.CharField(
        _("secular or faith-integrated"),
        max_length=20,
        choices=Orientation.choices,
        default=Orientation.NOT_STATED,
        blank=True,
        help_text=_(
            "Therapists looking for a secular or a faith-integrated group can filter the "
            "group list by this. Say more in your own words below."
        ),
    )
    orientation_note = models.CharField(
        _("orientation and values"),
        max_length=300,
        blank=True,
        help_text=_("For example: secular, faith-integrated, LGBTQ+-affirming."),
    )
    format = models.CharField(
        max_length=20, choices=GroupFormat.choices, default=GroupFormat.INFORMAL
    )
    leadership_model = models.CharField(
        max_length=20, choices=LeadershipModel.choices, default=LeadershipModel.APPOINTED
    )
    membership_policy = models.CharField(
        max_length=10, choices=MembershipPolicy.choices, default=MembershipPolicy.OPEN
    )
    eligibility_criteria = models.TextField(
        blank=True,
        help_text=_("Who may join, for example “licensed clinicians practising in Denver”."),
    )
    capacity = models.PositiveSmallIntegerField(
        default=CAPACITY_DEFAULT,
        validators=[MinValueValidator(CAPACITY_MIN), MaxValueValidator(CAPACITY_MAX)],
        help_text=_("Most peer groups work best with 3 to 6 members."),
    )
    member_count = models.PositiveSmallIntegerField(default=0, editable=False)
    waitlist_count = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text="People on the waitlist, waiting or holding a seat offer (kept by the services).",
    )
    venue_kind = models.CharField(
        max_length=20, choices=VenueKind.choices, default=VenueKind.IN_PERSON
    )
    venue_name = models.CharField(max_length=150, blank=True)
    street_address = models.CharField(max_length=250, blank=True)
    city = models.CharField(max_length=100, blank=True)
    # What the browse filter compares: city_key(city), kept by the field itself.
    city_key = CityKeyField(default="")
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    # Where the city is (WGS84 degrees), from ``city`` and ``region`` through the offline
    # gazetteer (members.places); kept by the groups services, None where the place is not known.
    # What "near me" on browse measures from (groups.filters.near).
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    address_public = models.BooleanField(
        _("show the street address to everyone"),
        default=False,
        help_text=_("Off: only members see the street address."),
    )
    online_link = models.URLField(
        _("online meeting link"), blank=True, help_text=_("Only members ever see this link.")
    )
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    weekdays = models.PositiveSmallIntegerField(
        default=0, help_text="Usual weekdays, as a bit mask (Monday = bit 0)."
    )
    usual_time = models.TimeField(default=time(19, 0))
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.EN)
    ground_rules = models.TextField(default=DEFAULT_GROUND_RULES)
    status = models.CharField(
        max_length=10, choices=GroupStatus.choices, default=GroupStatus.ACTIVE
    )
    warn_low_rsvp = models.BooleanField(
        _("warn me when fewer than three are going"),
        default=True,
        help_text=_(
            "Organizers get an e-mail 48 hours before a meeting with fewer than three "
            "members going."
        ),
    )
    signup_opens_days = models.PositiveSmallIntegerField(
        _("presentation sign-up opens (days before the meeting)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    signup_cutoff_hours = models.PositiveSmallIntegerField(
        _("sign-up closes (hours before the meeting)"),
        default=24,
        validators=[MaxValueValidator(336)],
    )
    max_slots_per_member = models.PositiveSmallIntegerField(
        _("presentation slots one member may hold per meeting"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    requires_verified_licence = models.BooleanField(
        _("ask for a licence PeerCircle has checked"),
        default=False,
        help_text=_(
            "Closed groups: applicants need a licence our site admins have checked against "
            "the licensing board's record, and so do the organizers who vet them."
        ),
    )
    welcome_message = models.TextField(
        _("welcome to newcomers"),
        blank=True,
        max_length=3000,
        help_text=_(
            "Newcomers read it on their welcome page, with the ground rules, the next "
            "meeting and what to expect. Leave it empty for a short welcome of our own."
        ),
    )
    newcomer_meetings = models.PositiveSmallIntegerField(
        _("newcomers settle in for (meetings)"),
        default=2,
        validators=[MaxValueValidator(6)],
        help_text=_(
            "For their first meetings, the rotation does not ask newcomers to present or "
            "facilitate (they may still sign up). 0 asks them at once."
        ),
    )
    case_retention_days = models.PositiveSmallIntegerField(
        _("keep case details for (days after the meeting)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("0 keeps them. After this, only “Case presentation by …” remains."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="group_status_created"),
            models.Index(fields=["status", "name"], name="group_status_name"),
            models.Index(
                fields=["city_key", "status", "-created_at", "-id"], name="group_city_key"
            ),
            models.Index(fields=["status", "membership_policy"], name="group_status_policy"),
            models.Index(fields=["status", "venue_kind"], name="group_status_venue"),
            models.Index(fields=["status", "cadence"], name="group_status_cadence"),
            models.Index(fields=["status", "language"], name="group_status_language"),
            models.Index(fields=["status", "orientation"], name="group_status_orientation"),
            models.Index(SEATS_LEFT, name="group_seats_left"),
            # "Near me": the bounding box is a range on both (groups.filters.near). It carries
            # what browse's page of ids near a place filters and orders on (the usual filters),
            # so that page is read from the index alone (portal.views.browse.CountedPaginator).
            models.Index(
                fields=["latitude", "longitude"],
                include=[
                    "id",
                    "status",
                    "venue_kind",
                    "created_at",
                    "name",
                    "format",
                    "capacity",
                    "member_count",
                    "waitlist_count",
                ],
                name="group_coordinates",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=CAPACITY_MIN) & Q(capacity__lte=CAPACITY_MAX),
                name="group_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(member_count__lte=models.F("capacity")),
                name="group_members_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(purpose_support=True)
                | Q(purpose_consultation=True)
                | Q(purpose_collaboration=True),
                name="group_has_a_purpose",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def seats_left(self) -> int:
        """Seats a newcomer may take now: see ``SEATS_LEFT``, the one definition."""
        return max(self.capacity - self.member_count - self.waitlist_count, 0)

    @property
    def is_open(self) -> bool:
        return self.membership_policy == MembershipPolicy.OPEN

    @property
    def purposes(self) -> list[str]:
        chosen = []
        if self.purpose_support:
            chosen.append(Purpose.SUPPORT)
        if self.purpose_consultation:
            chosen.append(Purpose.CONSULTATION)
        if self.purpose_collaboration:
            chosen.append(Purpose.COLLABORATION)
        return chosen

    @property
    def purpose_labels(self) -> list[str]:
        return [purpose.label for purpose in self.purposes]

    @property
    def weekday_list(self) -> list[int]:
        return weekdays_from_mask(self.weekdays)

    @property
    def weekday_labels(self) -> list[str]:
        return [Weekday(day).label for day in self.weekday_list]


class GroundRulesVersion(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="rules_versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["group", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="rules_version_unique")
        ]

    def __str__(self):
        return f"{self.group} ground rules v{self.number}"


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    rules_version = models.ForeignKey(
        GroundRulesVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rules_accepted_at = models.DateTimeField(null=True, blank=True)
    facilitates = models.BooleanField(
        _("willing to facilitate"),
        default=True,
        help_text=_("Included in the facilitator rotation of groups that rotate."),
    )
    buddy_volunteer = models.BooleanField(
        _("willing to be a newcomer's buddy"),
        default=False,
        help_text=_("Paired with a newcomer for their first weeks: someone to ask."),
    )
    # The newcomer's buddy (another membership of the same group). When the buddy leaves,
    # their membership row goes and the newcomer is simply without one.
    buddy = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="buddied"
    )
    # The version of the group's confidentiality agreement (a Document) this member accepted.
    agreement_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "joined_at"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]
        indexes = [models.Index(fields=["user", "group"], name="membership_user_group")]

    def __str__(self):
        return f"{self.user} in {self.group} ({self.get_role_display()})"

    @property
    def manages(self) -> bool:
        return self.role in (Role.ORGANIZER, Role.CO_ORGANIZER)

    @property
    def is_new(self) -> bool:
        """Joined within the last ``NEW_MEMBER_WEEKS`` weeks, and not among those who founded
        the group in its first week: marked "new" on the members list, shown their welcome
        and their buddy."""
        founding = self.group.created_at + FOUNDING_PERIOD
        return self.joined_at > max(timezone.now() - timedelta(weeks=NEW_MEMBER_WEEKS), founding)


class WaitlistEntry(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    rules_version = models.ForeignKey(
        GroundRulesVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["group", "created_at", "id"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status__in=ACTIVE_WAITLIST_STATUSES),
                name="waitlist_one_active_entry",
            ),
            models.CheckConstraint(
                condition=~Q(status=WaitlistStatus.OFFERED) | Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "status", "created_at"], name="waitlist_queue"),
            models.Index(fields=["status", "offer_expires_at"], name="waitlist_offer_expiry"),
        ]

    def __str__(self):
        return f"{self.user} waiting for {self.group} ({self.get_status_display()})"


class ApplicationQuestion(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group", "position", "id"]

    def __str__(self):
        return self.text


class Application(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    answers = models.JSONField(
        default=list, blank=True, help_text="A list of {question, answer} pairs, as asked."
    )
    note = models.TextField(blank=True, max_length=2000)
    consent_to_share_profile = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_message = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "applicant"],
                condition=Q(status=ApplicationStatus.PENDING),
                name="application_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(consent_to_share_profile=True),
                name="application_needs_consent",
            ),
        ]
        indexes = [models.Index(fields=["group", "status"], name="application_queue")]

    def __str__(self):
        return f"{self.applicant} → {self.group} ({self.get_status_display()})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An organizer withdrew the link before it was used: it admits nobody from then on.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The limits on sending: per address and group, per organizer and group.
            models.Index(fields=["group", "email", "created_at"], name="invitation_group_email"),
            models.Index(
                fields=["group", "invited_by", "created_at"], name="invitation_group_sender"
            ),
        ]

    def __str__(self):
        return f"Invitation to {self.group} for {self.email}"

    def get_absolute_url(self):
        return reverse("groups:invitation", kwargs={"token": self.token})

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class Resource(models.Model):
    """A link a member shares with the group's library."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="resources")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    url = models.URLField(_("link"), max_length=500)
    note = models.TextField(blank=True, max_length=1000)
    category = models.CharField(max_length=20, choices=ResourceCategory.choices)
    pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pinned", "-created_at", "-id"]
        indexes = [models.Index(fields=["group", "category"], name="resource_group_category")]

    def __str__(self):
        return self.title


# A document an organizer removed from the library stays this long for its author alone.
DOCUMENT_KEPT_FOR_AUTHOR = timedelta(days=30)


def document_file_path(instance: "DocumentVersion", filename: str) -> str:
    """A random path under the group's folder. What the file was called is kept in ``name``
    (cleaned), never in the path, so nothing a person typed reaches the file system."""
    return random_path(f"documents/{instance.document.group_id}", filename)


class Document(models.Model):
    """A file in the group's library: members only, every version kept.

    One document of a group may be its confidentiality agreement: members accept its current
    version on joining and again on each new one (``Membership.agreement_version``)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=1000)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_agreement = models.BooleanField(_("the group's confidentiality agreement"), default=False)
    # The last day it is in the library (the group's calendar); then it is removed.
    available_until = models.DateField(null=True, blank=True)
    current = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Removed from the library by someone other than its author: kept for the author alone to
    # download for DOCUMENT_KEPT_FOR_AUTHOR, then deleted (groups.services.documents).
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_agreement", "-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"], condition=Q(is_agreement=True), name="document_one_agreement"
            ),
            models.CheckConstraint(
                condition=Q(is_agreement=False)
                | Q(available_until__isnull=True, removed_at__isnull=True),
                name="document_agreement_stays",
            ),
        ]
        indexes = [
            models.Index(fields=["available_until"], name="document_available_until"),
            models.Index(fields=["removed_at"], name="document_removed_at"),
            models.Index(fields=["group", "removed_at"], name="document_group_library"),
        ]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_file_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def kind_label(self) -> str:
        """ "PDF", "Word document": what the file is, for the page."""
        return kind_label(self.content_type)
