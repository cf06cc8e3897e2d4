"""The composer page and its live panels: preview, markdown download, presence, history and the
duplicate-link check."""

import re

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, trigger_client_event

from editorial import workflow
from editorial.audit import action_label
from editorial.canonical import issue_to_markdown
from editorial.canonical.store import issue_markdown, issue_to_data
from editorial.forms import UrlCheckForm
from editorial.models import AuditEvent, EntryStatus, Issue, IssueStatus, Section
from editorial.selectors.editorial import (
    composer_issue,
    composer_section,
    duplicate_links,
    issue_history,
    sibling_sections,
)
from editorial.selectors.live import issue_version
from editorial.selectors.reasons import return_reasons
from editorial.services import history as history_services
from editorial.services import presence as services_presence
from editorial.services.presence import PRESENCE_INTERVAL, presence_seen
from editorial.views.htmx import (
    changed,
    editor_required,
    redirect_after_post,
    refuse,
    render_view,
    vary_on_htmx,
    wants_fragment,
)

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


def is_editable(issue: Issue) -> bool:
    return issue.status != IssueStatus.PUBLISHED


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


# What each card of a list asks for and a list has no value for: set, so that hundreds of cards
# do not each look them up through the whole context in vain.
CARD_DEFAULTS = {"mode": "", "focus_entry": None, "focus": ""}


def sections_context(request, issue: Issue, **extra) -> dict:
    """The sections list (composer.html#sections): the issue read by composer_issue, with
    review moves on the entries whose menu the list shows open, and the version the list
    shows (for the live updates)."""
    workflow.attach_entry_actions(open_menu_entries(issue.sections_list), request.user)
    return {
        "issue": issue,
        "version": issue.version,
        "sections": issue.sections_list,
        "editable": is_editable(issue),
        "composer_url": issue.get_composer_url(),
        **CARD_DEFAULTS,
        **extra,
    }


def open_menu_entries(sections) -> list:
    """The entries whose card shows its menu open (changes requested: the comments that say
    what to change are in view); the other menus are fetched when opened."""
    return [
        entry
        for section in sections
        for entry in section.entries_list
        if entry.status == EntryStatus.CHANGES_REQUESTED
    ]


def section_context(request, issue: Issue, section=None, **extra) -> dict:
    """One section's partials (section.html: section, count, added, moved, and the forms:
    rename, add an entry, quick add, add a section, remove). `section` is None for the issue's
    "add a section" form; for the card list it is read by composer_section."""
    return {
        "issue": issue,
        "section": section,
        "editable": is_editable(issue),
        "composer_url": issue.get_composer_url(),
        **CARD_DEFAULTS,
        **extra,
    }


def entry_context(request, entry, *, mode: str = "card", **extra) -> dict:
    """An entry's partials (entry.html: card, menu, review, form, conflict, move, confirm
    delete, saved), around an entry with its section and issue (composer_entry, or the entry a
    service returned with prepare_entry). The sections to move to are read for "move" only."""
    issue = entry.section.issue
    entry.actions = workflow.entry_actions(entry, request.user)
    return {
        "entry": entry,
        "issue": issue,
        "editable": is_editable(issue),
        "sections": sibling_sections(issue) if mode == "move" else [],
        "composer_url": issue.get_composer_url(),
        "mode": mode,
        **extra,
    }


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
        issue_actions=workflow.issue_actions(issue, request.user),
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
    if _int_or_none(request.GET.get("since")) == issue_version(issue):
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


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
        "matches": duplicates_for(url, exclude_entry=_int_or_none(request.GET.get("entry"))),
        "current_issue": _int_or_none(request.GET.get("issue")),
        "form": UrlCheckForm(initial={"url": url}),
    }
    response = render_view(request, "editorial/check_url.html", context, partial="warning")
    response["Cache-Control"] = "no-store"
    return response


# --- answers shared by the editing views (entries.py, sections.py) ----------------------------


def sections_response(request, issue: Issue, *, notice_text="", undo_event=None, **focus):
    """After a change to the issue's structure: the whole sections list (htmx), with a notice
    for screen readers, and "issue-changed" so the preview follows."""
    fresh = composer_issue(issue.year, issue.number)
    context = sections_context(
        request, fresh, notice_text=notice_text, undo_event=undo_event, **focus
    )
    response = render_view(request, "editorial/composer.html", context, partial="sections_changed")
    return changed(response)


def section_moved_response(request, moved, *, note: str, focus: str = ""):
    """htmx, after a section moved: what changed, not the sections. The notice (out of band)
    and the event "section-moved" ({section, position, focus}) with which the page puts the
    section in its place, the focus staying on the button used. Swaps nothing else, whatever
    the form's target."""
    context = {"notice_text": note, "counts": []}
    response = render_view(request, "editorial/section.html", context, partial="moved")
    detail = {"section": moved.pk, "position": moved.position, "focus": focus}
    trigger_client_event(response, "section-moved", detail, after="settle")
    return changed(reswap(response, "none"), moved_section=moved.pk)


def section_added_response(request, added: Section, *, note: str, partial: str = "restored"):
    """htmx, after a section appeared (added, or its removal undone): the section with its
    entries, not the others. Added at the end of the list (out of band) and put in its place by
    the page with the event "section-moved" (the focus on its title), with the notice; the
    partial "created" also empties the "add a section" form."""
    section = composer_section(added.pk)
    workflow.attach_entry_actions(open_menu_entries([section]), request.user)
    context = section_context(request, section.issue, section, notice_text=note)
    response = render_view(request, "editorial/section.html", context, partial=partial)
    detail = {"section": section.pk, "position": section.position, "focus": "title"}
    trigger_client_event(response, "section-moved", detail, after="settle")
    return changed(reswap(response, "none"))


def notice_error_response(request, issue: Issue, message: str, *, status=409):
    """A refused change to the issue: the protocol's refusal, back to the composer when plain."""
    return refuse(request, message, status=status, fallback_url=issue.get_composer_url())


def duplicates_for(url: str, *, exclude_entry=None) -> list:
    """Duplicate links of `url` with where they are, for re-rendering a form with its warning."""
    return duplicate_links(url, exclude_entry=exclude_entry) if url else []
