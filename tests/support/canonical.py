"""Hypothesis strategies for issues as plain data (editorial.canonical), shared by the format's
round trips and the pasting of a whole draft."""

from hypothesis import strategies as st

from editorial.canonical import EntryData, IssueData, SectionData
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
