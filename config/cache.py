"""A Redis cache that degrades instead of failing when Redis is unreachable.

Pages keep serving without the cache (rate limits fall back to "allowed", cached pages are
rendered afresh); a warning is logged once per failing call. A delete that could not reach
Redis is not forgotten: the process retries it before its next cache call, so a session ended
(or a copy invalidated) during an outage does not come back with Redis.
"""

import logging
import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


def _degrade(method, fallback):
    def wrapper(self, *args, **kwargs):
        try:
            self._retry_undone_deletes()
            return method(self, *args, **kwargs)
        except DOWN as exc:
            logger.warning("cache unavailable (%s); continuing without it", exc.__class__.__name__)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = method.__name__
    return wrapper


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and each one copies redis-py's
    table of response callbacks; with three cache calls on every signed-in page that was a
    measurable share of a cached page's time. ``redis.Redis`` is safe to share between threads
    (it takes a connection from the pool per command).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


# Deletes that failed while Redis was unreachable, per Redis location, shared by the threads of
# a process (Django keeps one cache object per thread).
_UNDONE_DELETES: dict[str, set[str]] = {}
_UNDONE_LOCK = threading.Lock()


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._undone = _UNDONE_DELETES.setdefault(str(server), set())

    def _retry_undone_deletes(self) -> None:
        if not self._undone:
            return
        with _UNDONE_LOCK:
            keys = list(self._undone)
        self._cache.delete_many(keys)  # raises while Redis is still down: nothing is lost
        with _UNDONE_LOCK:
            self._undone.difference_update(keys)

    def _delete(self, full_keys: list[str], do) -> bool:
        try:
            self._retry_undone_deletes()
            return do()
        except DOWN as exc:
            logger.warning("cache unavailable (%s); delete kept to retry", exc.__class__.__name__)
            with _UNDONE_LOCK:
                self._undone.update(full_keys)
            return False

    def delete(self, key, version=None):
        full_key = self.make_and_validate_key(key, version=version)
        return self._delete([full_key], lambda: self._cache.delete(full_key))

    def delete_many(self, keys, version=None):
        full_keys = [self.make_and_validate_key(key, version=version) for key in keys]
        self._delete(full_keys, lambda: self._cache.delete_many(full_keys))

    get = _degrade(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrade(RedisCache.get_many, {})
    set = _degrade(RedisCache.set, None)
    set_many = _degrade(RedisCache.set_many, [])
    add = _degrade(RedisCache.add, True)
    touch = _degrade(RedisCache.touch, False)
    has_key = _degrade(RedisCache.has_key, False)
    incr = _degrade(RedisCache.incr, lambda key, delta=1, version=None: delta)
    clear = _degrade(RedisCache.clear, False)
