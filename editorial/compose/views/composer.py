"""The composer page and its live panels: preview, markdown download, presence, history and the
duplicate-link check."""

import re

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from editorial.audit import action_label
from editorial.canonical import issue_to_markdown
from editorial.compose.answers import (
    duplicates_for,
    is_editable,
    sections_context,
)
from editorial.compose.forms import UrlCheckForm
from editorial.compose.issue_actions import issue_actions_context
from editorial.compose.selectors.composer import (
    composer_issue,
    issue_history,
)
from editorial.compose.selectors.live import issue_version
from editorial.compose.selectors.reasons import return_reasons
from editorial.htmx import (
    changed,
    editor_required,
    redirect_after_post,
    render_view,
    vary_on_htmx,
    wants_fragment,
)
from editorial.models import AuditEvent, EntryStatus, Issue, IssueStatus
from editorial.rules import form_int
from editorial.services import history as history_services
from editorial.services import presence as services_presence
from editorial.services.presence import PRESENCE_INTERVAL, presence_seen
from editorial.store import issue_markdown, issue_to_data

HISTORY_PAGE_SIZE = 25
READ_ONLY = ["GET", "HEAD"]

# The changed fields a history row shows, by the key the audit data uses.
CHANGED_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "url": gettext_lazy("URL"),
    "summary": gettext_lazy("Summary"),
    "position": gettext_lazy("Position"),
    "section_title": gettext_lazy("Section"),
}


def undo_event_for(issue: Issue, event_pk) -> AuditEvent | None:
    """The deletion that ?undo= names, if it belongs to the issue and is not undone yet."""
    try:
        pk = int(event_pk)
    except (TypeError, ValueError):
        return None
    event = AuditEvent.objects.filter(
        pk=pk, issue=issue, action__in=["entry_delete", "section_delete"]
    ).first()
    if event is None or event.data.get("restored"):
        return None
    return event


# --- the context of each composer partial, built in one place for every view that renders it --


def preview_context(issue: Issue) -> dict:
    issue_data = issue_to_data(issue)
    return {"issue_data": issue_data, "markdown": issue_to_markdown(issue_data)}


@editor_required
@require_http_methods(READ_ONLY)
def composer(request, year, number):
    """The composer page; for htmx, the sections list (it reloads after outside changes)."""
    issue = composer_issue(year, number)
    context = sections_context(request, issue)
    if request.htmx and not request.htmx.history_restore_request:
        return render_view(request, "editorial/composer.html", context, partial="sections")
    context.update(
        # The issue's actions carry the versions of the entries the list shows.
        **issue_actions_context(request, issue, sections=context["sections"]),
        others=presence_seen(issue, user=request.user),
        presence_seconds=int(PRESENCE_INTERVAL.total_seconds()),
        undo_event=undo_event_for(issue, request.GET.get("undo")),
        readable=issue.readable,
        has_revision=issue.has_revision,
        return_reason=return_reasons([issue]).get(issue.pk),
    )
    return render_view(request, "editorial/composer.html", context, partial=None)


@editor_required
@require_http_methods(READ_ONLY)
def preview(request, year, number):
    """The issue as readers will see it and its markdown; htmx gets the two panels."""
    issue = get_object_or_404(Issue, year=year, number=number)
    context = {"issue": issue, **preview_context(issue)}
    return render_view(request, "editorial/preview.html", context, partial="panels")


@editor_required
@require_http_methods(READ_ONLY)
def markdown(request, year, number):
    """The issue's current content as its canonical markdown file, YEAR-NUMBER.md."""
    issue = get_object_or_404(Issue, year=year, number=number)
    response = HttpResponse(issue_markdown(issue), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{issue.year}-{issue.number}.md"'
    response["Cache-Control"] = "no-store"
    return response


@editor_required
@require_POST
def presence(request, year, number):
    """Record that this editor has the issue open and say who else has (the composer posts
    every PRESENCE_INTERVAL). A plain post goes back to the composer."""
    issue = get_object_or_404(Issue, year=year, number=number)
    others = presence_seen(issue, user=request.user)
    if not wants_fragment(request):
        return redirect_after_post(request, issue.get_composer_url())
    context = {"issue": issue, "others": others}
    response = vary_on_htmx(render(request, "editorial/presence.html#presence", context))
    response["Cache-Control"] = "no-store"
    return response


@editor_required
@require_POST
def presence_leave(request, year, number):
    """This editor closed the composer (the page sends a beacon on pagehide): colleagues stop
    seeing them at once. 204; a plain post goes to the dashboard."""
    issue = get_object_or_404(Issue, year=year, number=number)
    services_presence.presence_leave(issue, user=request.user)
    if not request.htmx:  # a beacon does not follow the redirect; a plain form does
        return redirect_after_post(request, reverse("editorial:dashboard"))
    return vary_on_htmx(HttpResponse(status=204))


@editor_required
@require_http_methods(READ_ONLY)
def changes(request, year, number):
    """Has the issue changed since ?since= (the version the page shows)? htmx: 204 when not
    (two small queries: the composer asks every few seconds), else the sections list, which
    the page merges into itself without losing focus or an open form. Plain: the composer."""
    issue = get_object_or_404(Issue.objects.only("pk", "year", "number"), year=year, number=number)
    if not wants_fragment(request):
        return vary_on_htmx(redirect(issue.get_composer_url()))
    if form_int(request.GET.get("since")) == issue_version(issue):
        response = HttpResponse(status=204)
    else:
        fresh = composer_issue(year, number)
        context = sections_context(request, fresh)
        response = render_view(request, "editorial/composer.html", context, partial="sections")
        changed(response, source="live")
    response["Cache-Control"] = "no-store"
    return vary_on_htmx(response)


_STATE_LABELS = {**dict(EntryStatus.choices), **dict(IssueStatus.choices)}


def _changed_fields(data) -> list[tuple[str, object, object]]:
    """(label, old, new) for each field an audit row says changed from one value to another."""
    if not isinstance(data, dict):
        return []
    changes = []
    for key, label in CHANGED_FIELD_LABELS.items():
        value = data.get(key)
        if isinstance(value, list) and len(value) == 2 and value[0] != value[1]:
            changes.append((label, value[0], value[1]))
    return changes


def describe_events(events) -> list:
    """Add to each audit row the words the history shows: .label, state labels, .changes."""
    for event in events:
        event.label = action_label(event.action)
        event.from_label = _STATE_LABELS.get(event.from_state, event.from_state)
        event.to_label = _STATE_LABELS.get(event.to_state, event.to_state)
        event.changes = _changed_fields(event.data)
        event.quick_add = isinstance(event.data, dict) and bool(event.data.get("quick_add"))
    return events


@editor_required
@require_http_methods(READ_ONLY)
def history(request, year, number):
    """The issue's audit log, newest first, paginated; htmx gets the list (composer drawer)."""
    issue = get_object_or_404(Issue, year=year, number=number)
    page = Paginator(issue_history(issue), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    describe_events(page.object_list)
    if is_editable(issue):
        newest = history_services.newest_ids(issue)
        for event in page.object_list:
            event.offers_undo = history_services.offers_undo(event, newest)
    context = {"issue": issue, "page_obj": page}
    return render_view(request, "editorial/history.html", context, partial="history")


_FIELD_NAME = re.compile(r"^[a-z0-9-]{1,60}$")


@editor_required
@require_http_methods(READ_ONLY)
def check_url(request):
    """Entries anywhere whose link equals ?url= once normalised (except ?entry=): a warning
    for the field being typed in (htmx), or the same check as a page. An entry form's URL field
    sends its value under its own (prefixed) name, which ?field= names."""
    field = request.GET.get("field", "")
    name = field if _FIELD_NAME.match(field) else "url"
    url = request.GET.get(name, "").strip()
    context = {
        "url": url,
        "matches": duplicates_for(url, exclude_entry=form_int(request.GET.get("entry"))),
        "current_issue": form_int(request.GET.get("issue")),
        "form": UrlCheckForm(initial={"url": url}),
    }
    response = render_view(request, "editorial/check_url.html", context, partial="warning")
    response["Cache-Control"] = "no-store"
    return response


# --- answers shared by the editing views (entries.py, sections.py) ----------------------------
