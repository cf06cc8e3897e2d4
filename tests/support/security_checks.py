"""What counts as executable in a page, a feed or a markdown file, decided by parsing them.

HTML is parsed with html5lib (as a browser would, entities decoded, broken markup repaired) and
every element and attribute is looked at; the Atom feed is parsed as XML and the HTML it carries
is parsed again; the markdown is checked against the escaping rule of FORMAT.md.
"""

import json
import re
from xml.etree import ElementTree

import html5lib

# Elements that never come from our templates; from content they would be active.
FORBIDDEN_ELEMENTS = {
    "svg",
    "math",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "style",
    "portal",
}
# Attributes whose value is a URL that a browser may load, navigate to or submit to.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "cite",
    "longdesc",
    "srcset",
    "ping",
    "manifest",
    "icon",
    "codebase",
    "lowsrc",
    "dynsrc",
    "xlink:href",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "data-hx-get",
    "data-hx-post",
    "data-hx-put",
    "data-hx-patch",
    "data-hx-delete",
}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# Browsers ignore ASCII white space and control characters inside a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f]")
MARKER = re.compile(r"XSS\d\d")
# Our own frame: the WeChat copy of an issue, fully sandboxed (no script, no same origin).
WECHAT_FRAME = re.compile(r"/editorial/issues/\d+/\d+/wechat\.html(\?revision=\d+)?")


def local_name(name: str) -> str:
    """A tag or attribute name without its namespace ({http://www.w3.org/2000/svg}svg → svg)."""
    return name.rsplit("}", 1)[-1].lower()


def is_dangerous_url(value: str) -> bool:
    return _IGNORED_IN_SCHEME.sub("", value).lower().startswith(DANGEROUS_SCHEMES)


def parse_html(content: bytes | str):
    return html5lib.parse(content, treebuilder="etree", namespaceHTMLElements=False)


def _admin_icon(element) -> bool:
    """One of the Django admin's own inline SVG icons: no payload text inside it."""
    return not MARKER.search(text_of(element))


def _wechat_frame(element) -> bool:
    return element.get("sandbox") == "" and bool(WECHAT_FRAME.fullmatch(element.get("src", "")))


def element_problems(root, *, admin: bool = False, inline_styles: bool = False) -> list[str]:
    """Everything executable in a parsed document, as readable sentences. In the Django admin,
    its own SVG icons and its /admin/jsi18n/ script are expected; the fully sandboxed frame of
    an issue's WeChat copy is ours; `inline_styles` allows style attributes (the WeChat copy,
    served under a policy that allows them and nothing else)."""
    problems = []
    scripts = ("/static/", "/admin/jsi18n/") if admin else ("/static/",)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction: inert
        tag = local_name(element.tag)
        expected = (admin and tag == "svg" and _admin_icon(element)) or (
            tag == "iframe" and _wechat_frame(element)
        )
        if tag in FORBIDDEN_ELEMENTS and not expected:
            problems.append(f"<{tag}> element")
        if tag == "script" and not _inert_json(element):
            src = element.get("src", "")
            if not src.startswith(scripts) or (element.text or "").strip():
                problems.append(f"<script src={src!r}> with {len(element.text or '')} chars")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
        for raw_name, value in element.attrib.items():
            name = local_name(raw_name)
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…> event handler")
            elif name == "srcdoc" or (name == "style" and not inline_styles):
                problems.append(f"<{tag} {name}=…>")
            elif name.startswith(("hx-on", "data-hx-on")):
                problems.append(f"<{tag} {name}=…> htmx event handler")
            elif name in URL_ATTRIBUTES and is_dangerous_url(value):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def _inert_json(script) -> bool:
    """A data block (<script type="application/json">, as json_script writes) holding JSON."""
    if script.get("type", "").lower() != "application/json" or script.get("src"):
        return False
    try:
        json.loads(script.text or "")
    except ValueError:
        return False
    return True


def text_of(root) -> str:
    parts = []
    for element in root.iter():
        if isinstance(element.tag, str):
            parts += [element.text or "", element.tail or ""]
    return " ".join(parts)


def markers_in_html(root) -> set[str]:
    """The payload markers (XSSnn) that show as text, not as markup."""
    return set(MARKER.findall(text_of(root)))


def markers_in_values(root) -> set[str]:
    """The payload markers in attribute values (a form given back with what was typed)."""
    found = set()
    for element in root.iter():
        if isinstance(element.tag, str):
            for value in element.attrib.values():
                found |= set(MARKER.findall(value))
    return found


def html_problems(
    content: bytes | str, *, admin: bool = False, inline_styles: bool = False
) -> tuple[list[str], set[str]]:
    """(problems, markers shown as text) of an HTML page or fragment."""
    root = parse_html(content)
    problems = element_problems(root, admin=admin, inline_styles=inline_styles)
    return problems, markers_in_html(root)


# The Atom feed.

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_problems(content: bytes) -> tuple[list[str], set[str]]:
    """(problems, markers) of an Atom feed: its links, and the HTML in its entries."""
    root = ElementTree.fromstring(content)  # noqa: S314 - our own feed, parsed in a test
    problems, markers = [], set()
    for link in root.iter(f"{ATOM}link"):
        href = link.get("href", "")
        if not href.startswith(("http://", "https://", "/")) or is_dangerous_url(href):
            problems.append(f"feed link {href!r}")
    for element in root.iter():
        if element.get("type") == "html" and element.text:
            inner = parse_html(element.text)
            problems += [f"in feed {local_name(element.tag)}: {p}" for p in element_problems(inner)]
            markers |= markers_in_html(inner)
        elif element.get("type") in (None, "text") and element.text:
            markers |= set(MARKER.findall(element.text))
    return problems, markers


# The canonical markdown (FORMAT.md, "Fields").

_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});"
)
# What a CommonMark renderer would take as raw HTML or an autolink: "<" then a letter, "/", "!"
# or "?", not preceded by a backslash.
# An unescaped "<" that opens a tag, a comment or a declaration; a CommonMark autolink
# (<scheme:…> with no space or angle bracket inside) is a link, not raw HTML.
_RAW_HTML = re.compile(r"(?<!\\)<(?![A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)[A-Za-z/!?]")


def escape_as_format_says(text: str) -> str:
    """FORMAT.md: a backslash before \\ * _ ` [ ] < > and before & when it starts a character
    reference. Written from the format's text, not from the exporter."""
    out = []
    for index, char in enumerate(text):
        if char in "\\*_`[]<>" or (char == "&" and _CHARACTER_REFERENCE.match(text, index)):
            out.append("\\")
        out.append(char)
    return "".join(out)


def url_line_as_format_says(url: str) -> str:
    """FORMAT.md: bare, or between angle brackets when it holds * ` [ ] \\, an & that starts a
    character reference, or an _ without a letter or digit on both sides."""
    for index, char in enumerate(url):
        if char in "*`[]\\" or (char == "&" and _CHARACTER_REFERENCE.match(url, index)):
            return f"<{url}>"
        if char == "_":
            before = url[index - 1] if index else ""
            after = url[index + 1] if index + 1 < len(url) else ""
            if not (before.isalnum() and after.isalnum()):
                return f"<{url}>"
    return url


def raw_html_lines(markdown: str) -> list[str]:
    """Lines a CommonMark renderer would turn (partly) into HTML elements."""
    return [line for line in markdown.splitlines() if _RAW_HTML.search(line)]
