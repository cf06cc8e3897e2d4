"""The review page's link check: start it (POST), and see its results (GET; htmx polls while
some links are still being checked)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from editorial.htmx import redirect_after_post, render_view, reviewer_required, wants_fragment
from editorial.inbox.services.link_check import issue_link_checks, start_link_check
from editorial.models import Entry, Issue


def link_check_context(issue: Issue) -> dict:
    """What the link-check partial shows: every entry with its result (or None)."""
    checks = issue_link_checks(issue)
    entries = list(
        Entry.objects.filter(section__issue=issue)
        .select_related("section")
        .order_by("section__position", "position")
        .only("pk", "title", "url", "section__title", "section__position", "position")
    )
    rows = [(entry, checks.get(entry.pk)) for entry in entries]
    return {
        "issue": issue,
        "link_rows": rows if checks else [],
        "links_pending": any(check is not None and not check.outcome for _e, check in rows),
        "links_broken": sum(
            1
            for _e, check in rows
            if check is not None and check.outcome not in ("", "ok", "redirected")
        ),
    }


@reviewer_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_check(request, year, number):
    """GET: the results kept (an hour). POST: check every link without a fresh result."""
    issue = get_object_or_404(Issue, year=year, number=number)
    if request.method == "POST":
        start_link_check(issue, by=request.user)
        if not wants_fragment(request):
            url = reverse("editorial:review_issue", args=[year, number])
            return redirect_after_post(request, f"{url}#link-check")
    context = link_check_context(issue)
    return render_view(request, "editorial/review/link_check.html", context, partial="results")
