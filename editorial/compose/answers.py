"""The answers several compose views share: the composer's sections and entries as context,
and the responses after a change (sections redrawn, a section added or moved, an entry moved,
a notice), so that a view imports these and never another view."""

from django.db.models import Count
from django_htmx.http import reswap, trigger_client_event

from editorial import workflow
from editorial.compose.selectors.composer import (
    composer_issue,
    composer_section,
    duplicate_links,
    sibling_sections,
)
from editorial.htmx import (
    changed,
    refuse,
    render_view,
)
from editorial.models import AuditEvent, Entry, EntryStatus, Issue, IssueStatus, Section
from editorial.workflow import guards


def is_editable(issue: Issue) -> bool:
    return issue.status != IssueStatus.PUBLISHED


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


def sections_response(request, issue: Issue, *, notice_text="", undo_event=None, **focus):
    """After a change to the issue's structure: the whole sections list (htmx), with a notice
    for screen readers, and "issue-changed" so the preview follows."""
    fresh = composer_issue(issue.year, issue.number)
    context = sections_context(
        request, fresh, notice_text=notice_text, undo_event=undo_event, **focus
    )
    response = render_view(request, "editorial/composer.html", context, partial="sections_changed")
    # Merged into the page like the live poll's list: open forms and their text stay.
    return changed(reswap(response, "morph:outerHTML"))


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


FORM_METHODS = ["GET", "HEAD", "POST"]


def live_section(pk) -> Section:
    """The section with its issue, or Vanished (409, who deleted it) when it was deleted."""
    return guards.get_or_vanished(Section.objects.select_related("issue"), "section", pk)


def entry_fields(form) -> dict:
    """The entry's text and source from a valid EntryForm, as the services take them. A post
    without the source field (a form drawn before it was offered) leaves the source as it is
    (source_name None)."""
    fields = {name: form.cleaned_data[name] for name in ("title", "url", "summary")}
    sent = {form.add_prefix("source_name"), "source_name"} & set(form.data)
    fields["source_name"] = form.cleaned_data["source_name"] if sent else None
    return fields


def last_change(entry: Entry, action: str, *, by):
    """The audit row of `by`'s newest `action` on `entry` (what the notice offers to undo), or
    None. One query."""
    return AuditEvent.objects.filter(entry=entry, action=action, actor=by).order_by("-pk").first()


def moved_response(
    request, moved: Entry, *, from_section: int, note: str, focus: str = "", undoable=False
):
    """htmx: what a move changed, not the sections it touched. The notice and the two
    sections' entry counts (out of band), and the event "entry-moved" ({entry, section,
    position, focus}) with which the page puts the card in its place (a drag already did) and
    renumbers the cards. A few hundred bytes and one query, however long the sections are."""
    section_pks = {from_section, moved.section_id}
    counts = dict(
        Entry.objects.filter(section__in=section_pks)
        .values_list("section")
        .annotate(count=Count("pk"))
        .values_list("section", "count")
    )
    context = {
        "notice_text": note,
        "undo_event": last_change(moved, "entry_move", by=request.user) if undoable else None,
        "counts": [(pk, counts.get(pk, 0)) for pk in sorted(section_pks)],
    }
    response = render_view(request, "editorial/section.html", context, partial="moved")
    trigger_client_event(
        response,
        "entry-moved",
        {
            "entry": moved.pk,
            "section": moved.section_id,
            "position": moved.position,
            "focus": focus,
        },
        after="settle",  # the notice and counts first: placing the card may close its form
    )
    return changed(response, moved=moved.pk)
