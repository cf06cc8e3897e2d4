"""Adding entries to a section: one through its form, or several pasted at once (quick add)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from editorial import services, workflow
from editorial.bidi import sentence
from editorial.forms import EntryForm, QuickAddForm
from editorial.models import Section
from editorial.selectors.editorial import attach_same_links, composer_section
from editorial.views.composer import duplicates_for, section_context
from editorial.views.entries import FORM_METHODS, entry_fields, live_section
from editorial.views.htmx import (
    changed,
    editor_required,
    redirect_after_post,
    render_view,
    wants_fragment,
)


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
