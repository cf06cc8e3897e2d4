"""Backslash escaping, so that a CommonMark renderer shows a field's text exactly."""

import re

# A character reference as CommonMark recognises it: &name;, &#digits; or &#xhex;.
_CHAR_REF = r"&(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
_NEEDS_ESCAPE = re.compile(r"[\\*_`\[\]<>]|&(?=" + _CHAR_REF[1:] + ")")
# CommonMark removes a backslash before any ASCII punctuation character, and only there.
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """`text` with a backslash before each character that markdown would read as markup."""
    return _NEEDS_ESCAPE.sub(lambda m: "\\" + m[0], text)


def escape_section_title(text: str) -> str:
    """Like escape_markdown, and a final `#` escaped so the heading does not lose it."""
    escaped = escape_markdown(text)
    # CommonMark drops a closing run of "#" from an ATX heading; an escaped last "#" stays text.
    return escaped[:-1] + "\\#" if escaped.endswith("#") else escaped


def unescape_markdown(text: str) -> str:
    """The inverse of escaping: backslashes before ASCII punctuation removed, others kept."""
    return _BACKSLASH_ESCAPE.sub(lambda m: m[1], text)


# In a URL line, these could be read as markup: emphasis (`*`, and `_` without a letter or digit
# of any script on both sides), code spans, link brackets, backslash escapes, character refs.
_URL_MARKUP = re.compile(r"[*`\[\]\\]|&(?=" + _CHAR_REF[1:] + r")|(?<![^\W_])_|_(?![^\W_])")


def url_needs_brackets(url: str) -> bool:
    """Whether a renderer could read part of `url` as markup if it stood bare on its line."""
    return bool(_URL_MARKUP.search(url))


def url_line(url: str) -> str:
    """The URL's line in the file: bare, or as an autolink `<url>` when it needs one."""
    return f"<{url}>" if url_needs_brackets(url) else url


def url_from_line(line: str) -> str:
    """The URL a line holds, bare or between angle brackets (either is read, as FORMAT.md
    allows hand-edited files)."""
    if line.startswith("<") and line.endswith(">") and len(line) > 2:
        return line[1:-1]
    return line
