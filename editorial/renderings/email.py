"""The mail of an issue: the two bodies of the multipart/alternative message a subscriber
receives, made from the published revision's data (never by parsing markdown again).

- text/plain: the issue's heading, each section's title (in 【】), each entry's number, title,
  URL and summary, the issue's address on the site, then the footer. Text exactly as stored; URLs on
  lines of their own, never wrapped, so every client makes them links.
- text/html: one column at most 640 px wide that narrows with the screen (375 px phones), styled
  by `templates/mail/issue.css` inlined into `style` attributes by css-inline: the message carries
  no <style>, <link> or <script> (many clients drop them). No text colour and no background is
  set, so a client's dark mode recolours the whole message consistently; links are underlined
  and inherit the text's colour, so they need no colour to be told apart (WCAG 1.4.1).

The footer says why the reader gets the mail and holds the unsubscribe link, which is personal.
A mail is rendered once per issue and language (`issue_mail`), then `IssueMail.personal` puts a
recipient's unsubscribe URL in: sending 10,000 copies inlines the CSS once, not 10,000 times.
"""

import secrets
from dataclasses import dataclass
from html import escape

import css_inline
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from editorial.canonical.data import IssueData
from editorial.renderings.wechat import article_title

# Inlines the stylesheet only: a mail must not make the sender fetch anything.
_INLINER = css_inline.CSSInliner(
    load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False
)


@dataclass(frozen=True)
class IssueMail:
    """An issue's mail before it is addressed: `subject` (str), `text` and `html` (str, each
    ending in a newline) holding `placeholder` where each recipient's unsubscribe URL goes."""

    subject: str
    text: str
    html: str
    placeholder: str

    def personal(self, unsubscribe_url: str) -> tuple[str, str]:
        """(text, html) for one recipient, with `unsubscribe_url` (an absolute http(s) URL) in
        the footer."""
        return (
            self.text.replace(self.placeholder, unsubscribe_url),
            self.html.replace(self.placeholder, escape(unsubscribe_url)),
        )


def _text_body(issue: IssueData, issue_url: str, reason: str, placeholder: str) -> str:
    lines = [article_title(issue)]
    for section in issue.sections:
        if not section.entries:
            continue  # as in the markdown: an empty section is not written
        lines += ["", "", f"【{section.title}】"]  # how Chinese plain text sets a heading apart
        for number, entry in enumerate(section.entries, start=1):
            lines += ["", f"{number}. {entry.title}", entry.url]
            if entry.summary:
                lines.append(entry.summary)
    lines += [
        "",
        "",
        _("Read this issue on the site:"),
        issue_url,
        "",
        "-- ",  # the signature separator: clients fold or grey out what follows
        reason,
        _("Unsubscribe: %(url)s") % {"url": placeholder},
    ]
    return "\n".join(lines) + "\n"


def issue_mail(issue: IssueData, *, issue_url: str, reason: str) -> IssueMail:
    """The mail of `issue` in the active language. `issue_url`: the issue's absolute URL on the
    site; `reason`: one sentence saying why the recipient gets it ("You receive this because
    you subscribed to … at …"). Deterministic except for the placeholder."""
    # A URL that cannot occur in an issue (reserved .invalid domain, random path), so replacing
    # it touches nothing else.
    placeholder = f"https://unsubscribe.invalid/{secrets.token_hex(16)}/"
    subject = article_title(issue)
    context = {
        "subject": subject,
        "sections": [section for section in issue.sections if section.entries],
        "issue_url": issue_url,
        "reason": reason,
        "unsubscribe_url": placeholder,
    }
    html = _INLINER.inline(render_to_string("mail/issue.html", context))
    return IssueMail(
        subject=subject,
        text=_text_body(issue, issue_url, reason, placeholder),
        html=html.rstrip("\n") + "\n",
        placeholder=placeholder,
    )
