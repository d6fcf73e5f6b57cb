"""Members' pages kept in the cache, and the versions that say when a kept copy is out of date.

A member page (the group page, a meeting, a presentation, the polls list, the dashboard) is
rendered for one person; rendering it costs 10-40 ms of ORM and templates, and people open the
same pages again and again. ``cached_member_page`` keeps the rendered page for that person under
a key made of everything that decides what it shows (docs/benchmarks.md, issue 19):

- the person (their id) and the version of what concerns them (``u:<id>``), the versions of the
  groups the page shows (``g:<id>``), the version of everyone's names (``people``) and the
  version of everything (``all``);
- the page's address and query, the language, the time zone the times are in, the form token's
  secret (a kept form must carry a token this browser's cookie accepts) and whether htmx asked.

A copy lives at most ``PAGE_SECONDS`` (what "in 3 days" or "next meeting" says changes with the
clock, not only with writes), and is only kept for a 200 that sets no cookie, shown to a signed-in
person who is not a site admin and has no message waiting.

**Versions are bumped by every write.** Every model of the project sends its row's scope when it
is saved or deleted (``scope_of``): a row with a group (directly or through its meeting, topic,
poll, presentation, ...) bumps that group, a row with people bumps each of them, a name bumps
``people``, and a row with neither bumps ``all``. A write that sends no signal
(``QuerySet.update()``, ``bulk_create``, a cascade's SET NULL, raw SQL) is seen by a database
execute wrapper and bumps ``all``. Each bump happens at once and again when the transaction
commits, so a request that read the old rows in between cannot keep its copy current.
Confidentiality never rests on this cache alone: the key names the person, and whatever takes
a page away from them (leaving a group, a new version of the rules, being removed) writes a row
that bumps their version and the group's.
"""

import contextlib
import contextvars
import functools
import hashlib
import os
import re
import time
from pathlib import Path

from celery.signals import task_prerun
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.signals import request_started
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_SESSION_KEY
from django.utils import timezone, translation

PAGE_SECONDS = 60
# ``request.page_keep``: a view's say on how its page is kept (True: in the cache, the default;
# False: not at all; SEALED: encrypted, so that neither the cache nor a disk it writes to ever
# holds case material in clear).
SEALED = "sealed"
# Besides the project's own apps (those in its folder): allauth's e-mail addresses and second
# steps, which the dashboard and the navigation read.
OTHER_APPS = ("account", "mfa")
# Rows that only ever show to the person they belong to: they bump that person alone (a member
# opening the board records a visit; that must not throw away everyone's group page).
PERSONAL_MODELS = {
    "board.ReadMark",
    "board.BoardVisit",
    "board.DigestPreference",
    "members.NotificationPreference",
    "members.Delivery",
    "meetings.CalendarFeedToken",
    "alerts.SavedSearch",
    "alerts.AlertMatch",
}
# Tables no kept page reads, written in bulk by the background tasks (the outbox, the audit
# trail) and by Django itself: their unsignalled writes do not bump ``all``.
UNSEEN_TABLES = {"members_delivery", "members_auditentry"}
UNSEEN_TABLE_PREFIXES = ("django_", "celery", "auth_")
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)

_saving: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "pagecache_saving", default=None
)


# --- Versions -----------------------------------------------------------------------------------


def _key(name: str) -> str:
    return f"pv:{name}"


def version_key(name: str) -> str:
    """The cache key of a version ("u:7"), for a caller that reads it with other keys at once."""
    return _key(name)


def versions(names: list[str], *, made: set | None = None) -> list[str]:
    """The current version of each name ("g:12", "u:7", "people", "all"), made if missing (the
    names made here are added to ``made``: no write moved them)."""
    keys = [_key(name) for name in names]
    found = cache.get_many(keys)
    result = []
    for name, key in zip(names, keys, strict=True):
        version = found.get(key)
        if version is None:
            if made is not None:
                made.add(name)
            cache.add(key, str(time.time_ns()), None)
            version = cache.get(key) or str(time.time_ns())
        result.append(str(version))
    return result


class _Bump:
    """The on-commit write of a transaction's bumps: one per transaction, however many rows it
    writes (later bumps join the last one registered)."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self):
        cache.set_many(dict.fromkeys(self.keys, str(time.time_ns())), None)


def bump(names) -> None:
    """New versions for these names, now and again when the transaction commits."""
    keys = {_key(name) for name in names}
    if not keys:
        return
    cache.set_many(dict.fromkeys(keys, str(time.time_ns())), None)
    connection = transaction.get_connection()
    pending = connection.run_on_commit[-1][1] if connection.run_on_commit else None
    if connection.in_atomic_block and isinstance(pending, _Bump):
        pending.keys |= keys  # one write at the commit for the whole transaction
    else:
        pending = _Bump()
        pending.keys = set(keys)
        transaction.on_commit(pending, robust=True)


# --- What a write touches -----------------------------------------------------------------------


def _label(model) -> str:
    return model._meta.label


def scope_of(instance, *, depth: int = 0) -> set[str]:
    """The version names a row's change bumps: its groups (through its own foreign keys, read
    from the database when the row names a meeting, a topic, a poll, ...), its people, and
    ``all`` when it names neither."""
    model = type(instance)
    label = _label(model)
    user_label = settings.AUTH_USER_MODEL
    names: set[str] = set()
    if label == "groups.Group":
        names.add(f"g:{instance.pk}")
    if label == user_label:
        names.update({f"u:{instance.pk}", "people"})
    if label == "members.TherapistProfile":
        names.update({f"u:{instance.user_id}", "people"})
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        value = getattr(instance, field.attname, None)
        if value is None:
            continue
        related = _label(field.related_model)
        if related == "groups.Group":
            names.add(f"g:{value}")
        elif related == user_label:
            names.add(f"u:{value}")
        elif depth < 3 and field.related_model._meta.app_config in _PROJECT:
            loaded = field.get_cached_value(instance) if field.is_cached(instance) else None
            names.update(_container_scope(field.related_model, value, depth, loaded))
    if label in PERSONAL_MODELS:
        names = {name for name in names if name.startswith("u:")} or {"all"}
    return names or {"all"}


def _container_scope(model, pk, depth: int, loaded=None) -> set[str]:
    """The groups of the row a row hangs from (a reply's topic, an answer's poll, a slot's
    meeting), and the person of a profile: what never changes for that row, so it is kept in
    the cache (the row itself is read only when neither it nor the kept copy is at hand)."""
    key = f"row-scope:{_label(model)}:{pk}"
    names = None if loaded is not None else cache.get(key)
    if names is None:
        row = loaded if loaded is not None else model._base_manager.filter(pk=pk).first()
        if row is None:
            return set()
        names = {name for name in scope_of(row, depth=depth + 1) if name.startswith("g:")}
        if _label(model) == "members.TherapistProfile":
            names.add(f"u:{row.user_id}")
        cache.set(key, names, 24 * 3600)
    return set(names)


def _enter(table: str) -> None:
    saving = dict(_saving.get() or {})
    saving[table] = saving.get(table, 0) + 1
    _saving.set(saving)


def _leave(table: str) -> None:
    saving = dict(_saving.get() or {})
    if saving.get(table, 0) > 1:
        saving[table] -= 1
    else:
        saving.pop(table, None)
    _saving.set(saving)


@contextlib.contextmanager
def announced(models, names):
    """Writes without a signal (a bulk insert, a queryset's update) to the tables of ``models``
    (a model or several) whose scope the caller knows (one person's read marks, one group's
    agenda): they bump those names instead of ``all``."""
    tables = [
        model._meta.db_table
        for model in (models if isinstance(models, (list, tuple)) else [models])
    ]
    for table in tables:
        _enter(table)
    try:
        yield
    finally:
        for table in tables:
            _leave(table)
        bump(names)  # also when the block failed part-way: a bump too many is harmless


def _before_write(sender, instance, **kwargs) -> None:
    _enter(sender._meta.db_table)


def _after_write(sender, instance, update_fields=None, **kwargs) -> None:
    _leave(sender._meta.db_table)
    signing_in = update_fields is not None and set(update_fields) <= {"last_login"}
    if signing_in and _label(sender) == settings.AUTH_USER_MODEL:
        return  # signing in changes nothing any page shows
    bump(scope_of(instance))


def _many_to_many(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        bump(
            scope_of(instance)
            | ({"people"} if _label(type(instance)).startswith("members.") else set())
        )


def _watch_writes(execute, sql, params, many, context):
    """A write the model signals did not announce (a queryset's update or delete, a bulk
    insert, raw SQL) bumps ``all``, once it has run (outside a transaction it is then already
    committed; inside one, the commit bumps again)."""
    result = execute(sql, params, many, context)
    match = WRITE.match(sql) if sql[:1] in "IUDiud \n" else None
    if match:
        table = match.group(1)
        if not (
            table in (_saving.get() or {})
            or table in UNSEEN_TABLES
            or table.startswith(UNSEEN_TABLE_PREFIXES)
        ):
            bump(["all"])
    return result


def _forget_saves(**kwargs) -> None:
    """A save that failed between its pre_save and post_save signals (an IntegrityError caught
    by the caller) leaves its table marked; each request and each task starts clean."""
    _saving.set(None)


def _install_wrapper(sender=None, connection=None, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


_PROJECT: set = set()  # filled by connect()


def project_apps() -> list:
    """The apps whose rows pages show: the project's own, and ``OTHER_APPS``."""
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR) or config.label in OTHER_APPS
    ]


def connect() -> None:
    """Called once the apps are ready (portal.apps)."""
    _PROJECT.update(project_apps())
    for config in _PROJECT:
        for model in config.get_models():
            uid = f"pagecache-{_label(model)}"
            pre_save.connect(_before_write, sender=model, dispatch_uid=f"{uid}-pre-save")
            pre_delete.connect(_before_write, sender=model, dispatch_uid=f"{uid}-pre-delete")
            post_save.connect(_after_write, sender=model, dispatch_uid=f"{uid}-post-save")
            post_delete.connect(_after_write, sender=model, dispatch_uid=f"{uid}-post-delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _many_to_many,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}-{field.name}",
                )
    connection_created.connect(_install_wrapper, dispatch_uid="pagecache-wrapper")
    request_started.connect(_forget_saves, dispatch_uid="pagecache-request-started")
    task_prerun.connect(_forget_saves, dispatch_uid="pagecache-task-prerun", weak=False)
    for connection in connections.all(initialized_only=True):
        _install_wrapper(connection=connection)


# --- Kept pages ---------------------------------------------------------------------------------


def stamp(names: list[str], *, started: int | None = None) -> dict[str, str] | None:
    """The current versions of ``names``, to keep with something made from the database; with
    ``started`` (time.time_ns() before the reads), None if a write moved one of them since then
    (what was read may already be out of date; a version made just now, missing before, was
    moved by no write)."""
    made: set[str] = set()
    current = dict(zip(names, versions(names, made=made), strict=True))
    if started is not None and any(
        int(version) >= started for name, version in current.items() if name not in made
    ):
        return None
    return current


def holds(kept: dict[str, str]) -> bool:
    """Whether every version a kept thing was made from is still current."""
    names = list(kept)
    return bool(names) and versions(names) == [kept[name] for name in names]


def _csrf_secret(request) -> str | None:
    if settings.CSRF_USE_SESSIONS:
        return request.session.get(CSRF_SESSION_KEY)
    return request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def page_key(request) -> str | None:
    """The key of this person's copy of this page (the versions it was made from are kept in
    the copy); None when it must be rendered afresh."""
    user = request.user
    if (
        request.method != "GET"
        or not settings.MEMBER_PAGE_CACHE
        or not user.is_authenticated
        or user.is_staff
        or user.is_superuser
        or len(messages.get_messages(request))
    ):
        return None
    # No form token yet: the page sets its cookie (every signed-in page has the sign-out form),
    # and a copy kept without it would carry a token no cookie matches.
    secret = _csrf_secret(request)
    if not secret:
        return None
    parts = [
        request.get_full_path(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        secret,
        request.headers.get("HX-Request", ""),
        request.build_absolute_uri("/"),
    ]
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]
    return f"page:{user.pk}:{digest}"


def _sealing_key() -> bytes:
    return hashlib.sha256(b"peercircle.pagecache.sealed:" + settings.SECRET_KEY.encode()).digest()


def seal(key: str, content: bytes) -> bytes:
    """``content`` encrypted (AES-GCM, with a key derived from SECRET_KEY, bound to the cache
    key it is kept under): what the cache, and a disk it writes to, holds of a case page."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_sealing_key()).encrypt(nonce, content, key.encode())


def unseal(key: str, sealed: bytes) -> bytes | None:
    try:
        return AESGCM(_sealing_key()).decrypt(sealed[:12], sealed[12:], key.encode())
    except InvalidTag:
        return None  # another SECRET_KEY, or not the copy kept under this key


def _kept(key: str, user_id: int) -> tuple[dict | None, dict[str, str]]:
    """The kept copy (if any) and the current versions of the person, ``people`` and ``all``,
    in one cache call; a copy whose versions all still hold is returned, otherwise None."""
    names = [f"u:{user_id}", "people", "all"]
    found = cache.get_many([key, *map(_key, names)])
    current = {name: found.get(_key(name)) for name in names}
    if any(value is None for value in current.values()):
        current = dict(zip(names, versions(names), strict=True))
    entry = found.get(key)
    if entry is None:
        return None, current
    groups = [name for name in entry["versions"] if name not in current]
    if groups:
        current |= dict(zip(groups, versions(groups), strict=True))
    if any(current[name] != version for name, version in entry["versions"].items()):
        return None, current
    return entry, current


def _keepable(request, response) -> bool:
    secret = _csrf_secret(request)
    return (
        response.status_code == 200
        # A page whose form token was made from another secret than the cookie's (a new cookie
        # is coming with it) is not kept.
        and request.META.get("CSRF_COOKIE", secret) == secret
        and not response.cookies
        and not getattr(response, "streaming", False)
        and not response.has_header("Content-Disposition")
    )


def page_groups(request) -> list[int] | None:
    """The groups a page shows, as its view left them on the request: ``page_groups`` (a list
    of ids, or a function returning one, set by a view that shows several), else the groups of ``page_object`` (the object
    ``groups.access.permission_required`` loaded and let the person see). None: not keepable."""
    if getattr(request, "page_keep", True) is False:
        return None  # the view said so (a case: case material is never kept in the cache)
    groups = getattr(request, "page_groups", None)
    if callable(groups):
        groups = groups()  # only asked when the page is kept
    if groups is not None:
        return list(groups)
    obj = getattr(request, "page_object", None)
    if obj is None:
        return None
    return [int(name[2:]) for name in scope_of(obj) if name.startswith("g:")]


def cached_member_page(view):
    """Keep what the view renders for a member (see the module's docstring).

    The groups the page shows come from the view (``page_groups``) after it rendered the page,
    and the copy is kept with the versions read before it (the person's, ``people``, ``all``)
    and the groups' versions read after, unless a group's version moved while the page was
    being rendered. A kept copy is served when every version it was made from still holds: two
    cache calls. A kept page does not run the view, so only views that write nothing a page
    shows when opened may use it (the board's look at most once a minute writes the time of the
    look, which no page shows, and announces nothing).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = page_key(request) if request.user.is_authenticated else None
        if key is None:
            return view(request, *args, **kwargs)
        entry, before = _kept(key, request.user.pk)
        content = None
        if entry is not None:
            content = entry["content"] if "content" in entry else unseal(key, entry["sealed"])
        if content is not None:
            return HttpResponse(content, content_type=entry["content_type"])
        started = time.time_ns()
        response = view(request, *args, **kwargs)
        groups = page_groups(request) if _keepable(request, response) else None
        if groups is not None:
            after = stamp([f"g:{pk}" for pk in sorted(set(groups))], started=started)
            if after is not None:
                entry = {"versions": before | after, "content_type": response["Content-Type"]}
                if getattr(request, "page_keep", True) == SEALED:
                    entry["sealed"] = seal(key, response.content)
                else:
                    entry["content"] = response.content
                cache.set(key, entry, PAGE_SECONDS)
        return response

    return wrapper
