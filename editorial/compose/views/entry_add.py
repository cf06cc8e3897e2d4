"""Adding entries: one through a section's form, several pasted into a section (quick add), or
a whole draft pasted into the issue (its entries to their sections)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from editorial import services, workflow
from editorial.bidi import sentence
from editorial.compose.answers import (
    FORM_METHODS,
    duplicates_for,
    entry_fields,
    is_editable,
    live_section,
    section_context,
    sections_context,
)
from editorial.compose.forms import DraftPasteForm, EntryForm, QuickAddForm
from editorial.compose.selectors.composer import composer_issue, composer_section
from editorial.htmx import (
    changed,
    editor_required,
    redirect_after_post,
    render_view,
    wants_fragment,
)
from editorial.models import Issue, Section
from editorial.selectors.links import attach_same_links


def _quick_add_note(entries: list) -> str:
    """ "Added 3 entries.", and how many of them have a link used elsewhere (entries with
    .same_links), so a repeated link within the paste or against the archive is seen."""
    note = ngettext("Added %(count)d entry.", "Added %(count)d entries.", len(entries)) % {
        "count": len(entries)
    }
    repeated = sum(1 for entry in entries if entry.same_links)
    if repeated:
        note += " " + ngettext(
            "%(count)d of them has a link that is already used: see its card.",
            "%(count)d of them have a link that is already used: see their cards.",
            repeated,
        ) % {"count": repeated}
    return note


def _added_response(request, section: Section, created: list, *, quick: bool):
    """htmx: the new cards (appended to the section's list), fresh forms and the count."""
    fresh = composer_section(section.pk)
    ids = {entry.pk for entry in created}
    new_entries = [entry for entry in fresh.entries_list if entry.pk in ids]
    workflow.attach_entry_actions(new_entries, request.user)
    if quick:
        note = _quick_add_note(new_entries)
    else:
        note = sentence(_("Added “%(title)s”."), title=created[0].title)
    context = section_context(
        request,
        fresh.issue,
        fresh,
        new_entries=new_entries,
        quick=quick,
        focus_field="title",
        focus_quick=quick,
        notice_text=note,
    )
    return changed(render_view(request, "editorial/section.html", context, partial="added"))


def _section_form_context(request, section: Section, mode: str, **extra) -> dict:
    """The context of a section's add-entry ("add_entry") or quick-add ("quick_add") form."""
    title = _("Add an entry") if mode == "add_entry" else _("Quick add")
    return section_context(request, section.issue, section, mode=mode, page_title=title, **extra)


def _section_form_error(request, section: Section, mode: str, form_name: str, form):
    """A form of a section with its errors: htmx swaps the form alone (422), plain a page."""
    partial = {"add_entry": "add_form", "quick_add": "quick_form"}[mode]
    context = _section_form_context(request, section, mode, **{form_name: form})
    if mode == "add_entry":
        form.duplicates = duplicates_for(form.typed("url"))
    if not wants_fragment(request):
        return render_view(request, "editorial/section.html", context, partial=None)
    response = render_view(request, "editorial/section.html", context, partial=partial, status=422)
    prefix = "add" if mode == "add_entry" else "quick"
    retarget(response, f"#{prefix}-{section.pk}-form")
    return reswap(response, "outerHTML")


def _section_form_page(request, section, mode: str, partial: str, **extra):
    """An empty add-entry or quick-add form: its own page, or the fragment for htmx."""
    context = _section_form_context(request, section, mode, **extra)
    return render_view(request, "editorial/section.html", context, partial=partial)


@editor_required
@require_http_methods(FORM_METHODS)
def entry_create(request, pk):
    """Add an entry at the end of a section (htmx: the card is appended, the form emptied)."""
    section = live_section(pk)
    if request.method != "POST":
        return _section_form_page(request, section, "add_entry", "add_form", focus_field="title")
    form = EntryForm.for_section(section, request.POST)
    created = form.run_service(
        lambda data: services.entry_create(section, **entry_fields(form), by=request.user)
    )
    if created is not None:
        if wants_fragment(request):
            return _added_response(request, section, [created], quick=False)
        return redirect_after_post(
            request,
            section.issue.get_composer_url(f"entry-{created.pk}"),
            sentence(_("Added “%(title)s”."), title=created.title),
        )
    return _section_form_error(request, section, "add_entry", "add_form", form)


@editor_required
@require_http_methods(FORM_METHODS)
def quick_add(request, pk):
    """Paste several entries at once: all are added, or none and the line that is wrong."""
    section = live_section(pk)
    if request.method != "POST":
        return _section_form_page(request, section, "quick_add", "quick_form")
    form = QuickAddForm.for_section(section, request.POST)
    created = form.run_service(
        lambda data: services.entries_quick_add(section, text=data["text"], by=request.user)
    )
    if created is not None:
        if wants_fragment(request):
            return _added_response(request, section, created, quick=True)
        attach_same_links(created)
        message = _quick_add_note(created)
        return redirect_after_post(
            request, section.issue.get_composer_url(f"section-{section.pk}"), message
        )
    return _section_form_error(request, section, "quick_add", "quick_form", form)


def _draft_pasted_note(result) -> str:
    """ "Added 5 entries." (with the same-link count, as after a quick add), and the sections
    the paste created, by title."""
    note = _quick_add_note(result.entries)
    if result.created_sections:
        quoted = [f"“{section.title}”" for section in result.created_sections]
        titles = quoted[0]
        for title in quoted[1:]:  # each language joins a list its own way ("a, b" / "a、b")
            titles = _("%(list)s, %(item)s") % {"list": titles, "item": title}
        note += " " + ngettext(
            "New section: %(titles)s.", "New sections: %(titles)s.", len(result.created_sections)
        ) % {"titles": titles}
    return note


def _draft_paste_page(request, issue: Issue, form, *, partial=None, status=200, **extra):
    context = {
        "issue": issue,
        "editable": is_editable(issue),
        "paste_form": form,
        "page_title": _("Paste a draft"),
        **extra,
    }
    return render_view(request, "editorial/paste.html", context, partial=partial, status=status)


@editor_required
@require_http_methods(FORM_METHODS)
def draft_paste(request, year, number):
    """Paste a whole draft into the issue: its entries go to their sections (by `## ` heading,
    missing sections created at the end) or to the chosen one; all or none, and the line that
    is wrong. htmx: the sections list redrawn, the notice and the form emptied; a refusal is
    the form with its errors (422). Plain: back to the composer, or the page with the form."""
    issue = get_object_or_404(Issue, year=year, number=number)
    if request.method != "POST":
        form = DraftPasteForm.for_issue(issue)
        return _draft_paste_page(request, issue, form, partial="paste_form")
    form = DraftPasteForm.for_issue(issue, request.POST)
    result = form.run_service(
        lambda data: services.draft_paste(
            issue, text=data["text"], section=data.get("section"), by=request.user
        )
    )
    if result is None:
        form.focus("text")  # back to the text, where the line at fault is
        if not wants_fragment(request):
            return _draft_paste_page(request, issue, form)
        response = _draft_paste_page(request, issue, form, partial="paste_form", status=422)
        retarget(response, "#paste-form")
        return reswap(response, "outerHTML")
    attach_same_links(result.entries)
    note = _draft_pasted_note(result)
    if not wants_fragment(request):
        return redirect_after_post(request, issue.get_composer_url(), note)
    fresh = composer_issue(issue.year, issue.number)
    context = sections_context(
        request, fresh, notice_text=note, paste_form=DraftPasteForm.for_issue(fresh)
    )
    response = render_view(request, "editorial/paste.html", context, partial="pasted")
    # Merged into the page like the live poll's list: open forms and their text stay.
    return changed(reswap(response, "morph:outerHTML"))
