"""The browse page's "Save this search" control (templates/alerts/includes/_save_search.html):
built from the page's own parameters, without a database query, because browse counts its
queries and caches its results."""

from django import template

from alerts.enums import Frequency
from alerts.searches import filter_data

register = template.Library()


@register.simple_tag
def browse_filters(query) -> list[tuple[str, str]]:
    """The browse filters in ``query`` (the page's GET parameters), for hidden inputs."""
    return list(filter_data(query).items())


@register.simple_tag
def alert_frequencies() -> list[tuple[str, str]]:
    """How often the alerts of a new search may come (stopping them is for later)."""
    return [(value, label) for value, label in Frequency.choices if value != Frequency.OFF]
