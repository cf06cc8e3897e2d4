"""The WeChat page of an issue (the copy button, the checks, a preview at phone width) and the
exact HTML that is copied. Editors and reviewers only: a draft's copy is not public."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from editorial.htmx import editor_required, render_view
from editorial.models import Issue
from editorial.renderings.wechat import article_title
from editorial.wechat.checks import LIMITS, wechat_checks
from editorial.wechat.selectors import wechat_source

# The copied HTML, served alone (and framed by the WeChat page as its preview): inline styles
# are all it may use, so its policy allows those and nothing else, not even a script.
COPY_POLICY = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
}


def _issue(year: int, number: int) -> Issue:
    return get_object_or_404(Issue, year=year, number=number)


@editor_required
@require_safe
def wechat(request, year: int, number: int):
    """The page to copy the issue from: the copy (?revision=N: that revision's, as published),
    its checks, its preview and the 阅读原文 address; for htmx, the checks alone."""
    issue = _issue(year, number)
    source = wechat_source(issue, request.GET.get("revision"))
    context = {
        "issue": issue,
        "source": source,
        "findings": wechat_checks(source.data, source.copy),
        "limits": LIMITS,
        "revisions": issue.revisions.order_by("-number").only("number", "published_at"),
        "title": article_title(source.data),
        "read_more_url": issue.get_public_url(),
    }
    return render_view(request, "wechat/issue.html", context, partial="checks")


@editor_required
@require_safe
@csp_override(COPY_POLICY)
@xframe_options_sameorigin
def wechat_html(request, year: int, number: int):
    """Exactly the HTML the copy button puts on the clipboard, text/html in UTF-8."""
    issue = _issue(year, number)
    source = wechat_source(issue, request.GET.get("revision"))
    response = HttpResponse(source.copy.html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
