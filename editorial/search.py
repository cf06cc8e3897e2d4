"""Search: the rule (the NFKC case-folded query inside NFKC case-folded titles and summaries) and
how each database finds the entries that follow it quickly.

Each entry stores its folded title and summary in `Entry.search_text`, joined by a line break
(which no query holds, so a match never spans both). SQLite indexes that column with an FTS5
table and its trigram tokenizer, PostgreSQL with a pg_trgm GIN index (migration 0005); the
index answers exactly the substring test (tests/text/test_search.py compares it with Python's),
so results are the rule's.
"""

import bisect

from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex

from editorial.text import clean_text, search_fold

FIELD_SEPARATOR = "\n"
FTS_TABLE = "editorial_entry_search"
TRIGRAM = 3  # a trigram index can answer queries of at least this many characters


def entry_search_text(title: str, summary: str) -> str:
    """What Entry.search_text holds: the folded title and summary, on two lines."""
    return search_fold(title or "") + FIELD_SEPARATOR + search_fold(summary or "")


def fold_query(query: str) -> str:
    """The query as compared: plain text by the rule every field follows (so it holds no
    character the index could not take), then folded. Inner white space is kept."""
    return search_fold(clean_text(query))


def text_matches(folded_query: str, *texts: str) -> bool:
    """Whether the folded query is inside any of the texts once folded (the rule, in Python)."""
    return any(folded_query in search_fold(text) for text in texts)


def filter_matching(entries: QuerySet, folded_query: str, *, use_index: bool = True) -> QuerySet:
    """`entries` narrowed to those whose title or summary holds the folded query (no extra
    query: the index lookup is a subquery of the same statement). Without `use_index`, each
    entry's stored folded text is read (quicker when `entries` are few and the word common)."""
    if not folded_query:
        return entries.none()
    if not use_index:
        return _reading_the_text(entries, folded_query)
    if connection.vendor == "postgresql":
        # LIKE '%…%' (Django escapes % and _) is answered by the gin_trgm_ops index.
        return entries.filter(search_text__contains=folded_query)
    if connection.vendor == "sqlite" and len(folded_query) >= TRIGRAM:
        # A phrase of trigrams (case-sensitive, no diacritics folding) is a substring test:
        # consecutive trigrams of the query, consecutive in the text.
        phrase = '"' + folded_query.replace('"', '""') + '"'
        # A fixed table name; the query is a parameter.
        candidates = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [phrase],
        )
        return entries.filter(pk__in=candidates)
    # Shorter than a trigram (or another database): the stored folded text is read.
    return _reading_the_text(entries, folded_query)


def _reading_the_text(entries: QuerySet, folded_query: str) -> QuerySet:
    return entries.annotate(_hit=StrIndex("search_text", Value(folded_query))).filter(_hit__gt=0)


def match_spans(text: str, folded_query: str) -> list[tuple[int, int]]:
    """Where the folded query occurs in `text`, as (start, end) offsets into `text` itself
    (for highlighting): each character is folded on its own and the offsets mapped back."""
    if not folded_query or not text:
        return []
    starts, pieces, length = [], [], 0
    for ch in text:
        starts.append(length)
        piece = search_fold(ch)
        pieces.append(piece)
        length += len(piece)
    folded = "".join(pieces)
    spans, at = [], folded.find(folded_query)
    while at != -1:
        end = at + len(folded_query)
        first = bisect.bisect_right(starts, at) - 1
        last = bisect.bisect_left(starts, end)  # the first character starting at or after end
        if not spans or first >= spans[-1][1]:
            spans.append((first, max(last, first + 1)))
        at = folded.find(folded_query, max(end, at + 1))
    return spans


# --- the index, per database (created by migration 0005) -------------------------------------

_SQLITE_TRIGGERS = {
    "editorial_entry_search_insert": """
        CREATE TRIGGER IF NOT EXISTS editorial_entry_search_insert AFTER INSERT
        ON editorial_entry BEGIN
            INSERT INTO editorial_entry_search(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "editorial_entry_search_delete": """
        CREATE TRIGGER IF NOT EXISTS editorial_entry_search_delete AFTER DELETE
        ON editorial_entry BEGIN
            INSERT INTO editorial_entry_search(editorial_entry_search, rowid, search_text)
                VALUES ('delete', old.id, old.search_text);
        END""",
    "editorial_entry_search_update": """
        CREATE TRIGGER IF NOT EXISTS editorial_entry_search_update AFTER UPDATE OF search_text
        ON editorial_entry BEGIN
            INSERT INTO editorial_entry_search(editorial_entry_search, rowid, search_text)
                VALUES ('delete', old.id, old.search_text);
            INSERT INTO editorial_entry_search(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}
_REBUILD = "INSERT INTO editorial_entry_search(editorial_entry_search) VALUES ('rebuild')"
_PG_INDEX = "editorial_entry_search_trgm"


def create_search_index(schema_editor) -> None:
    """SQLite: an external-content FTS5 trigram table kept in step by triggers. PostgreSQL:
    pg_trgm and a GIN index on search_text. Other databases search without an index."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, "
            "content='editorial_entry', content_rowid='id', tokenize='trigram case_sensitive 1')"
        )
        for sql in _SQLITE_TRIGGERS.values():
            schema_editor.execute(sql)
        schema_editor.execute(_REBUILD)
    elif vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_PG_INDEX} ON editorial_entry "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_search_index(schema_editor) -> None:
    """The inverse of create_search_index (pg_trgm itself stays: others may use it)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in _SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {_PG_INDEX}")


def ensure_search_triggers(using: str = "default", **kwargs) -> None:
    """After every migrate: SQLite drops a table's triggers when a migration rebuilds the
    table (as it does to alter a column), so put back any that are missing and rebuild the
    index from the stored column."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        names = [FTS_TABLE, *_SQLITE_TRIGGERS]
        marks = ", ".join(["%s"] * len(names))
        query = f"SELECT name FROM sqlite_master WHERE name IN ({marks})"  # noqa: S608
        cursor.execute(query, names)
        present = {name for (name,) in cursor.fetchall()}
        if FTS_TABLE not in present or set(_SQLITE_TRIGGERS) <= present:
            return
        for sql in _SQLITE_TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(_REBUILD)
