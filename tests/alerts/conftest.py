import pytest

from tests.alerts.helpers import organizer_data
from tests.factories import UserFactory


@pytest.fixture
def organizer():
    """Olga, who starts groups, in Denver time."""
    return UserFactory(profile__display_name="Olga Organizer", profile__time_zone="America/Denver")


@pytest.fixture
def seeker():
    """Sam, a therapist in New York looking for a group."""
    return UserFactory(profile__display_name="Sam Seeker", profile__time_zone="America/New_York")


@pytest.fixture
def group_data():
    return organizer_data()
