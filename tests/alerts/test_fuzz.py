"""Hostile input POSTed to the saved-search forms, as their owner: never a 500; a form shown
again states its errors and saved nothing; a redirect is a valid submission."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from alerts.forms import SavedSearchForm
from alerts.models import SavedSearch
from tests.alerts.helpers import save
from tests.support.fuzz import client_for, fuzz_settings, post_and_check, strategy_for

pytestmark = pytest.mark.django_db


def _stored():
    return list(SavedSearch.objects.order_by("pk").values("name", "query", "frequency"))


@given(post=st.data())
@fuzz_settings(25)
def test_fuzz_save_search(post, seeker):
    data = post.draw(strategy_for(SavedSearchForm()))
    before = _stored()
    response, _, _ = post_and_check(client_for(seeker), reverse("alerts:save"), data)
    if response.status_code != 302:
        assert _stored() == before


@given(post=st.data())
@fuzz_settings(25)
def test_fuzz_edit_search(post, seeker):
    search = SavedSearch.objects.filter(owner=seeker).first() or save(seeker, size="small")
    data = post.draw(strategy_for(SavedSearchForm()))
    before = _stored()
    response, _, _ = post_and_check(
        client_for(seeker), reverse("alerts:edit", args=[search.pk]), data
    )
    if response.status_code != 302:
        assert _stored() == before
