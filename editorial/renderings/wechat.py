"""The WeChat copy of an issue: the HTML an editor pastes into the official-account editor, and
a plain-text version of the same issue for the clipboard's text/plain.

WeChat's editor keeps inline styles and little else, and an article may link only to other
official-account articles. So the HTML is:

- one root <section>, whose font, colour and line height the rest inherits; every style is a
  `style` attribute (no <style>, <link>, <script>, class, id, CSS variable or `position`);
- the issue's heading (<h1>), each section's (<h2>), and each entry as a paragraph with its
  number and title, then a paragraph with its summary: no <ul>/<ol>, whose numbering WeChat
  resets (public reports: mdnice #56);
- a title links to its URL when that is a WeChat article; any other URL becomes a marker [n]
  after the title and one line "[n] title: URL" under 参考链接 at the end, each URL once, numbered
  in order of first use, in a paragraph that breaks anywhere so long URLs wrap. Addresses inside
  summaries are text;
- text exactly as stored, escaped (never altered); colours WeChat's dark mode can invert (text
  colour only, no background panels).

Deterministic: the same IssueData gives the same bytes.
"""

from dataclasses import dataclass
from html import escape

from editorial.canonical.data import IssueData
from editorial.canonical.export import issue_heading
from editorial.links import is_wechat_article

REFERENCES_HEADING = "参考链接"

# Every style the copy uses, by the part it dresses: the one place to restyle it. Text colours
# only, no background: WeChat's dark mode recolours text for its dark page, and a panel with a
# fixed background would stay a bright block. The accent has 5.3:1 contrast on white (WCAG AA).
ACCENT = "#0b7a5f"
STYLES = {
    "root": (
        "margin: 0; padding: 0; font-size: 16px; line-height: 1.75; color: #333333; "
        "letter-spacing: 0.5px; text-align: left; word-break: break-word; "
        "overflow-wrap: break-word;"
    ),
    "issue": "margin: 0 0 24px; font-size: 20px; font-weight: bold; line-height: 1.4; "
    "text-align: center;",
    "section": f"margin: 36px 0 12px; padding: 0 0 0 10px; border-left: 4px solid {ACCENT}; "
    "font-size: 18px; font-weight: bold; line-height: 1.4;",
    "entry": "margin: 20px 0 6px; font-size: 16px; font-weight: bold; line-height: 1.6;",
    "link": f"color: {ACCENT}; text-decoration: none;",
    "marker": f"color: {ACCENT}; font-size: 12px; font-weight: normal;",
    "summary": "margin: 0 0 16px; font-size: 15px;",
    "references": f"margin: 40px 0 8px; padding: 0 0 0 10px; border-left: 4px solid {ACCENT}; "
    "font-size: 16px; font-weight: bold; line-height: 1.4;",
    "reference": "margin: 4px 0; font-size: 13px; line-height: 1.6; word-break: break-all; "
    "overflow-wrap: anywhere;",
}


@dataclass(frozen=True)
class Reference:
    """One line of 参考链接: its number (1, 2, … in order of first use), the title of the first
    entry that uses the URL, and the URL."""

    number: int
    title: str
    url: str


@dataclass(frozen=True)
class WeChatCopy:
    """What goes on the clipboard (`html`: text/html, `text`: text/plain, both str ending in a
    newline) and the references the other links became."""

    html: str
    text: str
    references: tuple[Reference, ...]


def references(issue: IssueData) -> tuple[Reference, ...]:
    """The issue's URLs that are not WeChat articles, each once, in order of first use (empty
    sections are not written, so their entries take no number)."""
    found: dict[str, Reference] = {}
    for section in issue.sections:
        for entry in section.entries:
            if not is_wechat_article(entry.url) and entry.url not in found:
                found[entry.url] = Reference(len(found) + 1, entry.title, entry.url)
    return tuple(found.values())


def article_title(issue: IssueData) -> str:
    """The article's title: the issue's heading, "云计算技术动态 2024 年第三十二期"."""
    return issue_heading(issue.publication, issue.year, issue.number).removeprefix("# ")


def _tag(name: str, style: str, content: str) -> str:
    return f'<{name} style="{STYLES[style]}">{content}</{name}>'


def issue_to_wechat(issue: IssueData) -> WeChatCopy:
    """The WeChat copy of `issue` (see the module's docstring for its rules)."""
    refs = references(issue)
    number_of = {ref.url: ref.number for ref in refs}
    heading = article_title(issue)
    html = [f'<section style="{STYLES["root"]}">', _tag("h1", "issue", escape(heading))]
    text = [heading]
    for section in issue.sections:
        if not section.entries:
            continue  # as in the markdown: an empty section is not written
        html.append(_tag("h2", "section", escape(section.title)))
        text += ["", section.title]
        for n, entry in enumerate(section.entries, start=1):
            title = escape(entry.title)
            if entry.url in number_of:
                marker = f"[{number_of[entry.url]}]"
                title += " " + _tag("sup", "marker", marker)
                text += ["", f"{n}. {entry.title} {marker}"]
            else:
                title = f'<a href="{escape(entry.url)}" style="{STYLES["link"]}">{title}</a>'
                text += ["", f"{n}. {entry.title}", entry.url]
            html.append(_tag("p", "entry", f"{n}. {title}"))
            if entry.summary:
                html.append(_tag("p", "summary", escape(entry.summary)))
                text.append(entry.summary)
    if refs:
        html.append(_tag("h2", "references", REFERENCES_HEADING))
        text += ["", REFERENCES_HEADING, ""]
        for ref in refs:
            line = f"[{ref.number}] {ref.title}: {ref.url}"
            html.append(_tag("p", "reference", escape(line)))
            text.append(line)
    html.append("</section>")
    return WeChatCopy("\n".join(html) + "\n", "\n".join(text) + "\n", refs)
