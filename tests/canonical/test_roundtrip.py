from hypothesis import given
from hypothesis import strategies as st

from editorial.canonical import (
    EntryData,
    IssueData,
    SectionData,
    issue_to_markdown,
    markdown_to_issue,
)
from editorial.text import clean_text

PUBLICATION = "云计算技术动态"

# Pieces that exercise every rule of FORMAT.md's escaping, and some that look like structure.
FRAGMENTS = [
    *"\\*_`[]<>&#",
    "&copy;",
    "&#169;",
    "&#x41;",
    "&#X1F600;",
    "&amp",
    "AT&T",
    "**",
    "**1.** ",
    "## ",
    "# ",
    "**摘要:** ",
    "**摘要：**",
    "\\\\",
    "\\n",
    "[a](https://example.com)",
    "<b>",
    "https://example.com/",
    "云计算技术动态",
    "年第三十二期",
    "😀",
    "👩‍💻",
    "e\u0301",
    "\u3000",
    "\t",
    "\u2028",
    "\x0c",
    "\x85",
    "\ufeff",
]
_pieces = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=6),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=6),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=4),
)


# What the editor's form stores: the plain-text rule applied to what was typed.
texts = st.lists(_pieces, min_size=1, max_size=6).map("".join).map(clean_text).filter(bool)

_url_chars = st.text(alphabet=st.sampled_from("abcXYZ019-._~:/?#[]@!$&'()*+,;=%云_"), max_size=40)
urls = st.builds(
    lambda scheme, host, tld, path: f"{scheme}://{host}.{tld}/{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    # Host labels IDNA accepts (no hyphen at either end or in the 3rd and 4th place).
    st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True).filter(
        lambda host: host[2:4] != "--"
    ),
    st.sampled_from(["com", "cn", "org", "中国"]),
    _url_chars,
)


def issues(summaries):
    entries = st.builds(EntryData, title=texts, url=urls, summary=summaries)
    sections = st.builds(
        SectionData, title=texts, entries=st.lists(entries, min_size=1, max_size=6).map(tuple)
    )
    return st.builds(
        IssueData,
        publication=st.just(PUBLICATION),
        year=st.integers(1000, 9999),
        number=st.integers(1, 9999),
        sections=st.lists(sections, min_size=1, max_size=5, unique_by=lambda s: s.title).map(tuple),
    )


def _assert_round_trip(issue: IssueData, **options) -> None:
    text = issue_to_markdown(issue)
    assert markdown_to_issue(text, publication=PUBLICATION, **options) == issue
    again = markdown_to_issue(text.encode("utf-8"), publication=PUBLICATION, **options)
    assert issue_to_markdown(again) == text


def _assert_canonical_bytes(text: str) -> None:
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and not text.startswith("\ufeff")
    for line in text.split("\n"):
        assert line == line.rstrip()
    assert "\n\n\n" not in text


@given(issues(summaries=texts))
def test_published_issue_round_trips(issue):
    _assert_round_trip(issue, require_summaries=True)
    _assert_canonical_bytes(issue_to_markdown(issue))


@given(issues(summaries=st.one_of(st.just(""), texts)))
def test_draft_issue_round_trips(issue):
    _assert_round_trip(issue)
    _assert_canonical_bytes(issue_to_markdown(issue))


@given(issues(summaries=texts), st.data())
def test_hand_edited_variants_read_the_same(issue, data):
    text = issue_to_markdown(issue)
    lines = text.split("\n")
    blank_run = data.draw(st.sampled_from(["", "\n", "\n \t\n"]))
    ending = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    trailing = data.draw(st.sampled_from(["", " ", "\t", "  \t"]))
    edited = ending.join(
        (line + trailing if line else blank_run.replace("\n", ending)) for line in lines[:-1]
    )
    edited = data.draw(st.sampled_from(["", "\ufeff"])) + edited + ending
    assert markdown_to_issue(edited, publication=PUBLICATION) == issue
    assert issue_to_markdown(markdown_to_issue(edited.encode(), publication=PUBLICATION)) == text
