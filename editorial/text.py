"""Plain text as typed (FORMAT.md, Fields), its search form, and linkify for readers.

The one home of the plain-text rule used by every door (forms, quick add, import, commands, the
admin) and the only module that imports bleach. Nothing here strips markup or decodes entities:
`Vec<u8>` and `&copy;` are text, and safety comes from escaping wherever text is written out.
"""

import html
import re
import threading
import unicodedata
from typing import TYPE_CHECKING

from bleach.linkifier import TLDS, Linker

if TYPE_CHECKING:
    from django.utils.safestring import SafeString

# Unicode's White_Space property (Python's \s also matches U+001C-U+001F, which are controls).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WHITE_SPACE_RUN = re.compile(f"[{WHITE_SPACE}]+")
# The characters no document can carry: controls that are not white space, noncharacters
# (U+FDD0-U+FDEF and the last two code points of every plane) and lone surrogates.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
UNCARRIABLE = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff" + _NONCHARACTERS
_UNCARRIABLE = re.compile(f"[{UNCARRIABLE}]")
# The characters with no visible form of their own (FORMAT.md: a field is empty when nothing
# visible remains). Unicode's Default_Ignorable_Code_Point set: the soft hyphen, the combining
# grapheme joiner, the Arabic letter mark, the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0),
# the Khmer inherent vowels, the Mongolian free variation selectors and vowel separator, zero-width
# spaces and joiners, direction marks, embeddings, overrides and isolates, the word joiner and
# the invisible operators (U+2060-U+206F), variation selectors, the byte-order mark, tag
# characters and the code points Unicode keeps default-ignorable for later (U+FFF0-U+FFF8,
# U+E0000-U+E0FFF). Then every other format character (Cf): the interlinear annotation marks,
# the Egyptian hieroglyph format controls, the shorthand format controls and the musical beam
# and phrase controls; but not the prepended concatenation marks, which draw a sign
# (U+0600-U+0605, U+06DD, U+070F, U+0890-U+0891, U+08E2, U+110BD, U+110CD). And U+2800 BRAILLE
# PATTERN BLANK, a cell without a dot, often used as "invisible" text. A combining mark alone
# is visible (it draws its mark, on a dotted circle if need be), as are private-use and
# unassigned code points (a glyph or a box). tests/text/test_invisible.py checks this table
# against Unicode's data for every code point.
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# A character that shows: neither white space, nor invisible, nor one the rule removes.
_VISIBLE = re.compile(f"[^{WHITE_SPACE}{INVISIBLE}{UNCARRIABLE}]")


def is_blank(text: str) -> bool:
    """Whether nothing visible remains in `text` once white space, the characters with no
    visible form (INVISIBLE) and those no document can carry are set aside: such a title,
    summary or section title is empty."""
    return not _VISIBLE.search(text or "")


def clean_text(value: str) -> str:
    """One line of plain text as stored: the characters no document can carry removed, white
    space folded to single spaces and trimmed, Unicode NFC; and "" when nothing visible is left
    (is_blank: white space and characters with no visible form only). Nothing else changes:
    format characters beside visible text (a joiner in an emoji sequence) are kept as typed.

    Idempotent: clean_text(clean_text(x)) == clean_text(x).
    """
    if not value:
        return ""
    text = _UNCARRIABLE.sub("", str(value))
    text = _WHITE_SPACE_RUN.sub(" ", text).strip(" ")
    if is_blank(text):
        return ""
    return unicodedata.normalize("NFC", text)


def clean_lines(value: str) -> str:
    """Several lines of plain text (comments, notes): each line by clean_text, line breaks
    kept, at most one empty line in a row, none at either end."""
    lines = [clean_text(line) for line in re.split(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]", value)]
    body = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", body)


def has_uncarriable(text: str) -> bool:
    """Whether `text` holds a character the plain-text rule removes (control, noncharacter,
    lone surrogate)."""
    return bool(_UNCARRIABLE.search(text))


def search_fold(text: str) -> str:
    """`text` as search compares it: NFKC and case folded until stable, so that `Ä`/`ä`,
    `ＧＰＵ`/`gpu` and `㎒`/`mhz` are equal. Query and stored text are folded the same way."""
    folded = unicodedata.normalize("NFKC", text)
    for _round in range(4):  # NFKC can expose new capitals (U+3392 ㎒ -> "MHz"); rarely twice
        again = unicodedata.normalize("NFKC", folded.casefold())
        if again == folded:
            break
        folded = again
    return folded


# --- linkify -----------------------------------------------------------------------------------

# Where a link ends in Chinese (and Japanese) text: full-width punctuation, CJK brackets and
# quotes, ideographic space. ASCII "." and "," at the very end are dropped by bleach itself.
CJK_STOPS = (
    "\u3000-\u303f"  # CJK symbols and punctuation: 、。〈〉《》「」『』【】〔〕〖〗〘〙〚〛〜〝〞
    # full-width ！＂（）＊，．／：；？［］｛｝ and half-width ｡｢｣､･
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u2010-\u2027"  # dashes, quotes ‘’“”, ellipsis …, middle dots
    "\u2030-\u205e"  # per mille, primes, ‹›, ※ and other general punctuation
    "\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical and small form variants
)
# What a URL path can never contain (RFC 3986's unsafe characters, as bleach) or ends at.
_PATH_CHAR = rf"[^\s{CJK_STOPS}()\[\]{{}}|\\^`<>\"]"
_PATH = rf"(?:{_PATH_CHAR}|\({_PATH_CHAR}*\)|\[{_PATH_CHAR}*\])"  # brackets only when balanced
# A path, query or fragment; it does not end on sentence punctuation (a link at the end of a
# sentence or before a colon keeps its "!" or ":" out).
_PATH_PART = rf"(?:[/?#](?:{_PATH}*(?<![!?;:'*.,]))?)?"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"  # letters and digits of any script, inner hyphens
_SCHEMED = rf"""
    (?<![A-Za-z0-9+.-])https?://
    (?:{_LABEL}\.)+(?:xn--[a-z0-9-]{{1,59}}|[a-z]{{2,63}}|[^\W\d_a-z]{{1,63}})  # IDN TLDs too
    (?::[0-9]{{1,5}})?
    {_PATH_PART}
"""
_ASCII_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# Without a scheme only a www. host is an address: "setup.py", "README.md" and "main.rs" end in
# country domains (Paraguay, Moldova, Serbia) but are file names.
_BARE = rf"""
    (?<![A-Za-z0-9@.:/_-])
    www\.(?:{_ASCII_LABEL}\.)+(?:{"|".join(sorted(TLDS, key=len, reverse=True))})
    (?![A-Za-z0-9_-])
    (?::[0-9]{{1,5}})?
    {_PATH_PART}
"""
URL_PATTERN = re.compile(rf"(?:{_SCHEMED})|(?:{_BARE})", re.IGNORECASE | re.VERBOSE | re.UNICODE)


def _only_web_links(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if not href.lower().startswith(("http://", "https://")):
        return None  # leave the text as text
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


# A bleach Linker keeps parser state while it works, so threads (gunicorn's gthread workers)
# must not share one: each thread gets its own.
_local = threading.local()


def _linker() -> Linker:
    linker = getattr(_local, "linker", None)
    if linker is None:
        linker = _local.linker = Linker(
            callbacks=[_only_web_links],
            skip_tags={"pre", "code"},
            parse_email=False,
            url_re=URL_PATTERN,
        )
    return linker


def linkify_summary(text: str) -> "SafeString":
    """A summary as HTML for readers: everything escaped, http(s) URLs and www. hosts made
    `rel="nofollow noopener"` links that end before Chinese punctuation and brackets; other
    names with dots ("setup.py", "example.com") stay text."""
    # Django is imported here, not above: the canonical format (no Django) uses this module.
    from django.utils.safestring import mark_safe

    escaped = html.escape(text or "", quote=True)
    # Every address linkify recognises has a dot before its top-level domain; most summaries
    # have none, and skipping the HTML parser for them makes a long issue render several
    # times faster. Escaping alone is what linkify gives such a text.
    if "." not in escaped:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    return mark_safe(_linker().linkify(escaped))  # noqa: S308 - input escaped above, output by bleach
