"""Counters in Django's cache, for limits that must not make the cache a dependency.

The cache may fail (Redis down, full or slow: editorial.reader.cache_backend answers as a miss),
so a counter answers None rather than a number then, and each limit built on it says what it
does without one (so far, every one lets the request through: it fails open).
"""

import contextlib

from django.core.cache import cache


def count_up(key: str, timeout: int) -> int | None:
    """Add one to the counter under `key` and return its new value; a counter that did not
    exist starts at 1 and expires `timeout` seconds later (adding to it keeps that expiry).
    None when the cache failed."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # it expired between add() and incr(): this one starts a new counter
        return 1 if cache.add(key, 1, timeout) else None


def count_down(key: str) -> None:
    """Take one from the counter under `key`; nothing when it expired or the cache failed."""
    with contextlib.suppress(ValueError):
        cache.decr(key)
