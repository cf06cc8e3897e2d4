"""The editorial dashboard (issues by state) and the "new issue" form."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from editorial import services
from editorial.compose.forms import IssueCreateForm
from editorial.compose.selectors.composer import dashboard_columns, previous_issue
from editorial.compose.selectors.reasons import return_reasons
from editorial.htmx import editor_required, redirect_after_post, render_view
from editorial.rules import form_int
from editorial.selectors.notifications import recent_notices
from editorial.selectors.subscribers import subscriber_counts


@editor_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request):
    """What waits for the user (their newest notices), and the issues as columns by state,
    each card with its entries counted by state; how many subscribers receive issues and how
    many wait to confirm."""
    columns = dashboard_columns()
    reasons = return_reasons(columns.draft)
    for issue in columns.draft:
        issue.return_reason = reasons.get(issue.pk)
    context = {
        "columns": [
            ("draft", _("Draft"), columns.draft, _("No drafts.")),
            ("in_review", _("In review"), columns.in_review, _("Nothing waiting for review.")),
            ("scheduled", _("Scheduled"), columns.scheduled, _("Nothing scheduled.")),
            ("published", _("Published"), columns.published, _("Nothing published yet.")),
        ],
        "notices": recent_notices(request.user),
        "subscribers": subscriber_counts(),
    }
    return render_view(request, "editorial/dashboard.html", context, partial="board")


def _current_year() -> int:
    return datetime.datetime.now(ZoneInfo(settings.TIME_ZONE)).year


def _requested_year(value) -> int:
    return form_int(value, low=1000, high=9999) or _current_year()


@editor_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_create(request):
    """Suggest the next number for the year and the previous issue's sections; create it."""
    previous = previous_issue()
    previous_titles = [section.title for section in previous.sections.all()] if previous else []
    suggestion = None
    if request.method == "POST":
        form = IssueCreateForm(request.POST, previous_titles=previous_titles)
        if form.is_valid():
            try:
                issue = services.issue_create(
                    year=form.cleaned_data["year"],
                    number=form.cleaned_data["number"],
                    by=request.user,
                    section_titles=form.section_titles(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                url = issue.get_composer_url()
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                message = _("Issue %(label)s created.") % {"label": issue.label}
                return redirect_after_post(request, url, message)
        status = 422 if request.htmx else 200
    else:
        year = _requested_year(request.GET.get("year"))
        suggestion = (year, services.next_issue_number(year))
        form = IssueCreateForm(
            initial={"year": year, "number": suggestion[1], "sections": previous_titles},
            previous_titles=previous_titles,
            suggestion=suggestion,
        )
        status = 200
    context = {"form": form, "previous": previous, "suggestion": suggestion}
    return render_view(
        request, "editorial/issue_create.html", context, partial="form", status=status
    )
