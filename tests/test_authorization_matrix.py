"""Authorization matrix: every URL of the project, asked by every kind of visitor.

The URL list comes from the resolver, so a new URL without an entry in ``EXPECTED`` fails
until somebody decides who may open it. STYLE.md rule 2: an object a visitor may not see is
a 404, never a 403 and never a 200.

Roles: anonymous, unverified (signed in, e-mail not verified, no groups), outsider (verified,
no groups), applicant (pending application to the closed group), member and organizer of the
closed group, organizer of another (open) group, and a site admin (is_staff + is_superuser).
Every URL kwarg points into the closed group, its meeting, election and so on.
"""

import importlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from groups.enums import LeadershipModel, MembershipPolicy, Role
from groups.models import Resource
from meetings.models import CalendarFeedToken, Certificate, OutsideHours
from members.enums import NotificationKind
from members.models import LicenceCheck
from members.notifications import unsubscribe_token
from presentations.models import CaseDraft, Election, Presentation, SwapOffer
from tests.factories import (
    AdminFactory,
    AgendaSegmentFactory,
    ApplicationFactory,
    GroupFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
    WaitlistEntryFactory,
)

ROLES = (
    "anonymous",
    "unverified",
    "outsider",
    "applicant",
    "member",
    "other_organizer",
    "organizer",
    "admin",
)
LOGIN = "login"  # 302 to the login page
EXCLUDED_PREFIXES = ("accounts/", "admin/", "static/", "media/", "__debug__/")
EXCLUDED_NAMESPACES = ("admin",)


# --- The URL list, from the resolver -------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in EXCLUDED_NAMESPACES or route.startswith(EXCLUDED_PREFIXES):
                continue
            full_ns = ":".join(filter(None, [namespace, ns])) or None
            yield from _walk(entry.url_patterns, route, full_ns)
        elif isinstance(entry, URLPattern):
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            name = entry.name or route
            yield (f"{namespace}:{name}" if namespace else name), route


def project_urls() -> dict[str, str]:
    return dict(_walk(get_resolver().url_patterns))


URLS = project_urls()


# --- Expectations ---------------------------------------------------------------------------


def _everyone(status, **overrides):
    return dict.fromkeys(ROLES, status) | overrides


def public(status=200, **overrides):
    return _everyone(status, **overrides)


def signed_in(ok=200, **overrides):
    """login_required; every signed-in visitor gets ``ok``."""
    return _everyone(ok, **({"anonymous": LOGIN} | overrides))


def members_only(ok=200, **overrides):
    """The closed group's members only; 404 to everyone else, site admins included."""
    return _everyone(404, **({"anonymous": LOGIN, "member": ok, "organizer": ok} | overrides))


def organizers_only(ok=200, admin=404, **overrides):
    """The closed group's organizers only (``admin``: what a site admin gets).

    Site admins see a group's manage pages (get_group_for_manager), but pages that act as an
    organizer of the group (meetings, agenda, elections) stay 404 to them.
    """
    return _everyone(404, **({"anonymous": LOGIN, "organizer": ok, "admin": admin} | overrides))


GET, POST = "get", "post"

# name -> (method, kwargs keys from the world, expected status per role)
EXPECTED: dict[str, tuple[str, dict]] = {
    # config
    "landing": (GET, public()),
    "healthz": (GET, public()),
    "robots": (GET, public()),
    "sitemap": (GET, public()),
    "sitemap_section": (GET, public()),
    "readyz": (GET, public()),
    # members
    "members:dashboard": (GET, signed_in()),
    "members:profile_edit": (GET, signed_in()),
    "members:set_language": (GET, public(302)),
    "members:profile": (GET, members_only(admin=200)),  # the member's profile
    # The licence queue and one licence check: site admins only.
    "members:licence_queue": (GET, _everyone(404, anonymous=LOGIN, admin=200)),
    "members:licence_check": (GET, _everyone(404, anonymous=LOGIN, admin=200)),
    "members:notifications": (GET, signed_in()),
    "members:my_data": (GET, signed_in()),
    "members:export": (GET, signed_in()),
    "members:delete_account": (POST, signed_in()),  # empty form: the page again
    "members:unsubscribe": (GET, public()),
    "members:network": (GET, signed_in()),
    # the organizer's profile: colleagues only; not oneself, not even for site admins
    "members:contact": (GET, members_only(organizer=404)),
    # groups
    "groups:browse": (GET, public()),
    "groups:create": (GET, signed_in()),
    "groups:vetting_queue": (GET, signed_in()),
    "groups:vetting_detail": (GET, organizers_only(admin=200)),
    "groups:invitation": (GET, public()),  # the invitee's landing page before sign-up
    "groups:detail": (GET, public()),
    "groups:edit": (GET, organizers_only(admin=200)),
    "groups:health": (GET, organizers_only(admin=200)),
    "groups:we_miss_you": (GET, organizers_only()),  # a note from the group: its organizers
    "groups:join": (GET, signed_in(302)),  # closed group: to the application form
    "groups:leave": (GET, members_only()),
    "groups:waitlist_accept": (POST, signed_in(302)),
    "groups:waitlist_decline": (POST, signed_in(302)),
    "groups:waitlist_leave": (POST, signed_in(302)),
    "groups:apply": (GET, signed_in(applicant=302)),
    "groups:withdraw": (POST, signed_in(302)),
    "groups:manage_members": (GET, organizers_only(admin=200)),
    "groups:change_role": (POST, organizers_only(302, admin=302)),
    "groups:remove_member": (GET, organizers_only(admin=302)),
    "groups:hand_over": (POST, organizers_only(302, admin=302)),
    "groups:invite": (GET, organizers_only(admin=200)),
    # admins see the invite page but only the group's organizers revoke: back to it, with a note
    "groups:invitation_revoke": (GET, organizers_only(admin=302)),
    "groups:questions": (GET, organizers_only(admin=200)),
    "groups:audit": (GET, organizers_only(admin=200)),
    "groups:accept_rules": (GET, members_only()),
    "groups:rules_diff": (GET, members_only()),
    "groups:resources": (GET, members_only()),
    "groups:welcome": (GET, members_only()),
    "groups:buddy": (POST, members_only(302)),
    "groups:resource_pin": (POST, organizers_only(302)),
    "groups:resource_remove": (POST, members_only(302)),
    # meetings
    "meetings:detail": (GET, members_only()),
    "meetings:edit": (GET, organizers_only()),
    "meetings:cancel": (GET, organizers_only()),
    "meetings:agenda": (GET, organizers_only()),
    "meetings:rsvp": (POST, members_only(302)),
    "meetings:attendance": (GET, organizers_only()),
    "meetings:ics": (GET, members_only()),
    "meetings:create": (GET, organizers_only()),  # admins look, only organizers schedule
    "meetings:agenda_template": (GET, organizers_only()),
    "meetings:group_attendance": (GET, organizers_only(admin=200)),
    "meetings:export_roster": (GET, organizers_only()),  # admins look, copies are the organizers'
    "meetings:export_register": (GET, organizers_only()),
    "meetings:export_hours": (GET, organizers_only()),
    "meetings:sign_in_sheet": (GET, organizers_only()),
    "meetings:calendar_settings": (GET, signed_in()),
    "meetings:calendar_regenerate": (POST, signed_in(302)),
    "meetings:my_attendance": (GET, signed_in()),
    "meetings:hours": (GET, signed_in()),
    "meetings:hours_log": (POST, signed_in()),  # an empty form: the page again, with errors
    "meetings:renewal": (GET, signed_in()),
    # a logged entry is its owner's alone (the member's here): 404 to everyone else
    "meetings:hours_remove": (GET, _everyone(404, anonymous=LOGIN, member=200)),
    "meetings:my_hours_csv": (GET, signed_in()),
    "meetings:my_hours_pdf": (GET, signed_in()),
    "meetings:my_certificates_csv": (GET, signed_in()),
    "meetings:certificate_new": (POST, signed_in()),  # empty form: the page again
    "meetings:certificate_pdf": (GET, _everyone(404, anonymous=LOGIN, member=200)),
    "meetings:verify_lookup": (GET, public()),
    "meetings:verify": (GET, public()),
    "meetings:feed": (GET, public()),
    "meetings:group_feed": (GET, public()),
    # presentations
    "presentations:detail": (GET, members_only()),
    "presentations:flag": (POST, members_only(302)),
    "presentations:claim": (POST, members_only(302)),
    "presentations:withdraw": (POST, members_only(302, organizer=404)),  # not their slot
    "presentations:assign": (POST, organizers_only(302)),
    "presentations:unassign": (POST, organizers_only(302)),
    "presentations:move_up": (POST, organizers_only(302)),
    "presentations:move_down": (POST, organizers_only(302)),
    "presentations:offer_swap_presenter": (POST, members_only(302)),
    "presentations:offer_swap_facilitator": (POST, members_only(302)),
    "presentations:answer_swap": (POST, members_only(302)),
    "presentations:fill_from_queue": (POST, organizers_only(302)),
    "presentations:answer_invitation": (POST, members_only(302)),
    "presentations:set_facilitator": (POST, organizers_only(302)),
    "presentations:rotate": (POST, organizers_only(302)),
    "presentations:drafts": (GET, signed_in()),  # each sees only their own drafts
    # A draft is its author's alone (the member here): 404 to everyone else, admins included.
    "presentations:draft": (GET, _everyone(404, anonymous=LOGIN, member=200)),
    "presentations:discard_draft": (POST, _everyone(404, anonymous=LOGIN, member=200)),
    "presentations:election_create": (GET, organizers_only()),
    "presentations:election": (GET, members_only()),
    "presentations:nominate": (POST, members_only(302)),
    "presentations:vote": (POST, members_only(302)),
    "presentations:close_election": (POST, organizers_only(302)),
}

# Apps whose URLs are decided in their own tests package: each module has ``EXPECTED`` (entries
# as above) and ``build(world) -> {url name: URL kwargs}``, called once the world below exists
# (``world["objects"]`` holds the closed group, its meeting and presentation, the open group).
EXTENSIONS = (
    "tests.alerts.authorization",
    "tests.board.authorization",
    "tests.consultations.authorization",
    "tests.groups.authorization",
    "tests.meetings.authorization",
    "tests.polls.authorization",
    "tests.presentations.authorization",
)
for _module in EXTENSIONS:
    EXPECTED |= importlib.import_module(_module).EXPECTED


# --- One world for the whole module ---------------------------------------------------------


def build_world() -> dict:
    now = timezone.now()
    users = {
        "unverified": UserFactory(verified=False),
        "outsider": UserFactory(),
        "applicant": UserFactory(),
        "member": UserFactory(),
        "other_organizer": UserFactory(),
        "organizer": UserFactory(),
        "admin": AdminFactory(),
    }
    open_group = GroupFactory(membership_policy=MembershipPolicy.OPEN)
    closed = GroupFactory(
        membership_policy=MembershipPolicy.CLOSED, leadership_model=LeadershipModel.ELECTED
    )
    MembershipFactory(group=open_group, user=users["other_organizer"], role=Role.ORGANIZER)
    MembershipFactory(group=closed, user=users["organizer"], role=Role.ORGANIZER)
    membership = MembershipFactory(group=closed, user=users["member"], role=Role.MEMBER)
    application = ApplicationFactory(group=closed, applicant=users["applicant"])
    invitation = InvitationFactory(group=closed)
    outside_entry = OutsideHours.objects.create(
        user=users["member"], day=now.date(), category="ce", provider="CE Co", hours=2
    )
    licence_check = LicenceCheck.objects.create(
        profile=users["member"].profile, licence_number="LCSW-MATRIX", licence_region="Colorado"
    )
    WaitlistEntryFactory(group=closed, offered=True)  # someone else, waiting for a seat

    meeting = MeetingFactory(group=closed)
    AgendaSegmentFactory(meeting=meeting, position=0, kind="discussion", minutes=15)
    case = AgendaSegmentFactory(meeting=meeting, position=1, kind="case", minutes=30)
    AgendaSegmentFactory(meeting=meeting, position=2, kind="topic", minutes=20)
    presentation = Presentation.objects.create(
        segment=case,
        meeting=meeting,
        presenter=users["member"],
        case_question="How do I hold the boundary with Client A?",
        case_background="Client A, a woman in her thirties, in therapy for a year.",
        case_tried="Naming the pattern in session.",
        case_saved_at=now,
    )
    offer = SwapOffer.objects.create(
        meeting=meeting,
        role="presenter",
        presentation=presentation,
        from_user=users["member"],
        to_user=users["organizer"],
    )
    draft = CaseDraft.objects.create(
        author=users["member"],
        group=closed,
        source_meeting=meeting,
        kind="case",
        case_question="How do I hold the boundary with Client B?",
        reason="swap",
    )
    election = Election.objects.create(
        group=closed,
        term_starts_on=(now + timedelta(days=30)).date(),
        term_ends_on=(now + timedelta(days=395)).date(),
        nominations_close_at=now + timedelta(days=7),
        voting_closes_at=now + timedelta(days=14),
        opened_by=users["organizer"],
    )
    resource = Resource.objects.create(
        group=closed,
        added_by=users["organizer"],
        title="Boundaries reading list",
        url="https://example.com/boundaries",
        category=Resource._meta.get_field("category").choices[0][0],
    )
    certificate = Certificate.objects.create(
        user=users["member"],
        group=closed,
        holder_name="A Member",
        group_name=closed.name,
        period_start=(now - timedelta(days=60)).date(),
        period_end=(now - timedelta(days=1)).date(),
        meetings=[],
        total_minutes=90,
    )
    feed = CalendarFeedToken.objects.create(user=users["member"])
    kwargs = {
        "slug": closed.slug,
        "pk": None,  # depends on the URL, see url_kwargs
        "segment_id": case.pk,
        "offer_id": offer.pk,
        "presentation_id": presentation.pk,
        "membership_id": membership.pk,
        "token": None,
        "code": certificate.code,
    }
    world = {
        "users": users,
        "objects": {
            "group": closed,
            "open_group": open_group,
            "meeting": meeting,
            "presentation": presentation,
        },
        "kwargs": kwargs,
        "pk": {
            "members": users["member"].profile.pk,
            "members:contact": users["organizer"].profile.pk,
            "members:licence_check": licence_check.pk,
            "meetings:hours_remove": outside_entry.pk,
            "groups:vetting_detail": application.pk,
            "groups:invitation_revoke": invitation.pk,
            "groups:resource": resource.pk,
            "meetings": meeting.pk,
            "presentations:detail": presentation.pk,
            "presentations:flag": presentation.pk,
            "presentations:election": election.pk,
            "presentations:draft": draft.pk,
            "presentations:discard_draft": draft.pk,
            "presentations": meeting.pk,
        },
        "token": {
            "groups": invitation.token,
            "members": unsubscribe_token(users["member"].pk, NotificationKind.MEETING_REMINDER),
            "meetings": feed.token,
        },
        "election_pk": election.pk,
    }
    world["explicit"] = {"sitemap_section": {"section": "groups"}}
    for module in EXTENSIONS:
        world["explicit"] |= importlib.import_module(module).build(world)
    return world


ELECTION_URLS = {"presentations:nominate", "presentations:vote", "presentations:close_election"}


def url_kwargs(world, name: str, route: str) -> dict:
    if name in world["explicit"]:
        return world["explicit"][name]
    app = name.split(":")[0]
    wanted = [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]
    kwargs = {}
    for key in wanted:
        if key == "pk":
            pks = world["pk"]
            if name in ELECTION_URLS:
                kwargs[key] = world["election_pk"]
            elif name.startswith("groups:resource_"):
                kwargs[key] = pks["groups:resource"]
            else:
                kwargs[key] = pks.get(name, pks.get(app))
        elif key == "token":
            kwargs[key] = world["token"][app]
        else:
            kwargs[key] = world["kwargs"][key]
    return kwargs


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once; every test runs in a savepoint inside this transaction and rolls back."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- The tests ------------------------------------------------------------------------------


def test_every_url_has_an_expectation():
    """New URLs need a decision here; renamed or removed ones need their entry gone."""
    assert URLS, "the resolver walk found no URLs"
    assert sorted(set(URLS) - set(EXPECTED)) == [], "URLs without an expectation"
    assert sorted(set(EXPECTED) - set(URLS)) == [], "expectations for URLs that do not exist"


def test_healthz_and_landing_are_in_the_walk():
    assert {"landing", "healthz", "groups:detail", "meetings:feed"} <= set(URLS)
    assert not any(route.startswith(("accounts/", "admin/")) for route in URLS.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(URLS))
def test_authorization(world, db, name, role):
    if name not in EXPECTED:
        pytest.fail(f"{name} ({URLS[name]}) has no entry in EXPECTED: decide who may open it")
    method, expected = EXPECTED[name]
    want = expected[role]
    url = reverse(name, kwargs=url_kwargs(world, name, URLS[name]))
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.get(url) if method == GET else client.post(url, {})
    got = response.status_code
    if want == LOGIN:
        login = reverse("account_login")
        assert got == 302 and response["Location"].startswith(login), (
            f"{method.upper()} {url} as {role}: expected a redirect to {login}, got {got} "
            f"{response.get('Location', '')}"
        )
    else:
        assert got == want, (
            f"{method.upper()} {url} as {role}: expected {want}, got {got} "
            f"{response.get('Location', '')}"
        )
