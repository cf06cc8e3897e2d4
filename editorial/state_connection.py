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
import threading

from django.db import connection

_local = threading.local()


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
    return own


def _forget_own_connection() -> None:
    own = getattr(_local, "connection", None)
    _local.connection = None
    if own is not None:
        with contextlib.suppress(Exception):  # it is being dropped anyway
            own.close()


def _record(sql: str, params: list) -> None:
    # Counted like any other query where queries are counted (tests, bench, DEBUG).
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql % tuple(repr(p) for p in params), "time": "0"})


def fetch_one(sql: str, params: list) -> tuple:
    """One row of a read-only statement written with %s placeholders."""
    if connection.vendor in ("sqlite", "postgresql") and not connection.in_atomic_block:
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
