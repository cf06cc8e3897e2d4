"""Which WeChat copy an issue's page shows: the one a revision was published with, or the
issue's content as it stands."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from editorial.canonical.data import IssueData
from editorial.canonical.parse import markdown_to_issue
from editorial.models import Issue, IssueStatus, Revision
from editorial.renderings.wechat import WeChatCopy, issue_to_wechat, references
from editorial.rules import form_int
from editorial.store import issue_to_data


@dataclass(frozen=True)
class WeChatSource:
    """The copy shown (`copy`), the data it was made from (`data`), and the revision it was
    published with (None: the issue's current content, not published as it stands)."""

    data: IssueData
    copy: WeChatCopy
    revision: Revision | None


def _published_copy(revision: Revision) -> WeChatSource:
    data = markdown_to_issue(revision.markdown, publication=settings.DIGEST_PUBLICATION)
    if not revision.wechat_html:  # published before the copy was kept: made from its markdown
        return WeChatSource(data, issue_to_wechat(data), revision)
    copy = WeChatCopy(revision.wechat_html, revision.wechat_text, references(data))
    return WeChatSource(data, copy, revision)


def wechat_source(issue: Issue, revision: str | None = None) -> WeChatSource:
    """The copy of revision number `revision` (a query parameter: Http404 when it is not a
    revision of the issue); without one, the latest revision's while the issue is published
    (scheduled included), else the issue's current content (a draft, in review, or reopened
    for a correction)."""
    revisions = issue.revisions.order_by("-number")
    if revision is not None:
        chosen = revisions.filter(number=form_int(revision, low=1, high=2**31 - 1) or 0).first()
        if chosen is None:
            raise Http404(_("This issue has no such revision."))
        return _published_copy(chosen)
    if issue.status == IssueStatus.PUBLISHED and (latest := revisions.first()) is not None:
        return _published_copy(latest)
    data = issue_to_data(issue)
    return WeChatSource(data, issue_to_wechat(data), None)
