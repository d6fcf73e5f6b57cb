"""Agendas are edited in place: presentations on kept segments survive every edit, and removing
a held slot needs a confirmation that names the presenter (seam 1 of issue 12)."""

import html
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from hypothesis import given
from hypothesis import strategies as st

from groups.enums import Role
from meetings import services as meeting_services
from meetings.models import AgendaSegment, Meeting
from members.models import AuditEntry
from presentations import services
from presentations.models import CaseDraft, Presentation
from presentations.services.agenda import HeldSlotsNeedConfirmation, edit_agenda
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.support.fuzz import client_for, fuzz_settings, nasty

pytestmark = pytest.mark.django_db

QUESTION = "How do I re-engage a client who avoids the grief work?"
SECRET = "Client A keeps missing sessions after the divorce; stuck on the grief work."


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def group():
    return GroupFactory(name="Denver Consult", time_zone="America/Denver")


@pytest.fixture
def organizer(group):
    user = UserFactory(profile__display_name="Olga Organizer")
    MembershipFactory(group=group, user=user, role=Role.ORGANIZER)
    return user


@pytest.fixture
def marcus(group):
    user = UserFactory(profile__display_name="Marcus Lee")
    MembershipFactory(group=group, user=user)
    return user


@pytest.fixture
def meeting(group):
    start = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(group=group, starts_at=start, ends_at=start + timedelta(minutes=90))
    for position, (kind, minutes) in enumerate([("check_in", 10), ("case", 30), ("wrap_up", 10)]):
        AgendaSegment.objects.create(meeting=meeting, position=position, kind=kind, minutes=minutes)
    return meeting


@pytest.fixture
def held(meeting, marcus):
    """Marcus holds the case slot and has written his case."""
    case = meeting.segments.get(kind="case")
    presentation = services.claim_slot(user=marcus, segment_id=case.pk)
    services.save_case(
        user=marcus,
        presentation_id=presentation.pk,
        data={"case_question": QUESTION, "case_background": SECRET},
    )
    presentation.refresh_from_db()
    return presentation


def _rows(meeting) -> list[dict]:
    return [
        {"id": s.pk, "kind": s.kind, "title": s.title, "minutes": s.minutes}
        for s in meeting.segments.order_by("position")
    ]


def _current(meeting) -> list[tuple]:
    return list(
        AgendaSegment.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("id", "position", "kind", "title", "minutes")
    )


# --- the service: in place -----------------------------------------------------------------------


def test_adding_a_segment_keeps_the_presentation_and_its_case(meeting, held, organizer):
    rows = _rows(meeting)
    rows.insert(2, {"kind": "discussion", "title": "Discussion", "minutes": 20})

    meeting_services.set_agenda(actor=organizer, meeting=meeting, segments=rows)

    held.refresh_from_db()
    assert (held.segment_id, held.case_question, held.case_background) == (
        rows[1]["id"],
        QUESTION,
        SECRET,
    )
    assert [s[2] for s in _current(meeting)] == ["check_in", "case", "discussion", "wrap_up"]


def test_reordering_and_retitling_keep_segment_ids(meeting, held, organizer):
    check_in, case, wrap_up = _rows(meeting)
    case["title"] = "Marcus's case"
    case["minutes"] = 40

    meeting_services.set_agenda(
        actor=organizer, meeting=meeting, segments=[case, check_in, wrap_up]
    )

    assert _current(meeting) == [
        (case["id"], 0, "case", "Marcus's case", 40),
        (check_in["id"], 1, "check_in", "", 10),
        (wrap_up["id"], 2, "wrap_up", "", 10),
    ]
    assert Presentation.objects.get().segment_id == case["id"]


def test_removing_an_open_segment_needs_no_confirmation(meeting, held, organizer):
    _check_in, case, wrap_up = _rows(meeting)

    edit_agenda(actor=organizer, meeting=meeting, segments=[case, wrap_up])

    assert [s[0] for s in _current(meeting)] == [case["id"], wrap_up["id"]]
    assert Presentation.objects.get().pk == held.pk


def test_set_agenda_refuses_an_id_from_another_meeting(meeting, organizer):
    other = AgendaSegment.objects.create(meeting=MeetingFactory(), kind="break", minutes=5)
    before = _current(meeting)

    with pytest.raises(meeting_services.MeetingError, match="Reload the page"):
        meeting_services.set_agenda(
            actor=organizer,
            meeting=meeting,
            segments=[{"id": other.pk, "kind": "break", "title": "", "minutes": 5}],
        )

    assert _current(meeting) == before


def test_set_agenda_alone_cannot_cascade_a_presentation_away(meeting, held, organizer):
    check_in, _case, wrap_up = _rows(meeting)

    with pytest.raises(meeting_services.MeetingError, match="holds a presentation"):
        meeting_services.set_agenda(actor=organizer, meeting=meeting, segments=[check_in, wrap_up])

    assert Presentation.objects.filter(pk=held.pk).exists()


def test_removing_a_held_slot_unconfirmed_changes_nothing(meeting, held, organizer, marcus):
    check_in, _case, wrap_up = _rows(meeting)
    before = _current(meeting)

    with pytest.raises(HeldSlotsNeedConfirmation) as refused:
        edit_agenda(actor=organizer, meeting=meeting, segments=[check_in, wrap_up])

    assert [p.pk for p in refused.value.held] == [held.pk]
    assert refused.value.held[0].removal_label == (
        "Remove Marcus Lee's case presentation slot — their written case will be kept as a "
        "private draft for them"
    )
    assert _current(meeting) == before
    held.refresh_from_db()
    assert held.case_question == QUESTION


def test_changing_the_kind_of_a_held_slot_needs_confirmation_too(meeting, held, organizer):
    rows = _rows(meeting)
    rows[1]["kind"] = "discussion"

    with pytest.raises(HeldSlotsNeedConfirmation):
        edit_agenda(actor=organizer, meeting=meeting, segments=rows)

    assert Presentation.objects.get().pk == held.pk


def test_confirmed_removal_keeps_the_case_as_a_draft_and_tells_the_presenter(
    meeting, held, organizer, marcus, mailoutbox, django_capture_on_commit_callbacks
):
    check_in, _case, wrap_up = _rows(meeting)

    with django_capture_on_commit_callbacks(execute=True):
        edit_agenda(
            actor=organizer,
            meeting=meeting,
            segments=[check_in, wrap_up],
            confirmed={held.pk},
        )

    assert [s[0] for s in _current(meeting)] == [check_in["id"], wrap_up["id"]]
    assert Presentation.objects.count() == 0
    draft = CaseDraft.objects.get()
    assert (draft.author, draft.case_question, draft.reason) == (
        marcus,
        QUESTION,
        "removed_from_agenda",
    )
    assert [m.to for m in mailoutbox] == [[marcus.email]]
    assert QUESTION not in mailoutbox[0].body
    assert "kept as a private draft" in mailoutbox[0].body
    entry = AuditEntry.objects.get(verb="agenda.slot_removed")
    assert (entry.actor, entry.subject, entry.data) == (
        organizer,
        marcus,
        {"slot": "Case presentation", "kept_as_draft": True},
    )
    assert AuditEntry.objects.get(verb="agenda.changed").data == {
        "segments": 2,
        "added": 0,
        "removed": ["Case presentation"],
        "changed": 1,
    }


def test_removing_two_of_ones_slots_sends_one_email(
    meeting, organizer, marcus, mailoutbox, django_capture_on_commit_callbacks
):
    topic = AgendaSegment.objects.create(meeting=meeting, position=3, kind="topic", minutes=10)
    case = meeting.segments.get(kind="case")
    first = services.assign_slot(actor=organizer, segment_id=case.pk, user_id=marcus.pk)
    second = services.assign_slot(actor=organizer, segment_id=topic.pk, user_id=marcus.pk)
    check_in, _case, wrap_up, _topic = _rows(meeting)

    with django_capture_on_commit_callbacks(execute=True):
        edit_agenda(
            actor=organizer,
            meeting=meeting,
            segments=[check_in, wrap_up],
            confirmed={first.pk, second.pk},
        )

    assert [m.to for m in mailoutbox] == [[marcus.email]]
    assert "“Case presentation” and “Topic presentation” slots" in mailoutbox[0].body
    assert AuditEntry.objects.filter(verb="agenda.slot_removed").count() == 2


def test_confirming_a_different_presentation_does_not_count(meeting, held, organizer):
    check_in, _case, wrap_up = _rows(meeting)

    with pytest.raises(HeldSlotsNeedConfirmation):
        edit_agenda(
            actor=organizer, meeting=meeting, segments=[check_in, wrap_up], confirmed={held.pk + 1}
        )

    assert Presentation.objects.filter(pk=held.pk).exists()


def test_the_presenter_removing_their_own_slot_gets_no_email(
    meeting, group, mailoutbox, django_capture_on_commit_callbacks
):
    organizer = UserFactory()
    MembershipFactory(group=group, user=organizer, role=Role.ORGANIZER)
    case = meeting.segments.get(kind="case")
    presentation = services.claim_slot(user=organizer, segment_id=case.pk)
    check_in, _case, wrap_up = _rows(meeting)

    with django_capture_on_commit_callbacks(execute=True):
        edit_agenda(
            actor=organizer,
            meeting=meeting,
            segments=[check_in, wrap_up],
            confirmed={presentation.pk},
        )

    assert mailoutbox == []


def test_a_member_cannot_edit_the_agenda(meeting, marcus):
    with pytest.raises(services.PresentationError, match="organizers"):
        edit_agenda(actor=marcus, meeting=meeting, segments=[])

    assert len(_current(meeting)) == 3


def test_deleting_a_meeting_with_presentations_still_works(meeting, held):
    Meeting.objects.filter(pk=meeting.pk).delete()

    assert (Presentation.objects.count(), AgendaSegment.objects.count()) == (0, 0)


# --- the page ------------------------------------------------------------------------------------


def _formset(rows, extra=1):
    """As the page posts it: the rows it was rendered with (with ids) first, then new ones."""
    data = {
        "seg-TOTAL_FORMS": str(len(rows) + extra),
        "seg-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "seg-MIN_NUM_FORMS": "0",
        "seg-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate([*rows, *([{}] * extra)]):
        data[f"seg-{i}-id"] = str(row.get("id", ""))
        data[f"seg-{i}-kind"] = row.get("kind", "")
        data[f"seg-{i}-title"] = row.get("title", "")
        data[f"seg-{i}-minutes"] = str(row.get("minutes", ""))
    return data


def test_agenda_page_carries_each_segments_id(client, meeting, held, organizer):
    client.force_login(organizer)

    response = client.get(reverse("meetings:agenda", args=[meeting.pk]))

    assert [f.initial for f in response.context["formset"].initial_forms] == _rows(meeting)
    assert "Held by Marcus Lee" in _text(response)


def test_agenda_page_adding_a_row_keeps_marcuss_case(client, meeting, held, organizer):
    client.force_login(organizer)
    rows = [*_rows(meeting), {"kind": "discussion", "title": "Discussion", "minutes": 20}]

    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), _formset(rows))

    assert response.url == meeting.get_absolute_url()
    held.refresh_from_db()
    assert (held.segment_id, held.case_question) == (rows[1]["id"], QUESTION)
    assert len(_current(meeting)) == 4


def test_agenda_page_removing_a_held_slot_asks_and_names_the_presenter(
    client, meeting, held, organizer
):
    client.force_login(organizer)
    rows = _rows(meeting)
    rows[1]["kind"] = ""  # "—": remove it
    before = _current(meeting)

    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), _formset(rows))

    assert response.status_code == 200
    text = _text(response)
    assert (
        "Remove Marcus Lee's case presentation slot — their written case will be kept as a "
        "private draft for them" in text
    )
    assert [p.pk for p in response.context["held"]] == [held.pk]
    assert _current(meeting) == before
    assert Presentation.objects.get().case_question == QUESTION


def test_agenda_page_confirmed_removal_saves(client, meeting, held, organizer, marcus):
    client.force_login(organizer)
    rows = _rows(meeting)
    rows[1]["kind"] = ""

    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        {**_formset(rows), "remove_presentation": str(held.pk)},
    )

    assert response.url == meeting.get_absolute_url()
    assert _messages(response) == [
        "The agenda is saved. Marcus Lee is told by e-mail; what they wrote is kept as a "
        "private draft for them."
    ]
    assert Presentation.objects.count() == 0
    assert CaseDraft.objects.get().author == marcus


def test_agenda_page_garbled_confirmation_changes_nothing(client, meeting, held, organizer):
    client.force_login(organizer)
    rows = _rows(meeting)
    rows[1]["kind"] = ""

    response = client.post(
        reverse("meetings:agenda", args=[meeting.pk]),
        {**_formset(rows), "remove_presentation": "nonsense"},
    )

    assert response.status_code == 200
    assert "Tick each slot you want to remove" in _text(response)
    assert Presentation.objects.get().pk == held.pk


def test_agenda_page_unknown_segment_id_is_a_clear_error(client, meeting, organizer):
    client.force_login(organizer)
    rows = _rows(meeting)
    rows[0]["id"] = 999999
    before = _current(meeting)

    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), _formset(rows))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "id": ["This segment is no longer on the agenda. Reload the page and try again."]
    }
    assert _current(meeting) == before


def test_agenda_page_garbled_segment_id_is_a_clear_error(client, meeting, organizer):
    client.force_login(organizer)
    rows = _rows(meeting)
    rows[0]["id"] = "abc"

    response = client.post(reverse("meetings:agenda", args=[meeting.pk]), _formset(rows))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "id": ["This segment is no longer on the agenda. Reload the page and try again."]
    }


# --- hostile input -------------------------------------------------------------------------------

FUZZ = fuzz_settings(20)


@FUZZ
@given(post=st.data())
def test_fuzz_agenda_with_a_held_slot(post, meeting, held, organizer):
    """Hostile rows, ids and confirmations: never a 500, and a held slot is only ever removed
    with its confirmation, its text kept as the presenter's draft."""
    rows = _rows(meeting)
    data = _formset(rows)
    for i, row in enumerate(rows):
        data[f"seg-{i}-id"] = post.draw(st.one_of(st.just(str(row["id"])), nasty))
        data[f"seg-{i}-kind"] = post.draw(
            st.one_of(st.sampled_from(["", row["kind"], "discussion"]), nasty)
        )
        data[f"seg-{i}-minutes"] = post.draw(st.one_of(st.just(str(row["minutes"])), nasty))
    data["remove_presentation"] = post.draw(
        st.lists(st.one_of(st.just(str(held.pk)), nasty), max_size=2)
    )
    before = _current(meeting)
    response = client_for(organizer).post(reverse("meetings:agenda", args=[meeting.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert _current(meeting) == before
        assert Presentation.objects.filter(pk=held.pk).exists()
    elif not Presentation.objects.filter(pk=held.pk).exists():
        assert str(held.pk) in data["remove_presentation"]
        assert CaseDraft.objects.get(author=held.presenter).case_question == QUESTION
