"""Hostile input POSTed to every poll form, as the person who may use it: never a 500; a form
shown again states its errors and changed nothing; a redirect is a valid submission."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from polls import selectors
from polls.forms import AnswerForm, PollForm, ScheduleForm
from polls.models import Poll
from tests.polls.helpers import open_poll
from tests.support.fuzz import client_for, fuzz_settings, post_and_check, strategy_for

pytestmark = pytest.mark.django_db


@given(post=st.data())
@fuzz_settings(20)
def test_fuzz_new_poll(post, group, organizer):
    data = post.draw(strategy_for(PollForm(group=group)))
    response, _, _ = post_and_check(
        client_for(organizer), reverse("polls:new", args=[group.slug]), data
    )
    if response.status_code == 302:
        assert response.url == Poll.objects.order_by("-pk").first().get_absolute_url()


@given(post=st.data())
@fuzz_settings(20)
def test_fuzz_answer(post, group, organizer, dana):
    poll = Poll.objects.first() or open_poll(organizer, group)
    data = post.draw(strategy_for(AnswerForm(options=list(poll.options.all()))))
    post_and_check(client_for(dana), reverse("polls:answer", args=[group.slug, poll.pk]), data)


@given(post=st.data())
@fuzz_settings(20)
def test_fuzz_schedule(post, group, organizer):
    poll = Poll.objects.first() or open_poll(organizer, group)
    form = ScheduleForm(poll=poll, results=selectors.results_of(poll, organizer))
    data = post.draw(strategy_for(form))
    post_and_check(
        client_for(organizer), reverse("polls:schedule", args=[group.slug, poll.pk]), data
    )
