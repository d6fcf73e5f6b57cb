"""Hostile input POSTed to the notes forms (as tests/test_fuzz_forms.py does for the others):
never a 500; a re-rendered form shows its errors and saved nothing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groups.selectors import members_of
from meetings.forms import ActionItemForm, NotesForm
from meetings.models import ActionItem, MeetingNotes
from members.models import Delivery
from tests.meetings.notes_support import make_circle
from tests.support.fuzz import FUZZ, client_for, field, post_and_check, strategy_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle():
    return make_circle()


def _url(circle) -> str:
    return f"/meetings/{circle.meeting.pk}/notes/edit/"


@FUZZ
@given(post=st.data())
def test_fuzz_notes(post, circle):
    data = post.draw(strategy_for(NotesForm(notes=None, group=circle.group), part=field("notes")))
    response, _, _ = post_and_check(client_for(circle.facilitator), _url(circle), data)
    if response.status_code == 302:
        MeetingNotes.objects.all().delete()


@FUZZ
@given(post=st.data())
def test_fuzz_action_item(post, circle):
    form = ActionItemForm(members=list(members_of(circle.group)), prefix="item")
    data = post.draw(strategy_for(form, part=field("item")))
    response, _, _ = post_and_check(client_for(circle.organizer), _url(circle), data)
    if response.status_code == 302:
        Delivery.objects.all().delete()
        ActionItem.objects.all().delete()
