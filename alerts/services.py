"""Every write about saved searches and their alerts.

* ``save_search``, ``update_search``, ``remove_search``, ``stop_alerts`` (the one-click
  unsubscribe) and ``erase_saved_searches`` (account deletion): the owner's own searches.
* ``match_group``: a group opened (``groups.signals.group_open``, queued on commit by
  alerts/tasks.py): record each saved search that finds it, once ever
  (``alert_match_once``), and tell each person at once, in one e-mail however many of their
  searches found it, or keep it for their weekly digest.
* ``plan_weekly_digests``: beat, once a week: one e-mail per person with the groups their
  weekly searches found since the last one; each match goes into one digest only.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import selectors
from alerts.enums import Frequency, MatchReason
from alerts.models import SEARCHES_PER_PERSON, AlertMatch, SavedSearch, query_key
from alerts.searches import clean_query, matching
from config import pagecache
from config.access import check
from config.errors import DomainError
from groups.models import Group
from groups.notifications import next_digest_time
from meetings.selectors import browsable_groups
from members.enums import DeliveryStatus, NotificationKind
from members.models import Delivery, User
from members.notifications import notify, object_key, queue_deliveries, record_planned
from members.services import record_audit


class AlertError(DomainError):
    """A saved search cannot be kept as asked (too many, the same search twice)."""


def _checked_query(data: Mapping) -> dict[str, str]:
    cleaned = clean_query(data)
    if cleaned.errors:
        raise ValidationError(cleaned.errors)
    return cleaned.query


def _refuse_twin(*, owner: User, query: dict[str, str], exclude_pk: int | None = None) -> None:
    twin = SavedSearch.objects.filter(owner=owner, query_key=query_key(query))
    if exclude_pk is not None:
        twin = twin.exclude(pk=exclude_pk)
    if twin.exists():
        raise AlertError(
            _("You have already saved a search with these filters: change that one instead.")
        )


@transaction.atomic
def save_search(
    *, actor: User, data: Mapping, name: str = "", frequency: str = Frequency.IMMEDIATE
) -> SavedSearch:
    """Keep a browse search (``data``: browse's parameters; only its filters are kept, checked
    by browse's FilterSet). At most ``SEARCHES_PER_PERSON`` each, counted under the owner's
    row lock so that two saves at once cannot pass the limit together."""
    check(actor, "alerts.save_search")
    query = _checked_query(data)
    User.objects.select_for_update().filter(pk=actor.pk).exists()
    if selectors.count_of(actor) >= SEARCHES_PER_PERSON:
        raise AlertError(
            _(
                "You have %(count)d saved searches, the most one person can keep. Remove one "
                "you no longer need, then save this one."
            )
            % {"count": SEARCHES_PER_PERSON}
        )
    _refuse_twin(owner=actor, query=query)
    search = SavedSearch(
        owner=actor,
        name=name.strip(),
        query=query,
        query_key=query_key(query),
        frequency=frequency,
    )
    search.full_clean()
    search.save()
    record_audit(actor=actor, verb="alerts.search_saved", obj=search, data={"frequency": frequency})
    return search


def _lock(actor: User, search_id: int) -> SavedSearch:
    search = (
        SavedSearch.objects.select_for_update(of=("self",))
        .filter(pk=search_id, owner=actor)
        .first()
    )
    check(actor, "alerts.change_search", search)
    return search


@transaction.atomic
def update_search(
    *, actor: User, search_id: int, data: Mapping, name: str, frequency: str
) -> SavedSearch:
    """Change a search's name, frequency and filters. What it already found stays found: a
    group it told of is not told of again."""
    search = _lock(actor, search_id)
    query = _checked_query(data)
    User.objects.select_for_update().filter(pk=actor.pk).exists()  # as save_search does
    _refuse_twin(owner=actor, query=query, exclude_pk=search.pk)
    search.name, search.frequency = name.strip(), frequency
    search.query, search.query_key = query, query_key(query)
    search.full_clean()
    search.save(update_fields=["name", "frequency", "query", "query_key", "updated_at"])
    record_audit(
        actor=actor, verb="alerts.search_changed", obj=search, data={"frequency": frequency}
    )
    return search


@transaction.atomic
def remove_search(*, actor: User, search_id: int) -> None:
    """Remove a search and what it found; an e-mail about it not sent yet is skipped."""
    search = _lock(actor, search_id)
    record_audit(actor=actor, verb="alerts.search_removed", obj=search)
    search.delete()


@transaction.atomic
def stop_alerts(*, user: User, search_ids: Iterable[int]) -> list[int]:
    """The one-click unsubscribe of an alert e-mail: its searches send no more e-mails (they
    are kept, to run on browse or turn on again). Returns the ids stopped now."""
    searches = SavedSearch.objects.select_for_update(of=("self",)).filter(
        owner=user, pk__in=list(search_ids)
    )
    stopped = [s.pk for s in searches if s.frequency != Frequency.OFF]
    if stopped:
        with pagecache.announced(SavedSearch, [f"u:{user.pk}"]):
            SavedSearch.objects.filter(pk__in=stopped).update(
                frequency=Frequency.OFF, updated_at=timezone.now()
            )
        record_audit(
            actor=user, verb="alerts.unsubscribed", subject=user, data={"searches": stopped}
        )
    return stopped


def erase_saved_searches(*, user: User) -> int:
    """Account deletion: the person's searches and what they found go (portal/privacy.py)."""
    _total, per_model = SavedSearch.objects.filter(owner=user).delete()
    return per_model.get(SavedSearch._meta.label, 0)


# --- matching ---------------------------------------------------------------------------------


def match_group(
    *, group_id: int, reason: str, actor_id: int | None = None, about: Iterable[int] = ()
) -> int:
    """A group may have opened to newcomers (created, active again, a seat came free): find
    the saved searches whose owners would now see it on browse, record each once, and tell
    their owners. Returns how many searches found it now. Safe to run twice, and twice at
    once: what was recorded is not recorded again, and e-mails are recorded once each.

    The filters run before any lock is taken (``candidates_for`` cuts in the database, then
    browse's FilterSet once per distinct query); only the recording runs under the group's
    row lock, so two runs for one group record one after the other. The person who acted and
    those the change was about (``actor_id``, ``about``) are left out with the candidates, as
    ``notify`` leaves out its actor: these e-mails are recorded in bulk."""
    group = browsable_groups().filter(pk=group_id).first()
    if group is None or group.seats_left <= 0:
        return 0
    slugs = [term.slug for term in group.focus_specialties.all()]
    leave_out = {pk for pk in (actor_id, *about) if pk is not None}
    candidates = list(selectors.candidates_for(group, slugs=slugs, leave_out=leave_out))
    if not candidates:
        return 0
    found = matching(candidates, browsable_groups().filter(pk=group.pk))
    hits = [search for search in candidates if group.pk in found[search.pk]]
    if not hits:
        return 0
    reason = reason if reason in MatchReason.values else MatchReason.SEAT
    return _record(group=group, hits=hits, reason=reason)


@transaction.atomic
def _record(*, group: Group, hits: list[SavedSearch], reason: str) -> int:
    """Under the group's row lock: the matches not recorded yet, and one e-mail per person for
    their searches that want e-mails at once (key ``search:<lowest id>``). All in a few
    statements however many people (bulk inserts; the unique delivery row drops a repeat),
    queued once this commits, as ``notify`` does."""
    Group.objects.select_for_update(of=("self",)).filter(pk=group.pk).exists()
    told = set(
        AlertMatch.objects.filter(group=group, search__in=hits).values_list("search_id", flat=True)
    )
    by_owner: dict[int, list[SavedSearch]] = defaultdict(list)
    for search in hits:
        if search.pk not in told:
            by_owner[search.owner_id].append(search)
    now = timezone.now()
    matches, deliveries, at_once = [], [], []
    object_type, object_id = object_key(group)
    for searches in by_owner.values():
        now_ids = [s.pk for s in searches if s.frequency == Frequency.IMMEDIATE]
        key = f"search:{min(now_ids)}" if now_ids else ""
        matches += [
            AlertMatch(
                search=search,
                group=group,
                reason=reason,
                matched_at=now,
                delivery_key=key if search.pk in now_ids else "",
            )
            for search in searches
        ]
        if now_ids:
            at_once += now_ids
            owner = searches[0].owner
            deliveries.append(
                Delivery(
                    recipient=owner,
                    email=owner.email,
                    kind=NotificationKind.ALERT,
                    template="alert_match",
                    object_type=object_type,
                    object_id=object_id,
                    dedupe_key=key,
                    due_at=now,
                )
            )
    # Alerts show to their owners alone (their alerts page).
    with pagecache.announced([AlertMatch, SavedSearch], [f"u:{pk}" for pk in by_owner]):
        AlertMatch.objects.bulk_create(matches)
        if deliveries:
            SavedSearch.objects.filter(pk__in=at_once).update(last_alert_at=now)
    if deliveries:
        record_planned(deliveries)
        ids = list(
            Delivery.objects.filter(
                template="alert_match",
                object_type=object_type,
                object_id=object_id,
                dedupe_key__in=[d.dedupe_key for d in deliveries],
                status=DeliveryStatus.PENDING,
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(partial(queue_deliveries, ids))
    return len(matches)


def plan_weekly_digests(*, now: datetime | None = None) -> int:
    """Once a week: for each person with matches waiting, one digest e-mail, due at 8 am in
    their zone (the next one). Each person's waiting matches are taken under their row locks
    (``SKIP LOCKED``: a second planner at the same time takes none of them) and given the
    digest's key, so each match is in one digest only. Returns how many digests."""
    now = now or timezone.now()
    owners = (
        AlertMatch.objects.filter(delivery_key="")
        .exclude(search__frequency=Frequency.OFF)
        .values_list("search__owner", flat=True)
        .distinct()
    )
    return sum(_plan_digest(owner_id=owner_id, now=now) for owner_id in list(owners))


@transaction.atomic
def _plan_digest(*, owner_id: int, now: datetime) -> int:
    ids = list(
        AlertMatch.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(delivery_key="", search__owner=owner_id)
        .exclude(search__frequency=Frequency.OFF)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    owner = User.objects.select_related("profile").filter(pk=owner_id, is_active=True).first()
    if not ids or owner is None:
        return 0
    key = f"digest:{ids[0]}"
    due = next_digest_time(owner, now)
    with pagecache.announced([AlertMatch, SavedSearch], [f"u:{owner.pk}"]):
        AlertMatch.objects.filter(pk__in=ids).update(delivery_key=key)
        SavedSearch.objects.filter(owner=owner, matches__pk__in=ids).update(last_alert_at=due)
    notify(
        kind=NotificationKind.ALERT,
        template="alert_digest",
        obj=owner,
        actor=None,
        recipients=[owner],
        dedupe_key=key,
        due_at=due,
    )
    return 1
