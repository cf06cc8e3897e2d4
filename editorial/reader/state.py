"""The publication state, kept in memory by each app process for a moment.

Every anonymous reader request asks for the publication state (editorial.reader.cache keys the
pages on it), and most are then answered from the cache with no other work. So each process
keeps the state it read last for DIGEST_READER_STATE_SECONDS (one second by default), or until
the next scheduled publication time comes, whichever is first; then one small query, on the
index of the revisions' (issue, publication time), reads it again. A publication, a correction or a
scheduled time arriving is therefore seen by every app server within that second, with nothing
to notify, listen to or invalidate.

Inside a transaction (a test's, or a view's atomic block) the state is read every time: the
transaction may hold writes that others cannot see yet.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


@dataclass(frozen=True)
class _Kept:
    database: str
    until: float  # time.monotonic() seconds
    next_at: datetime | None  # the next scheduled publication time when it was read
    value: object


_kept: _Kept | None = None
_lock = threading.Lock()


def kept_for_a_moment[T](
    now: datetime,
    read: Callable[[datetime], tuple[T, datetime | None]],
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """read(now) -> (value, next scheduled time or None): the value read by this process
    less than DIGEST_READER_STATE_SECONDS ago (by `clock`) while `now` is before that next
    scheduled time, or read again."""
    global _kept
    seconds = settings.DIGEST_READER_STATE_SECONDS
    wrapper = connections[DEFAULT_DB_ALIAS]
    if seconds <= 0 or wrapper.in_atomic_block:
        return read(now)[0]
    database = str(wrapper.settings_dict["NAME"])
    kept = _kept
    tick = clock()
    if (
        kept is not None
        and kept.database == database
        and tick < kept.until
        and (kept.next_at is None or now < kept.next_at)
    ):
        return kept.value
    value, next_at = read(now)
    with _lock:
        _kept = _Kept(database, tick + seconds, next_at, value)
    return value


def forget() -> None:
    """Drop what this process keeps (tests)."""
    global _kept
    with _lock:
        _kept = None
