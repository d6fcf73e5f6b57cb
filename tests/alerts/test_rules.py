"""Who may do what with saved searches (alerts/rules.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from config.access import allowed
from tests.alerts.helpers import save
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anyone_signed_in_and_active_may_save_a_search():
    assert allowed(UserFactory(), "alerts.save_search")
    assert not allowed(UserFactory(is_active=False), "alerts.save_search")
    assert not allowed(AnonymousUser(), "alerts.save_search")


def test_only_the_owner_may_change_a_search_site_admins_included(seeker):
    search = save(seeker, size="small")

    assert allowed(seeker, "alerts.change_search", search)
    assert not allowed(UserFactory(), "alerts.change_search", search)
    assert not allowed(AdminFactory(), "alerts.change_search", search)
    assert not allowed(AnonymousUser(), "alerts.change_search", search)
    assert not allowed(seeker, "alerts.change_search", None)
