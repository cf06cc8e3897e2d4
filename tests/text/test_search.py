"""Search compares the NFKC case-folded query with NFKC case-folded titles and summaries: the
same on SQLite and PostgreSQL, whatever the issue's state, in a constant number of queries."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial.models import Entry, Issue, IssueStatus
from editorial.reader.selectors import search_entries
from editorial.search import TRIGRAM, entry_search_text, filter_matching, fold_query
from editorial.templatetags.reader import highlight
from editorial.text import clean_text
from tests.support.factories import make_issue, make_published_issue

pytestmark = pytest.mark.django_db

ENTRIES = [
    ("Ägypten und die ＧＰＵ-Welt", "https://example.com/1", "Straße 与 ﬁle 系统"),
    (
        "Rust 的 Pin<T> 与 Box<dyn Future>",
        "https://example.com/2",
        "当 a<b 且 c>d 时，Vec<u8> 会重新分配。",
    ),
    ("100% 的 under_score 与 *星号*", "https://example.com/3", "带宽 ㎒ 与 Ⅻ 章"),
    ("Ελληνικά ΣΊΣΥΦΟΣ", "https://example.com/4", "ǅemal 与 ﬀ 连字"),
    ("叶脊架构", "https://example.com/5", "标题 分隔"),
]

# query -> titles of the entries it finds (in issue order)
TABLE = [
    ("ägypten", ["Ägypten und die ＧＰＵ-Welt"]),
    ("ÄGYPTEN", ["Ägypten und die ＧＰＵ-Welt"]),
    ("ＧＰＵ", ["Ägypten und die ＧＰＵ-Welt"]),
    ("gpu", ["Ägypten und die ＧＰＵ-Welt"]),
    ("ｇｐｕ", ["Ägypten und die ＧＰＵ-Welt"]),
    ("strasse", ["Ägypten und die ＧＰＵ-Welt"]),
    ("file", ["Ägypten und die ＧＰＵ-Welt"]),
    ("pin<t>", ["Rust 的 Pin<T> 与 Box<dyn Future>"]),
    ("vec<u8>", ["Rust 的 Pin<T> 与 Box<dyn Future>"]),
    ("a<b 且", ["Rust 的 Pin<T> 与 Box<dyn Future>"]),
    ("100%", ["100% 的 under_score 与 *星号*"]),
    ("x_y", []),  # "_" and "%" are characters, not wildcards
    ("1%0", []),
    ("%", ["100% 的 under_score 与 *星号*"]),
    ("_", ["100% 的 under_score 与 *星号*"]),
    ("mhz", ["100% 的 under_score 与 *星号*"]),
    ("xii", ["100% 的 under_score 与 *星号*"]),
    ("σίσυφος", ["Ελληνικά ΣΊΣΥΦΟΣ"]),
    ("dž", ["Ελληνικά ΣΊΣΥΦΟΣ"]),
    ("ff 连", ["Ελληνικά ΣΊΣΥΦΟΣ"]),
    ("叶脊", ["叶脊架构"]),
    ("架构标题", []),  # a match never spans the title and the summary
    ("与", [e[0] for e in ENTRIES[:4]]),
    ("zzz-not-there", []),
]


@pytest.fixture
def archive():
    return make_published_issue(2024, 32, {"栏目": ENTRIES})


def _titles(query):
    return [hit.title for hit in search_entries(query, timezone.now())]


def _reopen(issue):
    # What readers see stays the frozen revision; the live entries are being edited.
    Issue.objects.filter(pk=issue.pk).update(status=IssueStatus.DRAFT)


@pytest.mark.parametrize("state", ["published", "reopened"])
@pytest.mark.parametrize(("query", "titles"), TABLE)
def test_search_table(archive, state, query, titles):
    if state == "reopened":
        _reopen(archive)
    assert _titles(query) == titles


@pytest.mark.parametrize("state", ["published", "reopened"])
def test_search_counts_its_queries(archive, state, django_assert_num_queries):
    make_published_issue(
        2023, 1, {"A": [(f"与 {i}", f"https://e.com/{i}", "与") for i in range(30)]}
    )
    if state == "reopened":
        _reopen(archive)
    # The light match query in the newest issues, then in the rest (too few matches there), the
    # frozen revisions, then the full rows of what is read.
    with django_assert_num_queries(4):
        assert len(_titles("与")) == 34


def test_the_index_answers_and_gives_the_rule(archive):
    """The database's own index narrows the rows (FTS5 on SQLite, pg_trgm on PostgreSQL),
    and the answer is exactly Python's substring test on the folded text."""
    with CaptureQueriesContext(connection) as queries:
        list(filter_matching(Entry.objects.all(), fold_query("gpu-welt")))
    sql = queries[-1]["sql"]
    if connection.vendor == "sqlite":
        assert "editorial_entry_search" in sql and "MATCH" in sql
    else:
        assert "LIKE" in sql
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'editorial_entry_search_trgm'"
            )
            assert "gin_trgm_ops" in cursor.fetchone()[0]
    for query in ["gpu", "gp", "g", "pin<t>", "与 box", "ﬁle", "%", "_", '"', "'"]:
        folded = fold_query(query)
        expected = {
            e.pk
            for e in Entry.objects.all()
            if folded in entry_search_text(e.title, "")
            or folded in entry_search_text("", e.summary)
        }
        got = set(filter_matching(Entry.objects.all(), folded).values_list("pk", flat=True))
        assert got == expected, query
    assert TRIGRAM == 3


def test_search_text_follows_every_edit(archive):
    entry = Entry.objects.get(url="https://example.com/5")
    entry.title = "新的ＴＩＴＬＥ"
    entry.save(update_fields=["title"])
    assert list(
        filter_matching(Entry.objects.all(), fold_query("title")).values_list("pk", flat=True)
    ) == [entry.pk]
    entry.delete()
    assert not filter_matching(Entry.objects.all(), fold_query("title")).exists()


def test_highlight_marks_what_search_found(archive):
    assert str(highlight("Ägypten und die ＧＰＵ-Welt", "gpu")) == (
        "Ägypten und die <mark>ＧＰＵ</mark>-Welt"
    )
    assert str(highlight("Straße", "STRASSE")) == "<mark>Straße</mark>"
    assert (
        str(highlight("<b>Pin<T></b>", "pin<t>")) == "&lt;b&gt;<mark>Pin&lt;T&gt;</mark>&lt;/b&gt;"
    )


_words = st.text(
    st.sampled_from("aAbB ÄäßẞΣσς云計计ＧＰＵｇ%_\"'*(){}^-~:1") | st.characters(codec="utf-8"),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_words, min_size=1, max_size=5), query=_words, start=st.integers(0, 5))
def test_the_index_gives_exactly_the_rule_for_any_text(texts, query, start):
    with transaction.atomic():
        rows = [
            (clean_text(f"t{i} {t}"), f"https://e.com/{i}", clean_text(t))
            for i, t in enumerate(texts)
        ]
        issue = make_issue(2030, 1, {"A": rows})
        for folded in {fold_query(query), fold_query(texts[0])[start : start + 4]}:
            entries = Entry.objects.filter(section__issue=issue)
            expected = {
                e.pk
                for e in entries
                if folded and any(folded in fold_query(x) for x in (e.title, e.summary))
            }
            got = set(filter_matching(entries, folded).values_list("pk", flat=True))
            assert got == expected, (folded, texts)
        transaction.set_rollback(True)
