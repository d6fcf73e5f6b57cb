"""The case follow-up pages and buttons: the presenter's page (ask, withdraw), the organizers'
Accept and Remove on the meeting page, and the includes the meeting page, the presentation page
and the agenda editor show. Members-only: 404 to everyone else."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from groups import selectors as group_selectors
from groups.services.membership import leave_group
from meetings.enums import SegmentKind
from meetings.models import AgendaSegment, Meeting
from meetings.selectors import meeting_for
from presentations import services
from presentations.models import FollowUp, FollowUpEnd, FollowUpReason, FollowUpStatus
from tests.factories import MembershipFactory, UserFactory
from tests.presentations.test_followups import presented, upcoming

pytestmark = pytest.mark.django_db


def _text(content) -> str:
    if not isinstance(content, str):
        content = content.content.decode()
    return " ".join(html.unescape(strip_tags(content)).split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _actions(content: str) -> list[str]:
    return re.findall(r'action="([^"]+)"', content)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(case) -> str:
    return reverse("presentations:follow_up", args=[case.pk])


def _decide(name, follow_up) -> str:
    return reverse(f"presentations:{name}_follow_up", args=[follow_up.meeting_id, follow_up.pk])


@pytest.fixture
def presenter(members):
    return members[0]


@pytest.fixture
def case(group, presenter):
    return presented(group, presenter)


@pytest.fixture
def proposed(group, organizer, presenter, case, meeting):
    return services.ask_follow_up(user=presenter, presentation_id=case.pk)


def _state() -> list:
    return list(FollowUp.objects.order_by("pk").values_list("status", "segment_id", "reason"))


# --- the presenter's page ---------------------------------------------------------------------


def test_the_presenter_sees_the_button_to_ask(presenter, case):
    response = _client(presenter).get(_page(case))

    assert response.status_code == 200
    text = _text(response)
    assert "Report back on your case" in text
    assert "Ask to report back" in text
    assert "never what you wrote" in text
    assert _actions(response.content.decode()) == [_page(case)]


def test_before_the_meeting_the_page_says_why_there_is_no_button(group, presenter, meeting):
    upcoming_case = presented(group, presenter, days_ago=-3)

    response = _client(presenter).get(_page(upcoming_case))

    assert "You can ask to report back once the meeting has started." in _text(response)
    assert _actions(response.content.decode()) == []


def test_asking_places_the_follow_up_and_says_so(group, organizer, presenter, case, meeting):
    response = _client(presenter).post(_page(case))

    assert (response.status_code, response["Location"]) == (302, _page(case))
    assert _messages(response) == [
        "Your follow-up is on the agenda of the next meeting, for the organizers to confirm."
    ]
    follow_up = FollowUp.objects.get(source=case)
    assert (follow_up.status, follow_up.meeting_id) == (FollowUpStatus.PROPOSED, meeting.pk)


def test_asking_with_no_meeting_ahead_says_it_waits(presenter, case):
    response = _client(presenter).post(_page(case))

    assert _messages(response) == [
        "There is no next meeting yet: your follow-up waits, and goes on the agenda of the next "
        "meeting as soon as one is scheduled."
    ]
    assert FollowUp.objects.get(source=case).status == FollowUpStatus.WAITING


def test_asking_twice_shows_the_refusal_and_changes_nothing(presenter, case, proposed):
    before = _state()

    response = _client(presenter).post(_page(case))

    assert _messages(response) == ["You have already asked to report back on this case."]
    assert _state() == before


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("proposed", "It is on the agenda of Group meeting on"),
        ("accepted", "The organizers accepted it: you report back at Group meeting on"),
        ("waiting", "It is waiting: the group has no next meeting scheduled yet."),
    ],
)
def test_the_page_says_where_the_request_stands(
    organizer, presenter, case, meeting, proposed, status, expected
):
    if status == "accepted":
        services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)
    if status == "waiting":
        Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")

    response = _client(presenter).get(_page(case))

    text = _text(response)
    assert expected in text
    assert "Ask to report back" not in text
    assert _actions(response.content.decode()) == [
        reverse("presentations:withdraw_follow_up", args=[case.pk])
    ]


def test_after_the_meeting_the_request_can_no_longer_be_withdrawn(
    presenter, case, meeting, proposed
):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))

    response = _client(presenter).get(_page(case))

    assert "Withdraw" not in _text(response)
    assert _actions(response.content.decode()) == []


def test_a_removed_request_shows_the_reason_and_the_button_to_ask_again(
    organizer, presenter, case, meeting, proposed
):
    services.remove_follow_up(
        actor=organizer, meeting=meeting, follow_up_id=proposed.pk, reason=FollowUpReason.FULL
    )

    text = _text(_client(presenter).get(_page(case)))

    assert "It ended: an organizer took it off the agenda." in text
    assert "The reason given: The agenda of this meeting is full." in text
    assert "You can ask again" in text


def test_a_request_deleted_in_the_agenda_editor_shows_as_ended_at_once(
    presenter, case, meeting, proposed
):
    AgendaSegment.objects.filter(pk=proposed.segment_id).delete()

    text = _text(_client(presenter).get(_page(case)))

    assert "It ended: an organizer removed it while editing the agenda." in text


def test_earlier_requests_are_listed_in_a_constant_number_of_queries(
    group, presenter, case, django_assert_num_queries
):
    def page_with(earlier: int) -> str:
        FollowUp.objects.all().delete()
        for n in range(earlier):
            FollowUp.objects.create(
                source=case,
                presenter=presenter,
                group=group,
                meeting=upcoming(group, days=30 + n, kinds=()),
                status=FollowUpStatus.REMOVED,
                ended_because=FollowUpEnd.WITHDRAWN,
                ended_at=timezone.now(),
            )
        FollowUp.objects.create(source=case, presenter=presenter, group=group)
        client = _client(presenter)
        with django_assert_num_queries(4):
            return _text(client.get(_page(case)))

    one, many = page_with(1), page_with(20)

    assert one.count("You withdrew it") == 1
    assert many.count("You withdrew it") == 20


@pytest.mark.parametrize("who", ["member", "organizer", "outsider", "former"])
def test_the_page_is_the_presenters_alone(group, organizer, members, case, who):
    if who == "former":
        leave_group(user=members[0], group=group)
    user = {
        "member": members[1],
        "organizer": organizer,
        "outsider": UserFactory(),
        "former": members[0],
    }[who]
    client = _client(user)

    assert client.get(_page(case)).status_code == 404
    assert client.post(_page(case)).status_code == 404
    assert FollowUp.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(case):
    response = Client().get(_page(case))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_withdrawing(presenter, case, meeting, proposed):
    url = reverse("presentations:withdraw_follow_up", args=[case.pk])

    response = _client(presenter).post(url)

    assert (response.status_code, response["Location"]) == (302, _page(case))
    assert _messages(response) == [
        "You withdrew your request to report back; it is off the agenda."
    ]
    proposed.refresh_from_db()
    assert proposed.ended_because == FollowUpEnd.WITHDRAWN


def test_only_the_presenter_withdraws(members, case, proposed):
    before = _state()

    response = _client(members[1]).post(reverse("presentations:withdraw_follow_up", args=[case.pk]))

    assert response.status_code == 404
    assert _state() == before


# --- the organizers' buttons ---------------------------------------------------------------------


def test_an_organizer_accepts(organizer, meeting, proposed):
    response = _client(organizer).post(_decide("accept", proposed))

    assert (response.status_code, response["Location"]) == (302, meeting.get_absolute_url())
    assert _messages(response) == [
        "The case follow-up is accepted. The presenter is told by e-mail."
    ]
    proposed.refresh_from_db()
    assert proposed.status == FollowUpStatus.ACCEPTED


def test_an_organizer_removes_with_a_reason(organizer, meeting, proposed):
    response = _client(organizer).post(_decide("remove", proposed), {"reason": "later"})

    assert _messages(response) == [
        "The case follow-up is off the agenda. The presenter is told by e-mail."
    ]
    proposed.refresh_from_db()
    assert (proposed.status, proposed.reason) == (FollowUpStatus.REMOVED, FollowUpReason.LATER)


def test_a_made_up_reason_is_refused_and_nothing_changes(organizer, proposed):
    before = _state()

    response = _client(organizer).post(
        _decide("remove", proposed), {"reason": "Jane Smith, DOB 03/04/1980, MRN 123456"}
    )

    assert _messages(response) == ["Choose one of the reasons offered, or none."]
    assert _state() == before


@pytest.mark.parametrize("who", ["presenter", "member", "outsider"])
def test_only_organizers_see_the_decision_urls(members, proposed, who):
    user = {"presenter": members[0], "member": members[1], "outsider": UserFactory()}[who]
    before = _state()

    for name in ("accept", "remove"):
        assert _client(user).post(_decide(name, proposed)).status_code == 404

    assert _state() == before


# --- the includes the lead wires into the meeting page, presentation page and agenda editor -------


def _on_meeting(meeting):
    members = list(group_selectors.members_of(meeting.group))
    segments = list(meeting.segments.all())
    return segments, group_selectors.people_of(members)


def _decisions(meeting, user) -> str:
    segments, people = _on_meeting(meeting)
    follow_ups = services.follow_ups_on(meeting, segments, people)
    return render_to_string(
        "presentations/includes/_followup_decisions.html",
        {"follow_ups": follow_ups, "meeting": meeting, "user": user},
    )


def test_organizers_see_accept_and_remove_with_the_reasons(organizer, presenter, meeting, proposed):
    content = _decisions(meeting, organizer)

    assert _actions(content) == [_decide("accept", proposed), _decide("remove", proposed)]
    text = _text(content)
    assert f"{presenter} · 10 min · Waiting for an organizer" in text
    for label in FollowUpReason.labels:
        assert str(label) in text  # a lazy translation: compared as the text it renders


def test_an_accepted_follow_up_has_only_remove(organizer, meeting, proposed):
    services.accept_follow_up(actor=organizer, meeting=meeting, follow_up_id=proposed.pk)

    content = _decisions(meeting, organizer)

    assert _actions(content) == [_decide("remove", proposed)]
    assert "Accepted" in _text(content)


def test_the_presenter_sees_withdraw_and_other_members_no_button(
    members, presenter, case, meeting, proposed
):
    assert _actions(_decisions(meeting, presenter)) == [
        reverse("presentations:withdraw_follow_up", args=[case.pk])
    ]
    assert _actions(_decisions(meeting, members[1])) == []
    assert f"{presenter} · 10 min" in _text(_decisions(meeting, members[1]))


def test_no_buttons_once_the_meeting_has_started(organizer, presenter, meeting, proposed):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()

    assert _actions(_decisions(meeting, organizer)) == []
    assert _actions(_decisions(meeting, presenter)) == []


def test_an_agenda_without_follow_ups_shows_nothing_and_costs_no_query(
    organizer, meeting, django_assert_num_queries
):
    segments, people = _on_meeting(meeting)

    with django_assert_num_queries(0):
        assert services.follow_ups_on(meeting, segments, people) == []
    assert _decisions(meeting, organizer).strip() == ""


def test_the_run_of_show_names_the_presenter(organizer, presenter, meeting, proposed):
    segments, people = _on_meeting(meeting)
    services.follow_ups_on(meeting, segments, people)

    labels = [
        _text(render_to_string("presentations/includes/_followup_label.html", {"segment": s}))
        for s in segments
    ]

    assert labels[-2:] == [f"Case follow-up — {presenter}", "Wrap-up"]


def test_the_meeting_page_reads_follow_ups_in_one_query_however_many(
    group, organizer, meeting, django_assert_num_queries
):
    type(group).objects.filter(pk=group.pk).update(capacity=30)

    def follow_ups_for(count: int) -> list:
        FollowUp.objects.all().delete()
        AgendaSegment.objects.filter(kind=SegmentKind.FOLLOW_UP).delete()
        for n in range(count):
            user = MembershipFactory(group=group).user
            segment = AgendaSegment.objects.create(
                meeting=meeting, position=10 + n, kind=SegmentKind.FOLLOW_UP, minutes=1
            )
            FollowUp.objects.create(
                source=presented(group, user),
                presenter=user,
                group=group,
                meeting=meeting,
                segment=segment,
                status=FollowUpStatus.PROPOSED,
            )
        segments, people = _on_meeting(meeting)
        loaded = meeting_for(organizer, meeting.pk)  # as the page loads it, the viewer recorded
        with django_assert_num_queries(1):
            follow_ups = services.follow_ups_on(loaded, segments, people)
            render_to_string(
                "presentations/includes/_followup_decisions.html",
                {"follow_ups": follow_ups, "meeting": loaded, "user": organizer},
            )
        return follow_ups

    assert len(follow_ups_for(1)) == 1
    many = follow_ups_for(20)
    assert [f.segment.position for f in many] == list(range(10, 30))


@pytest.mark.parametrize(
    ("who", "days_ago", "shown"),
    [("presenter", 2, True), ("member", 2, False), ("presenter", -2, False)],
)
def test_the_presentation_page_links_the_presenter_to_report_back(
    group, members, who, days_ago, shown
):
    case = presented(group, members[0], days_ago=days_ago)
    user = members[0] if who == "presenter" else members[1]

    content = render_to_string(
        "presentations/includes/_followup_link.html",
        {"presentation": case, "meeting": case.meeting, "user": user},
    )

    assert (_page(case) in content) is shown


def test_the_agenda_editor_names_the_follow_ups_presenter(presenter, meeting, proposed):
    by_segment = services.follow_ups_by_segment(meeting)
    assert list(by_segment) == [proposed.segment_id]

    class Row:
        follow_up = by_segment[proposed.segment_id]

    content = render_to_string("presentations/includes/_followup_agenda_note.html", {"form": Row()})

    assert f"Case follow-up for {presenter}." in _text(content)


# --- the agenda editor: removing a follow-up's row asks first (needs the portal page change) ----


def _agenda_post(meeting, *, drop, **confirm) -> dict:
    """The agenda editor's form as posted, with the row of segment ``drop`` set to "—"."""
    segments = list(meeting.segments.order_by("position"))
    data = {
        "seg-TOTAL_FORMS": str(len(segments)),
        "seg-INITIAL_FORMS": str(len(segments)),
        "seg-MIN_NUM_FORMS": "0",
        "seg-MAX_NUM_FORMS": "20",
        **confirm,
    }
    for i, s in enumerate(segments):
        data[f"seg-{i}-id"] = str(s.pk)
        data[f"seg-{i}-kind"] = "" if s.pk == drop else s.kind
        data[f"seg-{i}-title"] = s.title
        data[f"seg-{i}-minutes"] = str(s.minutes)
    return data


def test_the_agenda_editor_asks_before_removing_a_follow_up(
    organizer, presenter, meeting, proposed
):
    before = _state()

    response = _client(organizer).post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _agenda_post(meeting, drop=proposed.segment_id),
    )

    assert response.status_code == 200
    text = _text(response)
    assert "Confirm removing 1 held slot" in text
    assert (
        f"Remove {presenter}'s case follow-up — they are told by e-mail and may ask again for a "
        "later meeting"
    ) in text
    assert [f.pk for f in response.context["held_follow_ups"]] == [proposed.pk]
    assert _state() == before


def test_the_agenda_editor_removes_a_confirmed_follow_up_and_says_who_is_told(
    organizer, presenter, meeting, proposed
):
    response = _client(organizer).post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _agenda_post(meeting, drop=proposed.segment_id, remove_follow_up=str(proposed.pk)),
    )

    assert response.url == meeting.get_absolute_url()
    assert _messages(response) == [f"The agenda is saved. {presenter} is told by e-mail."]
    proposed.refresh_from_db()
    assert (proposed.status, proposed.ended_because) == (
        FollowUpStatus.REMOVED,
        FollowUpEnd.AGENDA_EDITED,
    )


def test_a_follow_up_id_posted_as_a_presentation_does_not_confirm_it(organizer, meeting, proposed):
    before = _state()

    response = _client(organizer).post(
        reverse("meetings:agenda", args=[meeting.pk]),
        _agenda_post(meeting, drop=proposed.segment_id, remove_presentation=str(proposed.pk)),
    )

    assert response.status_code == 200
    assert _state() == before
