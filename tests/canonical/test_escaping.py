from hypothesis import given
from hypothesis import strategies as st

from editorial.canonical import escape_markdown, unescape_markdown
from editorial.canonical.escaping import escape_section_title

MARKUP = "\\*_`[]<>"


def test_each_markup_character_gets_a_backslash():
    for char in MARKUP:
        assert escape_markdown(f"a{char}b") == f"a\\{char}b"


def test_ampersand_is_escaped_only_before_a_character_reference():
    assert escape_markdown("&copy; &#169; &#x41; &#XaF;") == "\\&copy; \\&#169; \\&#x41; \\&#XaF;"
    assert escape_markdown("AT&T, a & b, &; &#; &#x; &#12345678; &1a;") == (
        "AT&T, a & b, &; &#; &#x; &#12345678; &1a;"
    )
    assert escape_markdown("&&amp;") == "&\\&amp;"


def test_other_characters_are_left_alone():
    text = "云计算技术动态：# + - ! ( ) {} | ~ . 1. 😀 AT&T"
    assert escape_markdown(text) == text


def test_section_title_escapes_a_final_hash():
    assert escape_section_title("C#") == "C\\#"
    assert escape_section_title("a ##") == "a #\\#"
    assert escape_section_title("#1 news") == "#1 news"
    assert escape_section_title("a_b") == "a\\_b"


def test_unescape_follows_commonmark():
    assert unescape_markdown("a\\_b \\# \\& \\\\") == "a_b # & \\"
    # A backslash before anything but ASCII punctuation is a literal backslash.
    assert unescape_markdown("C:\\temp \\云 \\1") == "C:\\temp \\云 \\1"
    assert unescape_markdown("x < y a_b") == "x < y a_b"
    assert unescape_markdown("trailing\\") == "trailing\\"


@given(st.text())
def test_unescape_inverts_escape(text):
    assert unescape_markdown(escape_markdown(text)) == text
    assert unescape_markdown(escape_section_title(text)) == text


@given(st.text(alphabet=MARKUP + "ab&#;copy1x"))
def test_escaped_text_has_no_bare_markup(text):
    escaped = escape_markdown(text)
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert escaped[i + 1] in MARKUP + "&"
            i += 2
        else:
            assert escaped[i] not in MARKUP
            i += 1
