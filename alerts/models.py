"""Saved searches and what they found.

A ``SavedSearch`` is a browse query someone keeps (its filters, as browse's own GET
parameters) and how they want to hear of new groups matching it. An ``AlertMatch`` records that
a group was found for a search: once, ever (``alert_match_once``), which is what makes every
alert exactly once per group per saved search, and the key of the one e-mail that tells of it
(``delivery_key``: the ``members.Delivery.dedupe_key``; empty while it waits for the weekly
digest).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.enums import Frequency, MatchReason

NAME_MAX = 100
# The browse query as a saved string (``?format=informal&size=small``): long enough for every
# filter with a long search and a place.
QUERY_MAX = 1000
# How many searches one person may keep.
SEARCHES_PER_PERSON = 20


def query_key(query: dict[str, str]) -> str:
    """The canonical form of a browse query: its parameters sorted, URL-encoded."""
    return urlencode(sorted(query.items()))


class SavedSearch(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    # The owner's own label: shown to them alone (pages, their e-mails, their data), never to
    # anyone else, so it is not a text the de-identification guard reads.
    name = models.CharField(
        _("name"),
        max_length=NAME_MAX,
        blank=True,
        help_text=_("Leave it empty to name the search after its filters."),
    )
    # Browse's GET parameters, only the filters it knows, each non-empty (alerts/searches.py).
    query = models.JSONField(default=dict, blank=True)
    # ``query_key(query)``, kept by the services: one search per person per query.
    query_key = models.CharField(max_length=QUERY_MAX, blank=True, editable=False)
    frequency = models.CharField(
        _("e-mails"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    last_alert_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["owner", "query_key"], name="saved_search_once"),
        ]
        # Matching reads the searches that still want e-mails (alerts/searches.py).
        indexes = [models.Index(fields=["frequency", "owner"], name="saved_search_frequency")]

    def __str__(self):
        return f"Saved search {self.pk}"  # its name is its owner's, shown on their pages only

    def get_absolute_url(self):
        return reverse("alerts:edit", kwargs={"pk": self.pk})

    @property
    def browse_url(self) -> str:
        """Browse with this search's filters."""
        base = reverse("groups:browse")
        return f"{base}?{self.query_key}" if self.query_key else base


class AlertMatch(models.Model):
    """A group found for a saved search: recorded once, told of once."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=MatchReason.choices)
    matched_at = models.DateTimeField(default=timezone.now)
    # The dedupe key of the delivery that tells of it ("search:<id>" for an e-mail at once,
    # "digest:<id>" for a weekly one); "" while it waits for the next weekly digest.
    delivery_key = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["matched_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["search", "group"], name="alert_match_once"),
        ]
        indexes = [
            models.Index(
                fields=["search"],
                condition=models.Q(delivery_key=""),
                name="alert_match_waiting",
            ),
            models.Index(fields=["delivery_key"], name="alert_match_delivery"),
        ]

    def __str__(self):
        return f"{self.group_id} for search {self.search_id}"
