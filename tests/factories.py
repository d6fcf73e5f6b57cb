from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify

from groups.enums import ApplicationStatus, MembershipPolicy, Role, WaitlistStatus
from groups.models import (
    Application,
    ApplicationQuestion,
    Group,
    Invitation,
    Membership,
    WaitlistEntry,
)
from groups.services.base import sync_member_count, sync_waitlist_count
from groups.services.groups import record_rules_version
from members.models import Modality, Population, Specialty, TherapistProfile, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"therapist{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        if extracted is False:
            EmailAddress.objects.create(user=self, email=self.email, verified=False, primary=True)
        else:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create and extracted is not False:
            ProfileFactory(user=self, **kwargs)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapistProfile

    user = factory.SubFactory(UserFactory, profile=False)
    display_name = factory.Faker("name")
    time_zone = "America/New_York"
    credential_type = "lcsw"
    licence_number = factory.Sequence(lambda n: f"LCSW-{10000 + n}")
    licence_region = "Colorado"
    city = "Denver"


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Specialty {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ModalityFactory(SpecialtyFactory):
    class Meta:
        model = Modality
        django_get_or_create = ("slug",)


class PopulationFactory(SpecialtyFactory):
    class Meta:
        model = Population
        django_get_or_create = ("slug",)


class GroupFactory(factory.django.DjangoModelFactory):
    """A group with no members yet and its first ground-rules version (as the groups service
    records it). Add people with ``MembershipFactory``."""

    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Peer group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    tagline = "A small group of colleagues"
    purpose_consultation = True
    membership_policy = MembershipPolicy.OPEN
    city = "Denver"
    capacity = 8

    @factory.post_generation
    def rules(self, create, extracted, **kwargs):
        if create:
            record_rules_version(group=self, actor=None)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A member in any role, placed directly (no seat check, no audit entry: a test's starting
    point). The group's ``member_count`` is counted by the groups services' own function."""

    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        membership = super()._create(model_class, *args, **kwargs)
        sync_member_count(membership.group)
        return membership


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    """Someone waiting for a seat; ``offered=True`` gives them an open 48-hour offer."""

    class Meta:
        model = WaitlistEntry

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    status = WaitlistStatus.WAITING

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Group.waitlist_count is part of "free seats": counted by the services' own function.
        entry = super()._create(model_class, *args, **kwargs)
        sync_waitlist_count(entry.group)
        return entry

    class Params:
        offered = factory.Trait(
            status=WaitlistStatus.OFFERED,
            offered_at=factory.LazyFunction(timezone.now),
            offer_expires_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48)),
        )


class ApplicationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationQuestion

    group = factory.SubFactory(GroupFactory, membership_policy=MembershipPolicy.CLOSED)
    text = factory.Sequence(lambda n: f"Question {n}: what brings you here?")
    required = True
    position = factory.Sequence(lambda n: n)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    group = factory.SubFactory(GroupFactory, membership_policy=MembershipPolicy.CLOSED)
    applicant = factory.SubFactory(UserFactory)
    status = ApplicationStatus.PENDING
    answers = factory.LazyFunction(list)
    consent_to_share_profile = True


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    group = factory.SubFactory(GroupFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A scheduled one-off meeting a week from now, 90 minutes long."""

    class Meta:
        model = "meetings.Meeting"

    group = factory.SubFactory(GroupFactory)
    title = "Group meeting"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))


class AgendaSegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.AgendaSegment"

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    kind = "discussion"
    minutes = 10


class RsvpFactory(factory.django.DjangoModelFactory):
    """An answer from a member of the meeting's group (make the membership yourself)."""

    class Meta:
        model = "meetings.Rsvp"

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    answer = "going"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    status = "present"


def group_of(people: list[tuple[str, str]], **group_kwargs) -> Group:
    """A group with named people in the given roles (``[("Olga Organizer", Role.ORGANIZER),
    ...]``); ``joined_at=`` places every membership at that moment, ground rules accepted then.
    Find each again with ``person(group, name)``."""
    joined_at = group_kwargs.pop("joined_at", None)
    group = GroupFactory(**group_kwargs)
    placed = {}
    if joined_at is not None:
        version = group.rules_versions.first()
        placed = {"joined_at": joined_at, "rules_accepted_at": joined_at, "rules_version": version}
    for name, role in people:
        MembershipFactory(
            group=group, role=role, user=UserFactory(profile__display_name=name), **placed
        )
    return group


def person(group: Group, name: str) -> User:
    """The member of ``group`` with that display name (see ``group_of``)."""
    membership = group.memberships.select_related("user__profile")
    return membership.get(user__profile__display_name=name).user
