"""Fuzzing: hostile input POSTed to every form, as a user who may use it.

Never a 500; a re-rendered form (200) shows its errors and changed nothing in the database;
a redirect is a valid submission (views that redirect with an error message are checked
against the form's own verdict).
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from groups.enums import LeadershipModel, MembershipPolicy, Role
from groups.forms import (
    AcceptRulesForm,
    ApplicationForm,
    GroupForm,
    InviteForm,
    QuestionForm,
    ResourceForm,
)
from groups.models import GroundRulesVersion, Group
from meetings.forms import (
    CertificateForm,
    MeetingCreateForm,
    MeetingEditForm,
    RsvpForm,
    SegmentForm,
)
from meetings.models import AgendaSegment, Rsvp
from members.forms import ColleagueMessageForm, NotificationPreferencesForm, ProfileForm
from presentations.forms import CaseForm, ElectionForm, TopicForm
from presentations.models import Presentation
from tests.factories import (
    ApplicationQuestionFactory,
    AttendanceFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.support.fuzz import (
    FUZZ,
    client_for,
    field,
    nasty,
    post_and_check,
    restore,
    snapshot,
    strategy_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(time_zone="America/New_York", venue_kind="in_person")


def _member(group, role=Role.MEMBER):
    membership = MembershipFactory(group=group, role=role)
    rules = GroundRulesVersion.objects.filter(group=group).order_by("-number").first()
    type(membership).objects.filter(pk=membership.pk).update(
        rules_version=rules, rules_accepted_at=timezone.now()
    )
    return membership.user


@pytest.fixture
def organizer(group):
    return _member(group, Role.ORGANIZER)


@pytest.fixture
def member(group):
    return _member(group)


@pytest.fixture
def meeting(group):
    return MeetingFactory(group=group)


def _formset_data(prefix, form_class, per_form, total, **kwargs):
    """Management form (sometimes hostile) plus ``total`` fuzzed forms."""
    forms = [
        strategy_for(form_class(prefix=f"{prefix}-{i}", **kwargs), **per_form) for i in range(total)
    ]
    management = st.fixed_dictionaries(
        {
            f"{prefix}-TOTAL_FORMS": field(str(total), str(total)),
            f"{prefix}-INITIAL_FORMS": field("0", "0"),
        },
        optional={
            f"{prefix}-MIN_NUM_FORMS": field("0"),
            f"{prefix}-MAX_NUM_FORMS": field("1000"),
        },
    )

    def merge(parts):
        data = {}
        for part in parts:
            data.update(part)
        return data

    return st.tuples(management, *forms).map(merge)


# --- organizer forms ---------------------------------------------------------------------------


GROUP_CREATE = strategy_for(GroupForm(), focus_specialties=st.lists(field("1", "2"), max_size=3))


@FUZZ
@given(post=GROUP_CREATE)
# BUG: an out-of-range id in a ModelMultipleChoiceField reaches the database: OverflowError, 500.
@example(post={"focus_specialties": ["99999999999999999999999999999"]})
def test_fuzz_group_create(post):
    post_and_check(client_for(UserFactory()), reverse("groups:create"), post)


@FUZZ
@given(data=st.data())
@example(data=None)
def test_fuzz_group_edit(data, group, organizer):
    client = client_for(organizer)
    post = data.draw(strategy_for(GroupForm(instance=group))) if data else {}
    response, _, _ = post_and_check(
        client, reverse("groups:edit", args=[group.slug]), post, rows=[group]
    )
    if response.status_code == 302:
        restore(group)


@FUZZ
@given(post=st.data())
def test_fuzz_meeting_create(post, group, organizer):
    data = post.draw(strategy_for(MeetingCreateForm(group=group)))
    post_and_check(
        client_for(organizer), reverse("meetings:create", args=[group.slug]), data, rows=[group]
    )


@FUZZ
@given(post=st.data())
def test_fuzz_meeting_edit(post, group, organizer, meeting):
    members = list(group.memberships.select_related("user"))
    data = post.draw(strategy_for(MeetingEditForm(meeting=meeting, members=members)))
    response, _, _ = post_and_check(
        client_for(organizer), reverse("meetings:edit", args=[meeting.pk]), data, rows=[meeting]
    )
    if response.status_code == 302:
        restore(meeting)


@FUZZ
@given(post=st.data())
def test_fuzz_meeting_agenda(post, organizer, meeting):
    data = post.draw(_formset_data("seg", SegmentForm, {}, 2))
    response, _, _ = post_and_check(
        client_for(organizer), reverse("meetings:agenda", args=[meeting.pk]), data
    )
    if response.status_code == 302:
        AgendaSegment.objects.filter(meeting=meeting).delete()


@FUZZ
@given(post=st.data())
def test_fuzz_agenda_template(post, group, organizer):
    data = post.draw(_formset_data("seg", SegmentForm, {}, 2))
    post_and_check(
        client_for(organizer), reverse("meetings:agenda_template", args=[group.slug]), data
    )


@FUZZ
@given(post=st.data())
def test_fuzz_application_questions(post, group, organizer):
    data = post.draw(_formset_data("q", QuestionForm, {}, 2))
    post_and_check(client_for(organizer), reverse("groups:questions", args=[group.slug]), data)


@FUZZ
@given(post=st.data())
def test_fuzz_invite(post, group, organizer):
    data = post.draw(strategy_for(InviteForm()))
    post_and_check(client_for(organizer), reverse("groups:invite", args=[group.slug]), data)


@FUZZ
@given(post=st.data())
def test_fuzz_election_create(post, group, organizer):
    # Only a group that elects its leader holds elections (the page is 404 for the others).
    Group.objects.filter(pk=group.pk).update(leadership_model=LeadershipModel.ELECTED)
    data = post.draw(strategy_for(ElectionForm()))
    post_and_check(
        client_for(organizer),
        reverse("presentations:election_create", args=[group.slug]),
        data,
    )


# --- member forms ------------------------------------------------------------------------------


@FUZZ
@given(post=st.data())
def test_fuzz_rsvp(post, member, meeting):
    data = post.draw(strategy_for(RsvpForm()))
    before_rsvp = list(Rsvp.objects.filter(meeting=meeting).values())
    response, before, after = post_and_check(
        client_for(member), reverse("meetings:rsvp", args=[meeting.pk]), data
    )
    form = RsvpForm(data)
    if response.status_code == 200:
        # The de-identification guard shows its findings for review; nothing is saved.
        assert form.is_valid() is False
        assert list(form.guard_findings) == ["note"]
        assert list(Rsvp.objects.filter(meeting=meeting).values()) == before_rsvp
        return
    assert response.status_code == 302
    if not form.is_valid():
        assert before == after
        assert list(Rsvp.objects.filter(meeting=meeting).values()) == before_rsvp


@FUZZ
@given(post=st.data())
def test_fuzz_join_open_group(post, group):
    outsider = UserFactory()
    data = post.draw(strategy_for(AcceptRulesForm()))
    response, _, _ = post_and_check(
        client_for(outsider), reverse("groups:join", args=[group.slug]), data
    )
    if not AcceptRulesForm(data).is_valid():
        assert response.status_code == 200


@pytest.fixture
def closed_group():
    group = GroupFactory(membership_policy=MembershipPolicy.CLOSED)
    ApplicationQuestionFactory(group=group, required=True)
    ApplicationQuestionFactory(group=group, required=False)
    return group


@FUZZ
@given(post=st.data())
def test_fuzz_apply_to_closed_group(post, closed_group):
    outsider = UserFactory()
    questions = list(closed_group.questions.all())
    data = post.draw(strategy_for(ApplicationForm(questions=questions)))
    response, _, _ = post_and_check(
        client_for(outsider), reverse("groups:apply", args=[closed_group.slug]), data
    )
    if not ApplicationForm(data, questions=questions).is_valid():
        assert response.status_code == 200


@FUZZ
@given(post=st.data())
def test_fuzz_profile_edit(post, member):
    profile = member.profile
    data = post.draw(strategy_for(ProfileForm(instance=profile)))
    response, _, _ = post_and_check(
        client_for(member), reverse("members:profile_edit"), data, rows=[profile]
    )
    if response.status_code == 302:
        restore(profile)


def test_out_of_range_id_in_profile_checkboxes_is_a_form_error(member):
    # BUG (same as group create): huge ids in specialties/modalities/populations give a 500.
    post_and_check(
        client_for(member),
        reverse("members:profile_edit"),
        {"display_name": "Mara", "specialties": ["99999999999999999999999999999"]},
        rows=[member.profile],
    )


NOTIFICATIONS = strategy_for(
    NotificationPreferencesForm(
        prefs={}, profile=SimpleNamespace(reminder_lead_minutes=[], remind_when_unanswered=False)
    )
)


@FUZZ
@given(data=NOTIFICATIONS)
# BUG: the digest_* radios are required but their errors are never rendered: 200, no message.
@example(data={})
def test_fuzz_notification_preferences(data, member):
    post_and_check(
        client_for(member), reverse("members:notifications"), data, rows=[member.profile]
    )


@pytest.fixture
def presentations(meeting, member):
    case_slot = AgendaSegment.objects.create(meeting=meeting, position=0, kind="case", minutes=20)
    topic_slot = AgendaSegment.objects.create(meeting=meeting, position=1, kind="topic", minutes=20)
    case = Presentation.objects.create(segment=case_slot, meeting=meeting, presenter=member)
    topic = Presentation.objects.create(segment=topic_slot, meeting=meeting, presenter=member)
    return case, topic


@FUZZ
@given(post=st.data())
def test_fuzz_case_save(post, member, presentations):
    case, _topic = presentations
    data = post.draw(strategy_for(CaseForm()))
    data["confirm"] = post.draw(st.lists(st.one_of(nasty, st.just("case_background")), max_size=3))
    response, _, _ = post_and_check(
        client_for(member), reverse("presentations:detail", args=[case.pk]), data, rows=[case]
    )
    if response.status_code == 302:
        restore(case)


@FUZZ
@given(post=st.data())
def test_fuzz_topic_save(post, member, presentations):
    _case, topic = presentations
    data = post.draw(
        strategy_for(
            TopicForm(),
            topic_links=st.lists(
                field("https://example.org/a", "http://example.org/b", "ftp://x", "example.org"),
                max_size=12,
            ).map("\n".join),
        )
    )
    response, _, _ = post_and_check(
        client_for(member), reverse("presentations:detail", args=[topic.pk]), data, rows=[topic]
    )
    if response.status_code == 302:
        restore(topic)


@FUZZ
@given(post=st.data())
def test_fuzz_contact_colleague(post, group, member, organizer):
    sender = organizer  # after ten messages the hourly limit answers 429, also checked
    data = post.draw(strategy_for(ColleagueMessageForm()))
    post_and_check(
        client_for(sender),
        reverse("members:contact", args=[member.profile.pk]),
        data,
        allowed=(200, 302, 429),
    )


@FUZZ
@given(post=st.data())
def test_fuzz_resource_add(post, group, member):
    data = post.draw(strategy_for(ResourceForm()))
    post_and_check(client_for(member), reverse("groups:resources", args=[group.slug]), data)


@FUZZ
@given(post=st.data())
def test_fuzz_certificate_request(post, group, member):
    past = (timezone.now() - timedelta(days=30)).replace(microsecond=0)
    if not AttendanceFactory._meta.model.objects.filter(user=member).exists():
        AttendanceFactory(
            meeting=MeetingFactory(group=group, starts_at=past, ends_at=past + timedelta(hours=1)),
            user=member,
        )
    from meetings import ledger

    form = CertificateForm(groups=ledger.groups_with_attendance(member))
    data = post.draw(strategy_for(form))
    post_and_check(client_for(member), reverse("meetings:certificate_new"), data)


def test_snapshot_sees_every_project_table(group):
    counts, _ = snapshot()
    assert "groups.Group" in counts and "presentations.Presentation" in counts
