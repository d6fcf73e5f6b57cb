"""Reads about saved searches. A person's searches are theirs alone: one that is not theirs is
a 404, the same answer as one that does not exist."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from alerts.enums import Frequency
from alerts.models import AlertMatch, SavedSearch
from alerts.searches import name_all, prefilter
from groups.enums import ACTIVE_WAITLIST_STATUSES, ApplicationStatus
from groups.models import Application, Group, Membership, WaitlistEntry
from members.models import User


def searches_of(user: User) -> list[SavedSearch]:
    """``user``'s saved searches, newest first, each with its ``title`` and ``description``
    (alerts.searches.name_all): two queries, however many searches."""
    return name_all(list(SavedSearch.objects.filter(owner=user)))


def search_for(user: User, pk: int) -> SavedSearch:
    """One of ``user``'s own saved searches; 404 for anyone else's or none. The loader of
    ``groups.access.permission_required``."""
    search = SavedSearch.objects.filter(owner=user, pk=pk).first()
    if search is None:
        raise Http404("No such saved search.")
    return name_all([search])[0]


def count_of(user: User) -> int:
    return SavedSearch.objects.filter(owner=user).count()


def searches_to_stop(user: User, ids: Iterable[int]) -> list[SavedSearch]:
    """Of ``ids`` (from an unsubscribe link), the searches that are still ``user``'s."""
    return name_all(list(SavedSearch.objects.filter(owner=user, pk__in=list(ids))))


def candidates_for(group: Group, *, slugs: Iterable[str], leave_out: set[int]) -> QuerySet:
    """The saved searches that may be told of ``group``: they want e-mails, their owner's
    account is active and is not among ``leave_out`` (who acted, who it was about), is not a
    member, on the waitlist or waiting for a decision on an application there, and they have
    not been told of it before; and the cheap cut of their filters (``prefilter``) keeps
    them. Browse's FilterSet says which of them find it (alerts.searches.matching)."""
    owner = OuterRef("owner")
    member = Membership.objects.filter(group=group, user=owner)
    waiting = WaitlistEntry.objects.filter(
        group=group, user=owner, status__in=ACTIVE_WAITLIST_STATUSES
    )
    applying = Application.objects.filter(
        group=group, applicant=owner, status=ApplicationStatus.PENDING
    )
    told = AlertMatch.objects.filter(search=OuterRef("pk"), group=group)
    return (
        SavedSearch.objects.filter(
            prefilter(group, slugs=slugs),
            frequency__in=[Frequency.IMMEDIATE, Frequency.WEEKLY],
            owner__is_active=True,
        )
        .exclude(owner__in=leave_out)
        .exclude(Exists(member) | Exists(waiting) | Exists(applying) | Exists(told))
        .select_related("owner__profile")
        .order_by("pk")
    )


def export_of(user: User) -> list[dict]:
    """``user``'s saved searches for "My data": what they named and chose, and the names of
    the groups each found (public, as browse shows them)."""
    searches = name_all(list(SavedSearch.objects.filter(owner=user).prefetch_related("matches")))
    found = dict(
        Group.objects.filter(
            pk__in={match.group_id for search in searches for match in search.matches.all()}
        ).values_list("pk", "name")
    )
    return [
        {
            "name": search.name,
            "filters": search.query,
            "in_words": search.description,
            "emails": search.frequency,
            "created_at": search.created_at.isoformat(),
            "last_alert_at": search.last_alert_at.isoformat() if search.last_alert_at else None,
            "groups_found": [found.get(match.group_id, "") for match in search.matches.all()],
        }
        for search in searches
    ]
