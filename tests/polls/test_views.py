"""The poll pages: the list, a new poll, one poll with its answers, answering, closing and
scheduling the chosen time. Members only; the organizers' actions by rule. Bad input is said
beside its field and changes nothing."""

from datetime import date, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from config.guard import CONFIRM_SUFFIX
from groups.models import Group
from meetings.models import Meeting
from members.models import AuditEntry, Delivery
from polls.enums import Availability, Repeat
from polls.forms import exists
from polls.models import Poll, PollAnswer
from tests.factories import MembershipFactory, UserFactory
from tests.polls.helpers import answer, denver, open_poll

pytestmark = pytest.mark.django_db

YES, MAYBE, NO = Availability.YES, Availability.IF_NEED_BE, Availability.NO


def _url(name, group, *args):
    return reverse(f"polls:{name}", args=[group.slug, *args])


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _new_post(**overrides) -> dict:
    data = {
        "title": "Our spring meeting",
        "note": "",
        "duration_minutes": "90",
        "closes_on": denver(5).date().isoformat(),
        "closes_time": "18:00",
        "day_1": denver(8).date().isoformat(),
        "time_1": "19:00",
        "day_2": denver(9).date().isoformat(),
        "time_2": "07:30",
    }
    return data | overrides


# --- the list -----------------------------------------------------------------------------------


def test_list_shows_open_polls_first_and_what_waits_for_me(client, group, organizer, dana):
    closed = open_poll(organizer, group, title="Closed one")
    Poll.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    waiting = open_poll(organizer, group, title="Waiting one")
    client.force_login(dana)
    response = client.get(_url("list", group))
    assert [p.title for p in response.context["page"].object_list] == ["Waiting one", "Closed one"]
    text = _text(response)
    assert "Waiting for your answer" in text and "Start a poll" not in text
    answer(dana, waiting, YES, YES, NO)
    assert "Waiting for your answer" not in _text(client.get(_url("list", group)))
    client.force_login(organizer)
    assert "Start a poll" in _text(client.get(_url("list", group)))


@pytest.mark.parametrize("count", [1, 20])
def test_list_query_count_does_not_grow(
    client, group, organizer, dana, count, django_assert_num_queries
):
    for _ in range(count):
        answer(dana, open_poll(organizer, group), YES, NO, MAYBE)
    client.force_login(dana)
    with django_assert_num_queries(4):
        response = client.get(_url("list", group))
    assert len(response.context["page"].object_list) == count


# --- a new poll ---------------------------------------------------------------------------------


def test_new_poll_opens_it_in_the_groups_zone_and_asks_the_members(client, group, organizer, dana):
    client.force_login(organizer)
    response = client.post(_url("new", group), _new_post())
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"] == poll.get_absolute_url()
    assert [o.starts_at for o in poll.options.all()] == [denver(8), denver(9, 7, 30)]
    assert poll.closes_at == denver(5, 18)
    assert Delivery.objects.filter(template="poll_opened", recipient=dana).count() == 1
    assert not Delivery.objects.filter(recipient=organizer).exists()


def test_new_poll_page_for_a_new_group_names_the_founding_members(client, group, organizer):
    client.force_login(organizer)
    response = client.get(_url("new", group) + "?first=1")
    assert response.context["form"]["title"].value() == "Our first meeting"
    assert "founding members" in _text(response)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"day_2": "", "time_2": ""}, "day_1", "Propose at least 2 different times."),
        ({"time_2": ""}, "time_2", "Choose the start for this date"),
        ({"day_2": ""}, "day_2", "Choose the date for this time"),
        ({"day_2": "2020-01-01"}, "day_2", "This time has passed"),
        ({"day_2": denver(8).date().isoformat(), "time_2": "19:00"}, "day_2", "proposed twice"),
        (
            {"closes_on": denver(8).date().isoformat(), "closes_time": "20:00"},
            "closes_on",
            "before the first",
        ),
        ({"closes_on": "2020-01-01"}, "closes_on", "close in the future"),
        ({"day_3": "not a date"}, "day_3", "Enter a valid date."),
        ({"duration_minutes": "5"}, "duration_minutes", "greater than or equal to 15"),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_new_poll_bad_input_is_said_beside_the_field_and_saves_nothing(
    client, group, organizer, overrides, field, message
):
    client.force_login(organizer)
    response = client.post(_url("new", group), _new_post(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in _text(response)
    assert Poll.objects.count() == 0 and Delivery.objects.count() == 0


def test_new_poll_note_that_may_identify_a_client_is_held_back_until_confirmed(
    client, group, organizer
):
    client.force_login(organizer)
    note = "About Jane Smithson, born 04/12/1980"
    response = client.post(_url("new", group), _new_post(note=note))
    assert "may identify a client" in _text(response) and Poll.objects.count() == 0
    keys = [f.key for f in response.context["form"].guard_findings["note"]]
    client.post(_url("new", group), _new_post(note=note, **{f"note{CONFIRM_SUFFIX}": keys}))
    assert Poll.objects.get().note == note


# --- one poll -----------------------------------------------------------------------------------


def test_detail_shows_each_time_in_my_zone_and_in_the_groups(client, group, organizer, dana):
    dana.profile.time_zone = "Europe/London"
    dana.profile.save()
    poll = open_poll(organizer, group, times=[denver(8, 19), denver(9, 19)])
    client.force_login(dana)
    text = _text(client.get(poll.get_absolute_url()))
    assert "London time" in text and "Denver time" in text
    assert "02:00 London time" in text  # 19:00 in Denver is 02:00 the next day in London
    assert "Your answers" in text and "Nobody has answered yet." in text


def test_detail_shows_answers_best_time_and_who_has_not_answered(
    client, group, organizer, dana, mia, max_
):
    poll = open_poll(organizer, group)
    answer(dana, poll, YES, MAYBE, NO)
    answer(mia, poll, YES, YES, NO)
    client.force_login(max_)
    response = client.get(poll.get_absolute_url())
    results = response.context["results"]
    assert [row.best for row in results.options] == [True, False, False]
    text = _text(response)
    assert "Best so far:" in text
    assert "Not answered yet: Olga Organizer, Max Member." in text
    assert "Close the poll now" not in text
    client.force_login(organizer)
    text = _text(client.get(poll.get_absolute_url()))
    assert "Close the poll now" in text and "Choose the time and schedule it" in text


@pytest.mark.parametrize("count", [1, 20])
def test_detail_query_count_does_not_grow(
    client, group, organizer, dana, count, django_assert_num_queries
):
    group.capacity = 30
    group.save(update_fields=["capacity"])
    poll = open_poll(organizer, group)
    for _ in range(count):
        answer(MembershipFactory(group=group).user, poll, YES, NO, MAYBE)
    client.force_login(dana)
    with django_assert_num_queries(6):
        response = client.get(poll.get_absolute_url())
    assert len(response.context["results"].answered) == count


# --- answering ----------------------------------------------------------------------------------


def _answers(poll, *values) -> dict:
    options = poll.options.order_by("starts_at")
    return {f"option_{o.pk}": v for o, v in zip(options, values, strict=True)}


def test_answer_saves_and_shows_my_answers_again(client, group, organizer, dana):
    poll = open_poll(organizer, group)
    client.force_login(dana)
    response = client.post(_url("answer", group, poll.pk), _answers(poll, YES, MAYBE, NO))
    assert response.status_code == 302 and _messages(response) == [
        "Thank you: your answers are saved."
    ]
    form = client.get(poll.get_absolute_url()).context["form"]
    assert [form[name].value() for name in form.fields] == [YES, MAYBE, NO]
    assert AuditEntry.objects.filter(verb="poll.answered", actor=dana).count() == 1


def test_answer_missing_a_time_says_so_beside_it_and_saves_nothing(client, group, organizer, dana):
    poll = open_poll(organizer, group)
    data = _answers(poll, YES, MAYBE, NO)
    missing = sorted(data)[1]
    del data[missing]
    data[sorted(data)[0]] = "perhaps"
    client.force_login(dana)
    response = client.post(_url("answer", group, poll.pk), data)
    errors = response.context["form"].errors
    assert errors[missing] == ["Answer yes, if need be or no for this time."]
    assert "Select a valid choice" in errors[sorted(data)[0]][0]
    assert PollAnswer.objects.count() == 0


def test_answer_to_a_closed_poll_is_refused_on_the_page(client, group, organizer, dana):
    poll = open_poll(organizer, group)
    data = _answers(poll, YES, YES, YES)
    Poll.objects.filter(pk=poll.pk).update(closed_at=timezone.now())
    client.force_login(dana)
    response = client.post(_url("answer", group, poll.pk), data)
    assert "This poll is closed" in _text(response)
    assert PollAnswer.objects.count() == 0


# --- closing and scheduling ---------------------------------------------------------------------


def test_close_goes_to_choosing_the_time(client, group, organizer):
    poll = open_poll(organizer, group)
    client.force_login(organizer)
    response = client.post(_url("close", group, poll.pk))
    assert response["Location"] == _url("schedule", group, poll.pk)
    assert Poll.objects.get(pk=poll.pk).closed_at is not None


def test_schedule_page_offers_future_times_best_first_chosen(client, group, organizer, dana):
    poll = open_poll(organizer, group)
    answer(dana, poll, NO, YES, NO)
    client.force_login(organizer)
    form = client.get(_url("schedule", group, poll.pk)).context["form"]
    second = poll.options.order_by("starts_at")[1]
    assert form["option"].initial == second.pk
    labels = [label for _pk, label in form.fields["option"].choices]
    assert labels[1].endswith("1 yes, 0 if need be, 0 no (best)")
    assert "Denver time" in labels[0]


def test_schedule_makes_the_meeting_and_goes_to_it(client, group, organizer, dana):
    poll = open_poll(organizer, group)
    chosen = poll.options.first()
    client.force_login(organizer)
    response = client.post(
        _url("schedule", group, poll.pk),
        {"option": chosen.pk, "repeat": Repeat.ONCE, "title": "Spring kick-off"},
    )
    meeting = Meeting.objects.get(group=group)
    assert response["Location"] == meeting.get_absolute_url()
    assert (meeting.starts_at, meeting.title) == (chosen.starts_at, "Spring kick-off")
    again = client.post(
        _url("schedule", group, poll.pk), {"option": chosen.pk, "repeat": Repeat.ONCE, "title": "x"}
    )
    assert "already scheduled" in _text(again)
    assert Meeting.objects.filter(group=group).count() == 1
    text = _text(client.get(poll.get_absolute_url()))
    assert "The group meets on" in text and "Chosen" in text


def test_schedule_a_series_from_the_page(client, group, organizer):
    poll = open_poll(organizer, group)
    client.force_login(organizer)
    client.post(
        _url("schedule", group, poll.pk),
        {"option": poll.options.first().pk, "repeat": Repeat.WEEKLY, "title": "Weekly"},
    )
    poll.refresh_from_db()
    assert poll.series is not None and Meeting.objects.filter(series=poll.series).count() >= 10
    assert "The series goes on: Every week on" in _text(client.get(poll.get_absolute_url()))


def test_schedule_bad_choice_is_said_beside_the_field(client, group, organizer):
    poll = open_poll(organizer, group)
    client.force_login(organizer)
    response = client.post(
        _url("schedule", group, poll.pk), {"option": "999999", "repeat": "yearly"}
    )
    errors = response.context["form"].errors
    assert (
        "Select a valid choice" in errors["option"][0]
        and "Select a valid choice" in errors["repeat"][0]
    )
    assert Meeting.objects.count() == 0 and Poll.objects.get(pk=poll.pk).closed_at is None


def test_schedule_page_when_every_time_has_passed(client, group, organizer):
    poll = open_poll(organizer, group)
    for n, option in enumerate(poll.options.all()):
        option.starts_at = timezone.now() - timedelta(hours=n + 1)
        option.save(update_fields=["starts_at"])
    client.force_login(organizer)
    assert "Every proposed time has passed" in _text(client.get(_url("schedule", group, poll.pk)))


# --- around the pages ---------------------------------------------------------------------------


def test_outsiders_and_former_members_get_404(client, group, organizer, dana):
    poll = open_poll(organizer, group)
    MembershipFactory(group=group, user=UserFactory())
    for someone in (UserFactory(),):
        client.force_login(someone)
        for url in (_url("list", group), poll.get_absolute_url(), _url("schedule", group, poll.pk)):
            assert client.get(url).status_code == 404
    client.force_login(dana)
    assert client.get(_url("new", group)).status_code == 404
    assert client.post(_url("close", group, poll.pk)).status_code == 404


def test_dashboard_and_group_page_lead_to_the_poll(client, group, organizer, dana):
    poll = open_poll(organizer, group, title="Spring time")
    client.force_login(dana)
    text = _text(client.get(reverse("members:dashboard")))
    assert "When can you meet?" in text and f"Spring time · {group.name}" in text
    assert _url("list", group) in client.get(group.get_absolute_url()).content.decode()
    answer(dana, poll, YES, YES, YES)
    assert "When can you meet?" not in _text(client.get(reverse("members:dashboard")))


def test_starting_a_group_with_a_poll_goes_to_proposing_times(client):
    founder = UserFactory()
    client.force_login(founder)
    data = {
        "name": "Founders Circle",
        "tagline": "Peer consultation for new clinicians",
        "description": "A small group.",
        "purposes": ["consultation"],
        "format": "structured",
        "leadership_model": "appointed",
        "membership_policy": "open",
        "capacity": "6",
        "venue_kind": "online",
        "cadence": "monthly",
        "usual_time": "19:00",
        "meeting_minutes": "90",
        "time_zone": "America/Denver",
        "language": "en",
        "ground_rules": "What is said here stays here.",
        "find_time": "on",
    }
    response = client.post(reverse("groups:create"), data)
    group = Group.objects.get(name="Founders Circle")
    assert response["Location"] == _url("new", group) + "?first=1"


def _spring_forward() -> date:
    """The next day Denver's clocks skip 02:00-03:00."""
    day = timezone.localdate()
    while exists(day, time(2, 30), "America/Denver"):
        day += timedelta(days=1)
    return day


def test_new_poll_refuses_a_time_the_clocks_skip(client, group, organizer):
    day = _spring_forward().isoformat()
    client.force_login(organizer)
    response = client.post(
        _url("new", group),
        _new_post(day_2=day, time_2="02:30", day_3=day, time_3="03:30"),
    )
    assert "the clocks go forward" in response.context["form"].errors["time_2"][0]
    assert Poll.objects.count() == 0


@pytest.mark.parametrize("count", [1, 20])
def test_schedule_query_count_does_not_grow(
    client, group, organizer, count, django_assert_num_queries
):
    group.capacity = 30
    group.save(update_fields=["capacity"])
    poll = open_poll(organizer, group)
    for _ in range(count):
        answer(MembershipFactory(group=group).user, poll, YES, NO, MAYBE)
    client.force_login(organizer)
    with django_assert_num_queries(6):
        response = client.get(_url("schedule", group, poll.pk))
    assert len(response.context["results"].answered) == count
