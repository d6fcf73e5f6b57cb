"""The rules of presentations/rules.py, asked directly: each rule for a member, a co-organizer,
an organizer, an outsider, an anonymous visitor and a site admin who is not a member."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from config import access
from groups.enums import LeadershipModel, Role
from meetings.enums import SegmentKind
from meetings.models import AgendaSegment, Meeting
from presentations import rules
from presentations.models import Election, Presentation, RecognitionFlag, recognition_flag_key
from tests.factories import (
    AdminFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = ("member", "co_organizer", "organizer", "outsider", "anonymous", "admin")

#                                      member co_org  org    outsid anon   admin
MEMBERS = dict(zip(PEOPLE, (True, True, True, False, False, False), strict=True))
MANAGERS = dict(zip(PEOPLE, (False, True, True, False, False, False), strict=True))
PRESENTER = dict(zip(PEOPLE, (True, False, False, False, False, False), strict=True))
NOBODY = dict.fromkeys(PEOPLE, False)

# rule -> (object, who passes it). The presentation is the member's; the group elects its leader.
EXPECTED = {
    "presentations.ask_follow_up": ("presentation", PRESENTER),
    "presentations.decide_follow_up": ("meeting", MANAGERS),
    "presentations.view_presentation": ("presentation", MEMBERS),
    "presentations.view_case": ("presentation", MEMBERS),
    "presentations.change_presentation": ("presentation", PRESENTER),
    "presentations.flag_case": ("presentation", MEMBERS),
    "presentations.sign_up": ("meeting", MEMBERS),
    "presentations.swap": ("meeting", MEMBERS),
    "presentations.answer_invitation": ("meeting", MEMBERS),
    "presentations.manage_slots": ("meeting", MANAGERS),
    "presentations.hold_election": ("group", MANAGERS),
    "presentations.view_election": ("election", MEMBERS),
    "presentations.nominate": ("election", MEMBERS),
    "presentations.vote": ("election", MEMBERS),
    "presentations.close_election": ("election", MANAGERS),
}


@pytest.fixture
def world():
    group = GroupFactory(leadership_model=LeadershipModel.ELECTED)
    people = {
        "member": MembershipFactory(group=group, role=Role.MEMBER).user,
        "co_organizer": MembershipFactory(group=group, role=Role.CO_ORGANIZER).user,
        "organizer": MembershipFactory(group=group, role=Role.ORGANIZER).user,
        "outsider": MembershipFactory().user,  # a member of another group
        "anonymous": AnonymousUser(),
        "admin": AdminFactory(),
    }
    meeting = MeetingFactory(group=group)
    segment = AgendaSegment.objects.create(
        meeting=meeting, position=0, kind=SegmentKind.CASE, minutes=30
    )
    presentation = Presentation.objects.create(
        segment=segment, meeting=meeting, presenter=people["member"]
    )
    now = timezone.now()
    election = Election.objects.create(
        group=group,
        term_starts_on=(now + timedelta(days=30)).date(),
        term_ends_on=(now + timedelta(days=395)).date(),
        nominations_close_at=now + timedelta(days=7),
        voting_closes_at=now + timedelta(days=14),
        opened_by=people["organizer"],
    )
    return {
        "people": people,
        "objects": {"group": group, "election": election},
        "pks": {"meeting": meeting.pk, "presentation": presentation.pk},
    }


def _fresh(world, kind):
    """The object as a service would read it: nothing recorded on it for any viewer."""
    if kind == "presentation":
        return Presentation.objects.select_related("meeting__group").get(
            pk=world["pks"]["presentation"]
        )
    if kind == "meeting":
        return Meeting.objects.get(pk=world["pks"]["meeting"])
    model = type(world["objects"][kind])
    return model.objects.get(pk=world["objects"][kind].pk)


def test_every_declared_rule_is_in_the_table():
    declared = {name for name in access.declared() if name.startswith("presentations.")}
    assert declared == set(EXPECTED)


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule(world, rule, who):
    kind, passes = EXPECTED[rule]
    user = world["people"][who]

    assert access.allowed(user, rule, _fresh(world, kind)) is passes[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_no_one_holds_an_election_where_the_leader_is_not_elected(world, who):
    group = _fresh(world, "group")
    group.leadership_model = LeadershipModel.ROTATING

    assert access.allowed(world["people"][who], "presentations.hold_election", group) is False


@pytest.mark.parametrize("who", PEOPLE)
def test_nobody_reads_a_purged_case(world, who):
    presentation = _fresh(world, "presentation")
    presentation.case_purged_at = timezone.now()

    allowed = access.allowed(world["people"][who], "presentations.view_case", presentation)

    assert allowed is NOBODY[who]


def test_a_member_who_flagged_the_case_no_longer_reads_it_the_others_still_do(world):
    people = world["people"]
    pk = world["pks"]["presentation"]
    RecognitionFlag.objects.create(
        presentation_id=pk,
        flagger_key=recognition_flag_key(user_id=people["co_organizer"].pk, presentation_id=pk),
    )

    def reads(who: str) -> bool:
        # flagged_by_me is what presentation_for annotates for the viewer
        presentation = _fresh(world, "presentation")
        presentation.flagged_by_me = RecognitionFlag.objects.by_member(people[who], pk).exists()
        return access.allowed(people[who], "presentations.view_case", presentation)

    assert {who: reads(who) for who in ("member", "co_organizer", "organizer")} == {
        "member": True,
        "co_organizer": False,
        "organizer": True,
    }


# --- the predicates on their own ------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_is_presenter(world, who):
    presentation = _fresh(world, "presentation")

    assert rules.is_presenter(world["people"][who], presentation) is PRESENTER[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_is_presentation_member(world, who):
    presentation = _fresh(world, "presentation")

    assert rules.is_presentation_member(world["people"][who], presentation) is MEMBERS[who]


@pytest.mark.parametrize(
    ("model", "elected"),
    [(LeadershipModel.ELECTED, True), *((m, False) for m in LeadershipModel if m != "elected")],
)
def test_is_elected_group(world, model, elected):
    group = _fresh(world, "group")
    group.leadership_model = model

    assert rules.is_elected_group(UserFactory(), group) is elected


def test_predicates_about_nothing_are_false(world):
    member = world["people"]["member"]
    assert (
        rules.is_presenter(member, None),
        rules.is_presentation_member(member, None),
        rules.case_purged(member, None),
        rules.is_elected_group(member, None),
        rules.flagged_recognition(member, None),
    ) == (False, False, False, False, False)
