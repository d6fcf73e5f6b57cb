"""A Redis cache that degrades instead of failing when Redis is unreachable.

Pages keep serving without the cache (rate limits fall back to "allowed", cached pages are
rendered afresh); a warning is logged once per failing call.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


def _degrade(method, fallback):
    def wrapper(self, *args, **kwargs):
        try:
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


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    get = _degrade(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrade(RedisCache.get_many, {})
    set = _degrade(RedisCache.set, None)
    set_many = _degrade(RedisCache.set_many, [])
    add = _degrade(RedisCache.add, True)
    touch = _degrade(RedisCache.touch, False)
    delete = _degrade(RedisCache.delete, False)
    delete_many = _degrade(RedisCache.delete_many, None)
    has_key = _degrade(RedisCache.has_key, False)
    incr = _degrade(RedisCache.incr, lambda key, delta=1, version=None: delta)
    clear = _degrade(RedisCache.clear, False)
