"""The referral network: colleagues are people who share at least one group.

Who may see whose profile and who may write to whom follows from group membership, so these
reads and the colleague message live above both ``members`` and ``groups``.
"""

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.access import check
from config.errors import DomainError
from groups.models import Group, Membership
from members import dates
from members.enums import NotificationKind
from members.models import Delivery, TherapistProfile, User
from members.notifications import notify
from members.rules import is_site_admin
from members.services import ensure_profile, record_audit, record_confirmations
from portal.rules import record_colleague


def co_member_ids(user: User) -> QuerySet:
    """Ids of everyone who shares at least one group with ``user`` (``user`` included)."""
    return Membership.objects.filter(group__memberships__user=user).values("user_id")


def profiles_visible_to(viewer: User) -> QuerySet[TherapistProfile]:
    base = TherapistProfile.objects.select_related("user", "licence_verified_by__profile")
    if not viewer.is_authenticated:
        return base.none()
    if is_site_admin(viewer):
        return base
    return base.filter(Q(user=viewer) | Q(user_id__in=co_member_ids(viewer)))


def get_profile_for_viewer(viewer: User, pk: int) -> TherapistProfile:
    """The profile if ``viewer`` may open it; otherwise 404, exactly as if it did not exist.

    The loader of the profile page (``portal.view_profile``): someone else's profile that a
    member who is not a site admin could open was found through a shared group, and that is
    recorded for the rule."""
    profile = (
        profiles_visible_to(viewer)
        .prefetch_related("specialties", "modalities", "populations")
        .filter(pk=pk)
        .first()
    )
    if profile is None:
        raise Http404("No such profile.")
    if profile.user_id != viewer.pk and not is_site_admin(viewer):
        record_colleague(profile, viewer, shares_a_group=True)
    return profile


def shared_groups(viewer: User, other: User):
    return (
        Group.objects.filter(memberships__user=viewer)
        .filter(memberships__user=other)
        .distinct()
        .order_by("name")
    )


def network_for(user: User) -> QuerySet[TherapistProfile]:
    """Profiles of active colleagues who share at least one group with ``user``, ``user`` excluded.

    Never wider than that, not even for site admins: the referral finder is no directory.
    The membership subquery yields each colleague once however many groups they share.
    """
    if not user.is_authenticated:
        return TherapistProfile.objects.none()
    return (
        TherapistProfile.objects.filter(user_id__in=co_member_ids(user), user__is_active=True)
        .exclude(user_id=user.pk)
        .select_related("user")
        .prefetch_related("specialties", "modalities", "populations")
        .order_by("display_name", "pk")
    )


# What a card of the referral finder shows of a colleague, and no more.
CARD_FIELDS = (
    "user_id",
    "display_name",
    "pronouns",
    "credential_type",
    "city",
    "region",
    "accepting_referrals",
    "show_email_to_colleagues",
    "user__email",
)
# The kinds of term a card lists, in the order it lists them: the name of the list each
# profile gets (``attach_terms``) and the many-to-many field it comes from.
CARD_TERMS = (
    ("specialty_names", "specialties"),
    ("modality_names", "modalities"),
    ("population_names", "populations"),
)


def filter_vocabulary() -> dict[str, list[tuple[str, str]]]:
    """The terms the referral finder's filters offer, as (slug, name) in name order for each of
    ``specialties``, ``modalities`` and ``populations``: the choices of ``ColleagueFilter``'s
    term fields, read in one query instead of one per field."""
    names = [name for _, name in CARD_TERMS]
    parts = [
        TherapistProfile._meta.get_field(name)
        .related_model.objects.annotate(kind=Value(kind))
        .values_list("kind", "slug", "name")
        .order_by()
        for kind, name in enumerate(names)
    ]
    vocabulary: dict[str, list[tuple[str, str]]] = {name: [] for name in names}
    for kind, slug, name in parts[0].union(*parts[1:], all=True).order_by("kind", "name"):
        vocabulary[names[kind]].append((slug, name))
    return vocabulary


def colleague_cards(profiles: QuerySet[TherapistProfile]) -> QuerySet[TherapistProfile]:
    """``profiles`` narrowed to what the referral finder's cards show; their terms come from
    ``attach_terms`` (one query for a page) instead of a prefetch per kind."""
    return profiles.prefetch_related(None).only(*CARD_FIELDS)


def first_page_or_count(paginator: Paginator, number) -> Page:
    """``paginator.get_page(number)``, without its COUNT query when the first page is asked
    for (no number, or 1) and everything fits on it: one row more than a page is read, and
    fewer than that is the whole list, so its length is the count."""
    if number not in (None, "", "1"):
        return paginator.get_page(number)
    rows = list(paginator.object_list[: paginator.per_page + 1])
    if len(rows) <= paginator.per_page:
        paginator.count = len(rows)  # the cached property, known without asking
    page = paginator.page(1)
    page.object_list = rows[: paginator.per_page]
    return page


def attach_terms(profiles: list[TherapistProfile]) -> list[TherapistProfile]:
    """Give each profile its specialties, modalities and populations served as lists of names
    (``specialty_names``, ``modality_names``, ``population_names``), each in name order, as
    the prefetched relations list them, read in one query for all of ``profiles``."""
    ids = [profile.pk for profile in profiles]
    names: dict[tuple[int, int], list[str]] = {}
    if ids:
        parts = []
        for kind, (_, name) in enumerate(CARD_TERMS):
            field = TherapistProfile._meta.get_field(name)
            parts.append(
                field.remote_field.through.objects.filter(
                    **{f"{field.m2m_field_name()}_id__in": ids}
                )
                .annotate(kind=Value(kind), name=F(f"{field.m2m_reverse_field_name()}__name"))
                .values_list(f"{field.m2m_field_name()}_id", "kind", "name")
            )
        rows = parts[0].union(*parts[1:], all=True).order_by("kind", "name")
        for profile_id, kind, name in rows:
            names.setdefault((profile_id, kind), []).append(name)
    for profile in profiles:
        for kind, (attribute, _) in enumerate(CARD_TERMS):
            setattr(profile, attribute, names.get((profile.pk, kind), []))
    return profiles


# A key no profile has, put in a route's URL to find where each card's own key goes.
_STAND_IN = 987654321987654321


def _url_maker(route: str):
    before, after = reverse(route, args=[_STAND_IN]).split(str(_STAND_IN))
    return lambda pk: f"{before}{pk}{after}"


def attach_links(profiles: list[TherapistProfile]) -> list[TherapistProfile]:
    """Give each profile its card's links (``profile_url``, ``contact_url``), each route
    reversed once for the whole page instead of once per card."""
    profile_url, contact_url = _url_maker("members:profile"), _url_maker("members:contact")
    for profile in profiles:
        profile.profile_url = profile_url(profile.pk)
        profile.contact_url = contact_url(profile.pk)
    return profiles


def get_colleague_profile(user: User, pk: int) -> TherapistProfile:
    """A colleague's profile from ``user``'s network; otherwise 404, as if it did not exist.

    The loader of the contact page (``portal.message_colleague``); that the two share a group
    is recorded for the rule."""
    profile = network_for(user).filter(pk=pk).first()
    if profile is None:
        raise Http404("No such colleague.")
    return record_colleague(profile, user, shares_a_group=True)


# --- messages between colleagues ------------------------------------------------------------

COLLEAGUE_MESSAGE_MAX_LENGTH = 3000
COLLEAGUE_MESSAGE_LIMIT = 10
COLLEAGUE_MESSAGE_WINDOW_MINUTES = 60


class ColleagueMessageLimitReached(DomainError):
    """The sender has sent as many colleague messages as the window allows."""

    def __init__(self, *, retry_at):
        self.retry_at = retry_at
        at = dates.clock_zone(retry_at)
        super().__init__(
            ngettext(
                "You have sent %(count)d message in the last hour, which is as many as "
                "PeerCircle sends for one person, so that inboxes stay calm. Your message has "
                "not been sent. Please try again after %(at)s.",
                "You have sent %(count)d messages in the last hour, which is as many as "
                "PeerCircle sends for one person, so that inboxes stay calm. Your message has "
                "not been sent. Please try again after %(at)s.",
                COLLEAGUE_MESSAGE_LIMIT,
            )
            % {"count": COLLEAGUE_MESSAGE_LIMIT, "at": at}
        )


@transaction.atomic
def send_colleague_message(
    *,
    sender: User,
    recipient_profile: TherapistProfile,
    message: str,
    guard_summary: dict | None = None,
):
    """E-mail ``message`` to a colleague who shares a group with ``sender``; return the Delivery.

    The e-mail shows the sender's address to the recipient, never the other way round.
    At most ``COLLEAGUE_MESSAGE_LIMIT`` messages per ``COLLEAGUE_MESSAGE_WINDOW_MINUTES``,
    counted from the Delivery rows under a lock on the sender's profile, so two requests at
    once cannot both slip under the limit. Anyone else: ``NotAllowed``
    (``portal.message_colleague``).
    """
    text = message.strip()
    if not text:
        raise ValidationError(_("The message is empty."), code="required")
    if len(text) > COLLEAGUE_MESSAGE_MAX_LENGTH:
        raise ValidationError(_("The message is too long."), code="max_length")
    check(sender, "portal.message_colleague", recipient_profile)
    sender_profile = TherapistProfile.objects.select_for_update(of=("self",)).get(
        pk=ensure_profile(user=sender).pk
    )
    window = timedelta(minutes=COLLEAGUE_MESSAGE_WINDOW_MINUTES)
    now = timezone.now()
    recent = list(
        Delivery.objects.filter(
            kind=NotificationKind.COLLEAGUE_MESSAGE,
            template="colleague_message",
            object_type=TherapistProfile._meta.label_lower,
            object_id=sender_profile.pk,
            created_at__gt=now - window,
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:COLLEAGUE_MESSAGE_LIMIT]
    )
    if len(recent) >= COLLEAGUE_MESSAGE_LIMIT:
        raise ColleagueMessageLimitReached(retry_at=recent[-1] + window)
    (delivery,) = notify(
        kind=NotificationKind.COLLEAGUE_MESSAGE,
        template="colleague_message",
        obj=sender_profile,
        actor=sender,
        recipients=[recipient_profile.user],
        dedupe_key=uuid.uuid4().hex,
        context={"message": text, "sender_id": sender.pk},
    )
    record_audit(
        actor=sender,
        verb="colleague.messaged",
        subject=recipient_profile.user,
        obj=delivery,
        data={"length": len(text)},
    )
    # What the sender confirmed is not a client identifier (the form's guard), never the text.
    record_confirmations(actor=sender, summary=guard_summary or {}, what="colleague message")
    return delivery
