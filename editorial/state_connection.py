"""The publication state is read on every anonymous reader request (editorial.reader_cache),
most of which are then answered from the cache without any other query. On SQLite, Django
opens a connection per request (CONN_MAX_AGE is 0 there) and sets it up (functions, PRAGMAs):
about a millisecond, ten times the rest of a cached answer. So that one read goes through a
connection of its own per thread, opened once, in autocommit: each statement sees the latest
commit (WAL), as a new connection would.

Inside a transaction (a test's, or a view's atomic block) the read goes through Django's
connection, which may hold writes not yet committed. PostgreSQL keeps Django's connections
already (CONN_MAX_AGE), so it always reads through Django's.
"""

import contextlib
import threading

from django.db import connection

_local = threading.local()


def _own_sqlite_connection():
    own = getattr(_local, "connection", None)
    name = connection.settings_dict["NAME"]
    if own is None or _local.name != name:
        own = connection.get_new_connection(connection.get_connection_params())
        own.isolation_level = None  # autocommit: no transaction stays open between requests
        _local.connection, _local.name = own, name
    return own


def _forget_own_connection() -> None:
    own = getattr(_local, "connection", None)
    _local.connection = None
    if own is not None:
        with contextlib.suppress(Exception):  # it is being dropped anyway
            own.close()


def fetch_one(sql: str, params: list) -> tuple:
    """One row of a read-only statement written with %s placeholders."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        try:
            return _own_sqlite_connection().execute(sql.replace("%s", "?"), params).fetchone()
        except Exception:  # noqa: BLE001 - the database was moved or replaced: the usual way
            _forget_own_connection()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
