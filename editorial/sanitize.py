"""Plain text in, safe HTML out: the only module that imports bleach."""

import html
import re
import threading
import unicodedata

import bleach
from bleach.linkifier import Linker
from django.utils.safestring import SafeString, mark_safe

_WHITE_SPACE = re.compile(r"\s+")
# Characters that are never meaningful in one line of text (C0/C1 controls, bidi overrides).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """Plain one-line text: HTML stripped, entities decoded, white space folded, NFC."""
    if not value:
        return ""
    text = _INVISIBLE.sub("", str(value))
    if "<" in text or "&" in text:
        # bleach escapes what it keeps; decoding afterwards gives the visible text back.
        text = html.unescape(bleach.clean(text, tags=set(), strip=True, strip_comments=True))
    text = _WHITE_SPACE.sub(" ", text).strip()
    return unicodedata.normalize("NFC", text)


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
            callbacks=[_only_web_links], skip_tags={"pre", "code"}, parse_email=False
        )
    return linker


def linkify_summary(text: str) -> SafeString:
    """A summary as HTML for readers: everything escaped, bare http(s) URLs made links."""
    escaped = html.escape(text or "", quote=True)
    # Every address linkify recognises has a dot before its top-level domain; most summaries
    # have none, and skipping the HTML parser for them makes a long issue render several
    # times faster. Escaping alone is what linkify gives such a text.
    if "." not in escaped:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    return mark_safe(_linker().linkify(escaped))  # noqa: S308 - input escaped above, output by bleach
