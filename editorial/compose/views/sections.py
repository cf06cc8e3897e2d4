"""Sections in the composer: add, rename, reorder and remove (asking first when not empty). Each
answers htmx with the section it changed, never the whole list of sections."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from editorial import services
from editorial.bidi import sentence
from editorial.compose.answers import (
    notice_error_response,
    section_added_response,
    section_context,
    section_moved_response,
    sections_response,
)
from editorial.compose.forms import MoveForm, SectionForm
from editorial.htmx import (
    changed,
    editor_required,
    redirect_after_post,
    render_view,
    wants_fragment,
)
from editorial.models import Issue, Section
from editorial.rules import form_int
from editorial.workflow import TransitionError, guards

FORM_METHODS = ["GET", "HEAD", "POST"]


def _page(request, issue, mode: str, *, section=None, status=200, partial=None, **extra):
    titles = {
        "create": _("Add a section"),
        "rename": _("Rename a section"),
        "confirm_delete": _("Remove a section"),
    }
    context = section_context(request, issue, section, mode=mode, page_title=titles[mode], **extra)
    return render_view(request, "editorial/section.html", context, partial=partial, status=status)


def _form_error(request, issue, mode, *, section=None, form_name, form, target):
    """A section form with its errors: htmx swaps the form alone (422), plain gets a page."""
    if not wants_fragment(request):
        return _page(request, issue, mode, section=section, **{form_name: form})
    partial = {"create": "create_form", "rename": "rename_form"}[mode]
    response = _page(
        request, issue, mode, section=section, status=422, partial=partial, **{form_name: form}
    )
    retarget(response, target)
    return reswap(response, "outerHTML")


def _section_renamed(request, issue, section, note: str):
    """After a rename: back to the section on the composer (plain), or its header redrawn with
    the focus on the new title, and the notice (htmx); its entries are not sent again."""
    if not wants_fragment(request):
        return redirect_after_post(request, issue.get_composer_url(f"section-{section.pk}"), note)
    fresh = Section.objects.select_related("issue").filter(pk=section.pk).first()
    if fresh is None:  # removed by a colleague just after the rename: the list as it is now
        return sections_response(request, issue, notice_text=note)
    # The header shows how many entries the section holds, nothing of them: their ids suffice.
    fresh.entries_list = list(fresh.entries.only("pk"))
    context = section_context(request, issue, fresh, notice_text=note, focus_section=fresh.pk)
    response = render_view(request, "editorial/section.html", context, partial="renamed")
    return changed(reswap(retarget(response, f"#section-header-{fresh.pk}"), "outerHTML"))


@editor_required
@require_POST
def section_create(request, year, number):
    """Add a section at the end of the issue (the form is on the composer page)."""
    issue = get_object_or_404(Issue, year=year, number=number)
    form = SectionForm.for_create(request.POST)
    section = form.run_service(
        lambda data: services.section_create(issue, title=data["title"], by=request.user)
    )
    if section is not None:
        note = sentence(_("Added the section “%(title)s”."), title=section.title)
        if not wants_fragment(request):
            url = issue.get_composer_url(f"section-{section.pk}")
            return redirect_after_post(request, url, note)
        return section_added_response(request, section, note=note, partial="created")
    return _form_error(
        request,
        issue,
        "create",
        form_name="create_form",
        form=form,
        target="#section-create-form",
    )


@editor_required
@require_http_methods(FORM_METHODS)
def section_rename(request, pk):
    """Give a section a new title (unique within the issue)."""
    section = guards.get_or_vanished(Section.objects.select_related("issue"), "section", pk)
    issue = section.issue
    if request.method != "POST":
        return _page(request, issue, "rename", section=section, partial="rename_form")
    form = SectionForm.for_rename(section, request.POST)
    renamed = form.run_service(
        lambda data: services.section_rename(section, title=data["title"], by=request.user)
    )
    if renamed is not None:
        note = sentence(_("Renamed the section to “%(title)s”."), title=renamed.title)
        return _section_renamed(request, issue, renamed, note)
    return _form_error(
        request,
        issue,
        "rename",
        section=section,
        form_name="rename_form",
        form=form,
        target=f"#rename-{section.pk}-form",
    )


@editor_required
@require_POST
def section_move(request, pk):
    """Move a section one step up or down, or to a 1-based position."""
    section = guards.get_or_vanished(Section.objects.select_related("issue"), "section", pk)
    issue = section.issue
    form = MoveForm(request.POST)
    if not form.is_valid():
        return notice_error_response(request, issue, _("Say where to move it."), status=422)
    direction = form.cleaned_data.get("direction")
    if direction:
        position = max(section.position + (-1 if direction == "up" else 1), 1)
    else:
        position = form.cleaned_data.get("position") or section.position
    before = section.position
    try:
        moved = services.section_move(section, position=position, by=request.user)
    except (ValidationError, TransitionError) as error:
        message = error.message if isinstance(error, TransitionError) else error.messages[0]
        return notice_error_response(request, issue, message)
    if moved.position == before:
        note = sentence(_("The section “%(title)s” is already there."), title=moved.title)
    else:
        note = sentence(
            _("Moved the section “%(title)s” to position %(position)d."),
            title=moved.title,
            position=moved.position,
        )
    if not wants_fragment(request):
        return redirect_after_post(request, issue.get_composer_url(f"section-{moved.pk}"), note)
    return section_moved_response(request, moved, note=note, focus=direction or "")


def _confirmed_count(value) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


def _confirm_delete(request, issue, section, entry_count: int, *, status=200):
    """The confirmation that counts the section's entries (for htmx, in the section)."""
    response = _page(
        request,
        issue,
        "confirm_delete",
        section=section,
        entry_count=entry_count,
        partial="confirm_delete",
        status=status,
    )
    if request.method == "POST" and wants_fragment(request):
        retarget(response, f"#section-confirm-{section.pk}")
        reswap(response, "innerHTML")
    return response


@editor_required
@require_http_methods(FORM_METHODS)
def section_delete(request, pk):
    """Remove a section; one with entries is removed only after a confirmation that says how
    many go with it. The removal can be undone from the notice that follows."""
    section = guards.get_or_vanished(Section.objects.select_related("issue"), "section", pk)
    issue = section.issue
    if request.method != "POST":
        return _confirm_delete(request, issue, section, section.entries.count())
    try:
        # The number of entries the confirmation showed (none without one): the service
        # counts them again under the lock and removes nothing if the number moved.
        counted = form_int(request.POST.get("confirm_entries") or "0", low=0) or 0
        event = services.section_delete(section, by=request.user, confirmed_entries=counted)
    except services.SectionNotEmpty as not_empty:
        return _confirm_delete(
            request, issue, section, not_empty.count, status=409 if counted else 200
        )
    except TransitionError as error:
        return notice_error_response(request, issue, error.message)
    if not wants_fragment(request):
        url = issue.get_composer_url()
        return redirect_after_post(request, f"{url}?undo={event.pk}#composer-notice")
    if not issue.sections.exists():
        return sections_response(request, issue, undo_event=event)  # the list says it is empty
    # The section goes (out of band), the notice offers to undo; the others are not sent.
    context = {"issue": issue, "undo_event": event, "removed_section": section.pk}
    response = render_view(request, "editorial/section.html", context, partial="removed")
    return changed(reswap(response, "none"))
