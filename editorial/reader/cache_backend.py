"""Django's Redis cache as an accelerator, never a dependency.

The reader site keeps rendered pages and fragments in the cache (editorial.reader.cache,
editorial.reader.caching), but a page never needs it: when Redis is down, full (maxmemory with
noeviction answers writes with OOM errors) or slow (past the socket timeouts), every cache call
here answers as a miss (a read gives the default, a write keeps nothing) and the page is
rendered without it. The failure is logged as one warning, and the cache is then left alone
for DIGEST_CACHE_RETRY_SECONDS, so a dead Redis costs neither a timeout nor a log line per
request; after that the next call tries it again.

A value whose pickled form is larger than DIGEST_PAGE_CACHE_MAX_BYTES is not stored at all, so
one huge page cannot crowd out the rest (Redis' own bound, maxmemory with an LRU eviction
policy, is in docs/deploy.md).
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisSerializer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a failing Redis raises: redis-py's errors (connection, timeout, OOM and other error
# replies) and the socket's own.
FAILURES = (RedisError, OSError)


class TooLargeToCache(Exception):
    """A value past DIGEST_PAGE_CACHE_MAX_BYTES: not stored (not a failure of the cache)."""


class BoundedSerializer(RedisSerializer):
    def dumps(self, obj):
        data = super().dumps(obj)
        if isinstance(data, bytes) and len(data) > settings.DIGEST_PAGE_CACHE_MAX_BYTES:
            raise TooLargeToCache(len(data))
        return data


class ResilientRedisCache(RedisCache):
    """RedisCache whose every call answers as a miss while Redis fails (see the module)."""

    def __init__(self, server, params):
        params = {
            **params,
            "OPTIONS": {"serializer": BoundedSerializer, **params.get("OPTIONS", {})},
        }
        super().__init__(server, params)
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except TooLargeToCache:
            return fallback
        except FAILURES as error:
            self._failed(error)
            return fallback

    def _failed(self, error: Exception) -> None:
        retry = settings.DIGEST_CACHE_RETRY_SECONDS
        with self._lock:
            if time.monotonic() < self._paused_until:
                return  # another thread already said so for this interval
            self._paused_until = time.monotonic() + retry
        logger.warning(
            "The cache (Redis) failed (%s: %s); pages are rendered without it, and it is "
            "tried again in %s s.",
            type(error).__name__,
            error,
            retry,
        )

    def state(self) -> str:
        """ "ok" when Redis answers a PING now, else "down" (for /healthz; not paused)."""
        try:
            self._cache.get_client(write=True).ping()
        except FAILURES:
            return "down"
        return "ok"

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # None while Redis fails (a ValueError for a missing key still comes through): the
        # subscription form's counter then counts nothing (editorial/subscribers/throttle.py).
        return self._call("incr", None, key, delta, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
