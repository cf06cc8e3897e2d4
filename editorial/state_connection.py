"""The publication state is read on every anonymous reader request (editorial.reader_cache),
most of which are then answered from the cache without any other query. Through Django's
connection that read costs more than the rest of a cached answer: on SQLite Django opens and
sets up a connection per request (CONN_MAX_AGE is 0 there), on PostgreSQL it first checks the
kept connection with a round trip of its own (CONN_HEALTH_CHECKS). So that one read goes through
a connection of its own per thread, opened once, in autocommit: each statement sees the latest
commit, as a new connection would. A failed read drops that connection and asks Django's.

Better still, the state is kept in memory between changes (kept_between_changes): a read is
valid until the revisions may have changed or the next scheduled publication time comes,
whichever is first, and until then a cached page costs no query for it (on SQLite, one pragma).
How a change is seen differs by database, the rest is one code path:

- PostgreSQL: a trigger notifies on every commit that changed revisions, and each app process
  listens on a thread of its own (_Listener); the state is kept per process.
- SQLite: `PRAGMA data_version` on the thread's kept connection changes whenever another
  connection has committed to the database file (any process; WAL or not), and the kept
  connection never writes, so it sees every other commit. The pragma reads a counter, a small
  fraction of the state's own query (which reads every revision row); the state is kept per
  thread, since each kept connection counts on its own. Any commit (a session, an edit) makes
  the next request read the state again, which is only as costly as not keeping it.

Inside a transaction (a test's, or a view's atomic block) the read goes through Django's
connection, which may hold writes not yet committed, and nothing is kept.
"""

import contextlib
import os
import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_local = threading.local()
_own_connections: list = []  # of every thread, so that close_all() can reach them
_own_lock = threading.Lock()


def _own_connection(wrapper):
    """The thread's kept connection to the database `wrapper` (Django's) is set up for."""
    own = getattr(_local, "connection", None)
    name = wrapper.settings_dict["NAME"]
    if own is None or _local.name != name:
        own = wrapper.get_new_connection(wrapper.get_connection_params())
        if wrapper.vendor == "sqlite":
            own.isolation_level = None  # autocommit: no transaction stays open
        else:
            own.autocommit = True
        _local.connection, _local.name = own, name
        # A new connection counts its data_version from its own start: nothing kept carries over.
        _local.watch = _DataVersion(own) if wrapper.vendor == "sqlite" else None
        with _own_lock:
            _own_connections.append(own)
    return own


def _forget_own_connection() -> None:
    own = getattr(_local, "connection", None)
    _local.connection = _local.watch = None
    if own is not None:
        with _own_lock:
            if own in _own_connections:
                _own_connections.remove(own)
        with contextlib.suppress(Exception):  # it is being dropped anyway
            own.close()


def _record(wrapper, sql: str, params: list) -> None:
    # Counted like any other query where queries are counted (tests, bench, DEBUG).
    if wrapper.queries_logged:
        wrapper.queries_log.append({"sql": sql % tuple(repr(p) for p in params), "time": "0"})


def _kept(wrapper) -> bool:
    return (
        settings.DIGEST_READER_STATE_KEPT
        and wrapper.vendor in ("sqlite", "postgresql")
        and not wrapper.in_atomic_block
    )


def fetch_one(sql: str, params: list) -> tuple:
    """One row of a read-only statement written with %s placeholders."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    if _kept(wrapper):
        statement = sql.replace("%s", "?") if wrapper.vendor == "sqlite" else sql
        try:
            row = _own_connection(wrapper).execute(statement, params).fetchone()
        except Exception:  # noqa: BLE001 - moved, replaced or restarted: the usual way
            _forget_own_connection()
        else:
            _record(wrapper, sql, params)
            return row
    with wrapper.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# PostgreSQL: a listener per process.
#
# A trigger (migration 0006_reader_notify) notifies CHANNEL whenever a transaction that
# changed revisions commits. Each app process LISTENs on a thread of its own; while it listens,
# the state read last stays valid until the next notification or until the next scheduled
# publication time, whichever comes first. Until the listener is connected, or after it lost its
# connection, every request reads the state again.

CHANNEL = "digest_reader_state"
RETRY_SECONDS = 1.0


class _Listener:
    def __init__(self, name: str):
        self.name = name
        self.generation = 0  # bumped on every notification, connection and loss of it
        self.ready = False
        self.memo = None  # (generation, valid until or None, value)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="digest-reader-state", daemon=True)
        self._thread.start()

    def current(self, wrapper):
        """The generation now, or None while not listening (every request reads the state)."""
        return self.generation if self.ready else None

    def unchanged(self, generation) -> bool:
        return self.ready and self.generation == generation

    def stop(self) -> None:
        """Stop listening and close the connection (within RETRY_SECONDS)."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            own = None
            try:
                wrapper = connections[DEFAULT_DB_ALIAS]
                own = wrapper.get_new_connection(wrapper.get_connection_params())
                own.autocommit = True
                own.execute(f"LISTEN {CHANNEL}")
                self.generation += 1
                self.ready = True
                while not self._stop.is_set():
                    for _ in own.notifies(timeout=RETRY_SECONDS):
                        self.generation += 1
            except Exception:  # noqa: BLE001, S110 - lost: every request reads the state again
                pass
            finally:
                self.ready = False
                self.generation += 1
                if own is not None:
                    with contextlib.suppress(Exception):
                        own.close()
            self._stop.wait(RETRY_SECONDS)


_listeners: dict[tuple[int, str], _Listener] = {}
_listeners_lock = threading.Lock()


def _listener(wrapper) -> _Listener:
    key = (os.getpid(), wrapper.settings_dict["NAME"])
    listener = _listeners.get(key)
    if listener is None:
        with _listeners_lock:
            listener = _listeners.get(key) or _Listener(key[1])
            _listeners[key] = listener
    return listener


def close_all() -> None:
    """Stop this process's listeners and close the connections kept for the state, in every
    thread (tests: before their database is dropped)."""
    with _listeners_lock:
        listeners = list(_listeners.values())
        _listeners.clear()
    for listener in listeners:
        listener.stop()
    with _own_lock:
        kept = list(_own_connections)
        _own_connections.clear()
    for own in kept:
        with contextlib.suppress(Exception):
            own.close()
    _local.connection = _local.watch = None


# SQLite: data_version on the thread's kept connection.

DATA_VERSION = "PRAGMA data_version"


class _DataVersion:
    """The state kept for one thread's SQLite connection, with that connection's data_version
    as its generation (a number only that connection can compare)."""

    def __init__(self, own):
        self.own = own
        self.memo = None  # (data_version, valid until or None, value)

    def current(self, wrapper):
        """data_version now, or None if the connection failed (then dropped)."""
        try:
            version = self.own.execute(DATA_VERSION).fetchone()[0]
        except Exception:  # noqa: BLE001 - moved, replaced or closed: read through Django's
            _forget_own_connection()
            return None
        # A statement like any other, counted as such: a kept state costs this one pragma.
        _record(wrapper, DATA_VERSION, [])
        return version

    def unchanged(self, generation) -> bool:
        # The read went through this connection after the pragma, so it is at least as new as
        # that version (a commit in between only makes the next request read again); unless
        # the read failed and the connection was dropped.
        return getattr(_local, "watch", None) is self


def _watch(wrapper):
    """What tells whether the state kept is still valid: the process's listener on PostgreSQL,
    the thread's connection on SQLite; None when nothing is kept."""
    if not _kept(wrapper):
        return None
    if wrapper.vendor == "postgresql":
        return _listener(wrapper)
    try:
        _own_connection(wrapper)
    except Exception:  # noqa: BLE001 - cannot connect: read through Django's, keep nothing
        _forget_own_connection()
        return None
    return _local.watch


def kept_between_changes(now, read):
    """read(now) -> (value, valid until or None): the value, read again only after a change
    (a notification on PostgreSQL, another connection's commit on SQLite) or once `now`
    reaches the time it was valid until. Read every time inside a transaction, with
    DIGEST_READER_STATE_KEPT off, or while changes cannot be seen."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    watch = _watch(wrapper)
    if watch is None:
        return read(now)[0]
    generation = watch.current(wrapper)
    memo = watch.memo
    if (
        generation is not None
        and memo is not None
        and memo[0] == generation
        and (memo[1] is None or now < memo[1])
    ):
        return memo[2]
    value, valid_until = read(now)
    if generation is not None and watch.unchanged(generation):
        watch.memo = (generation, valid_until, value)
    return value
