"""The publication state is read on every anonymous reader request (editorial.reader_cache),
most of which are then answered from the cache without any other query. Through Django's
connection that read costs more than the rest of a cached answer: on SQLite Django opens and
sets up a connection per request (CONN_MAX_AGE is 0 there), on PostgreSQL it first checks the
kept connection with a round trip of its own (CONN_HEALTH_CHECKS). So that one read goes through
a connection of its own per thread, opened once, in autocommit: each statement sees the latest
commit, as a new connection would. A failed read drops that connection and asks Django's.

Inside a transaction (a test's, or a view's atomic block) the read goes through Django's
connection, which may hold writes not yet committed.
"""

import contextlib
import os
import threading

from django.conf import settings
from django.db import connection

_local = threading.local()
_own_connections: list = []  # of every thread, so that close_all() can reach them
_own_lock = threading.Lock()


def _own_connection():
    own = getattr(_local, "connection", None)
    name = connection.settings_dict["NAME"]
    if own is None or _local.name != name:
        own = connection.get_new_connection(connection.get_connection_params())
        if connection.vendor == "sqlite":
            own.isolation_level = None  # autocommit: no transaction stays open
        else:
            own.autocommit = True
        _local.connection, _local.name = own, name
        with _own_lock:
            _own_connections.append(own)
    return own


def _forget_own_connection() -> None:
    own = getattr(_local, "connection", None)
    _local.connection = None
    if own is not None:
        with _own_lock:
            if own in _own_connections:
                _own_connections.remove(own)
        with contextlib.suppress(Exception):  # it is being dropped anyway
            own.close()


def _record(sql: str, params: list) -> None:
    # Counted like any other query where queries are counted (tests, bench, DEBUG).
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql % tuple(repr(p) for p in params), "time": "0"})


def fetch_one(sql: str, params: list) -> tuple:
    """One row of a read-only statement written with %s placeholders."""
    if (
        settings.DIGEST_READER_STATE_KEPT
        and connection.vendor in ("sqlite", "postgresql")
        and not connection.in_atomic_block
    ):
        statement = sql.replace("%s", "?") if connection.vendor == "sqlite" else sql
        try:
            row = _own_connection().execute(statement, params).fetchone()
        except Exception:  # noqa: BLE001 - moved, replaced or restarted: the usual way
            _forget_own_connection()
        else:
            _record(sql, params)
            return row
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# PostgreSQL: the state kept in memory between changes.
#
# A trigger (migration 0006_reader_notify) notifies CHANNEL whenever a transaction that
# changed revisions commits. Each app process LISTENs on a thread of its own; while it listens,
# the state read last stays valid until the next notification or until the next scheduled
# publication time, whichever comes first, and a cached page costs no query at all. Until the
# listener is connected, or after it lost its connection, every request reads the state again.

CHANNEL = "digest_reader_state"
RETRY_SECONDS = 1.0


class _Listener:
    def __init__(self, name: str):
        self.name = name
        self.generation = 0  # bumped on every notification, connection and loss of it
        self.ready = False
        self.memo = None  # (generation, valid until or None, row)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="digest-reader-state", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and close the connection (within RETRY_SECONDS)."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        from django.db import connections

        while not self._stop.is_set():
            own = None
            try:
                wrapper = connections["default"]
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


def _listener() -> _Listener:
    key = (os.getpid(), connection.settings_dict["NAME"])
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
    _local.connection = None


def kept_between_changes(now, read):
    """read(now) -> (row, valid until or None): the row, read again only after a change to the
    revisions or once `now` reaches the time it was valid until (PostgreSQL with
    DIGEST_READER_STATE_KEPT on); otherwise read every time."""
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or not settings.DIGEST_READER_STATE_KEPT
    ):
        return read(now)[0]
    listener = _listener()
    generation = listener.generation
    memo = listener.memo
    if listener.ready and memo and memo[0] == generation and (memo[1] is None or now < memo[1]):
        return memo[2]
    row, valid_until = read(now)
    if listener.ready and listener.generation == generation:
        listener.memo = (generation, valid_until, row)
    return row
