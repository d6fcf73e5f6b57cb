"""What the alerts send, built at send time from today's data.

* ``alert_match``: a group one or more of the recipient's searches found, at once. The
  delivery's object is the group, its key ``search:<id>`` (the lowest of those searches).
* ``alert_digest``: the week's groups, once a week. Its object is the recipient, its key
  ``digest:<id>`` (the first match in it).

Each e-mail says only what browse says of a group to anyone (its name, purposes, format, where
or online, when it meets, its seats) and links to its page: never a member's name. A group no
longer on browse, one the recipient has joined meanwhile, or one their search no longer finds
is left out, and an e-mail with nothing left is skipped. Each carries a one-click unsubscribe
(RFC 8058) that stops the e-mails of the searches it is about, and only those: the token names
the person and the searches, is signed and valid for a year (``members.notifications`` puts it
in the ``List-Unsubscribe`` header and the footer).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.functional import lazy

from alerts.enums import Frequency, MatchReason
from alerts.models import AlertMatch, SavedSearch
from alerts.searches import describe, matching, specialty_names
from groups.models import Membership
from meetings.selectors import browsable_groups
from members.notifications import builder

UNSUBSCRIBE_SALT = "peercircle.alerts.unsubscribe"
UNSUBSCRIBE_DAYS = 365

lazy_describe = lazy(describe, str)


def unsubscribe_token(user_id: int, search_ids) -> str:
    return signing.dumps(
        {"u": user_id, "s": sorted(set(search_ids))}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def read_unsubscribe_token(token: str) -> tuple[int, list[int]]:
    """The person and the searches a link names; ``signing.BadSignature`` (expired included)
    for anything else."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=UNSUBSCRIBE_DAYS))
    try:
        return int(data["u"]), [int(pk) for pk in data["s"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed alert unsubscribe token") from exc


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _titled(searches: list[SavedSearch]) -> list[SavedSearch]:
    """Each search's ``title``: its name, or its filters in words, written when the e-mail is
    rendered, in the recipient's language."""
    names = specialty_names(search.query for search in searches)
    for search in searches:
        search.title = search.name or lazy_describe(search.query, specialties=names)
    return searches


def _current(matches: list[AlertMatch], user) -> list[dict]:
    """The groups of ``matches`` still on browse, which ``user`` has not joined, each with the
    searches that still find it, in the order they were found."""
    not_member = ~Exists(Membership.objects.filter(group=OuterRef("pk"), user=user))
    groups = browsable_groups().filter(not_member, pk__in={m.group_id for m in matches})
    groups = {group.pk: group for group in groups}
    searches = {m.search_id: m.search for m in matches}
    found = matching(searches.values(), browsable_groups().filter(pk__in=list(groups)))
    entries: dict[int, dict] = {}
    for match in matches:
        if match.group_id not in groups or match.group_id not in found[match.search_id]:
            continue
        entry = entries.setdefault(
            match.group_id,
            {"group": groups[match.group_id], "reason": match.reason, "searches": []},
        )
        entry["searches"].append(searches[match.search_id])  # one object per search
    for entry in entries.values():
        entry["url"] = _absolute(entry["group"].get_absolute_url())
        entry["reason_label"] = MatchReason(entry["reason"]).label
    return list(entries.values())


def _context(user, matches: list[AlertMatch]) -> dict | None:
    entries = _current(matches, user)
    if not entries:
        return None
    searches = _titled(sorted({s.pk: s for e in entries for s in e["searches"]}.values(), key=_pk))
    token = unsubscribe_token(user.pk, [s.pk for s in searches])
    return {
        "entries": entries,
        "searches": searches,
        "searches_url": _absolute(reverse("alerts:list")),
        "unsubscribe_url": _absolute(reverse("alerts:unsubscribe", kwargs={"token": token})),
    }


def _pk(search: SavedSearch) -> int:
    return search.pk


def _matches(user, key: str, **where) -> list[AlertMatch]:
    return list(
        AlertMatch.objects.filter(search__owner=user, delivery_key=key, **where)
        .exclude(search__frequency=Frequency.OFF)
        .select_related("search__owner__profile")
        .order_by("matched_at", "pk")
    )


@builder("alert_match")
def build_alert_match(delivery):
    """One group, found by one or more of the recipient's searches that e-mail at once."""
    user = delivery.recipient
    if user is None:
        return None
    matches = _matches(user, delivery.dedupe_key, group=delivery.object_id)
    context = _context(user, matches) if matches else None
    if context is not None:
        context["entry"] = context["entries"][0]
    return context


@builder("alert_digest")
def build_alert_digest(delivery):
    """The groups the recipient's weekly searches found since their last digest."""
    user = delivery.recipient
    if user is None:
        return None
    matches = _matches(user, delivery.dedupe_key)
    return _context(user, matches) if matches else None
