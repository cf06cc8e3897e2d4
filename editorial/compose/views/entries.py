"""An entry in the composer: its card, menu and review block, edit (with conflicts), move and
delete. Adding entries is in entry_add, undo in undo."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from editorial import services
from editorial.bidi import sentence
from editorial.compose.answers import (
    FORM_METHODS,
    duplicates_for,
    entry_context,
    entry_fields,
    live_section,
    moved_response,
    notice_error_response,
)
from editorial.compose.forms import EntryForm, MoveForm
from editorial.compose.selectors.composer import (
    composer_entry,
    prepare_entry,
)
from editorial.htmx import (
    changed,
    editor_required,
    error_text,
    redirect_after_post,
    render_view,
    wants_fragment,
)
from editorial.models import Entry, EntryStatus, Section
from editorial.rules import form_int
from editorial.workflow import TransitionError, guards


def render_entry(request, entry: Entry, mode: str, *, status=200, **extra):
    """The entry page in a mode ("card", "form", "conflict", "confirm_delete"), or for htmx
    the partial of that mode."""
    context = entry_context(request, entry, mode=mode, **extra)
    return render_view(request, "editorial/entry.html", context, partial=mode, status=status)


@editor_required
@require_http_methods(["GET", "HEAD"])
def entry(request, pk):
    """One entry's card (htmx: to put it back after cancelling an edit)."""
    return render_entry(request, live_entry(pk), "card", focus_entry=pk, focus="edit")


def live_entry(pk) -> Entry:
    """composer_entry(pk), or Vanished (409, who deleted it) when it was deleted."""
    guards.get_or_vanished(Entry.objects, "entry", pk)
    return composer_entry(pk)


def _save_to_deleted(request, pk, gone=None):
    """A save to an entry deleted meanwhile: 409 with who deleted it and the editor's text,
    with the undo of that deletion and a way to add the text as a new entry. `gone`: the
    service's refusal (EntryGone) when it was asked; None when the form was refused before
    that, and the text is kept as typed."""
    if gone is None:
        form = EntryForm.for_entry(Entry(pk=pk), request.POST)
        mine = {name: form.typed(name) for name in ("title", "url", "summary", "version")}
        gone = services.EntryGone(guards.vanished("entry", pk), mine)
    event = gone.event
    if event is None:
        raise Http404  # never was an entry: nothing to keep or to undo
    undo = event if event.action == "entry_delete" and not event.data.get("restored") else None
    section = Section.objects.filter(pk=event.data.get("section") or 0).first()
    context = {
        "entry_pk": pk,
        "issue": gone.issue,
        "message": gone.message,
        "mine": gone.mine,
        "undo_event": undo,
        "section": section,
        "mine_form": section and EntryForm.for_section(section, initial=gone.mine, auto_id=False),
    }
    template = "editorial/entry_gone.html"
    return render_view(request, template, context, partial="gone", status=409)


def _seen(request) -> int | None:
    """The version the card showed (?seen=, in the menu's link): an approval from the menu
    covers that text, not one saved after the card was drawn. A page without JavaScript
    shows the entry as it is now, so it covers that."""
    if not wants_fragment(request):
        return None
    return form_int(request.GET.get("seen"))


@editor_required
@require_http_methods(["GET", "HEAD"])
def entry_menu(request, pk):
    """An entry's actions (edit, move, delete), fetched when its card's menu opens; without
    JavaScript, a page with the card and the same actions."""
    return render_entry(request, composer_entry(pk), "menu", seen_version=_seen(request))


@editor_required
@require_http_methods(["GET", "HEAD"])
def entry_review(request, pk):
    """An entry's review block (status, review moves, comments), fetched when its card's
    comments open, or from the review page with ?open= "request_changes" or "comment" (that
    form open); without JavaScript, a page with the card and the block."""
    form_open = request.GET.get("open")
    return render_entry(
        request,
        composer_entry(pk),
        "review",
        seen_version=_seen(request),
        review_form_open=form_open if form_open in ("request_changes", "comment") else "",
    )


@editor_required
@require_http_methods(FORM_METHODS)
def entry_edit(request, pk):
    """The edit form; saving it refuses a stale version and shows both texts (409), and a
    save to an entry deleted meanwhile shows the editor's text with who deleted it (409)."""
    if request.method != "POST":
        entry = live_entry(pk)
        form = EntryForm.for_entry(entry).focus("title")
        return render_entry(request, entry, "form", form=form)
    # The entry is not read here: the service reads it under the issue's lock and returns it
    # as saved, so the form is bound before anyone has read it.
    target = Entry(pk=pk)
    form = EntryForm.for_entry(target, request.POST)
    if form.is_valid():
        try:
            saved = services.entry_update(
                target, **entry_fields(form), version=form.cleaned_data["version"], by=request.user
            )
        except services.EntryGone as gone:
            return _save_to_deleted(request, pk, gone)
        except services.EditConflict as conflict:
            mine = {**conflict.mine, "version": conflict.current.version}
            return render_entry(
                request,
                conflict.current,
                "conflict",
                status=409,
                conflict_current=conflict.current,
                mine=conflict.mine,
                form=EntryForm.for_entry(conflict.current, initial=mine, check_on_load=False),
                mine_form=EntryForm.for_entry(conflict.current, initial=mine, auto_id=False),
            )
        except ValidationError as error:
            form.add_service_error(error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            return _saved_response(request, saved)
    if not Entry.objects.filter(pk=pk).exists():
        return _save_to_deleted(request, pk)
    entry = live_entry(pk)
    form.locate(entry)
    form.duplicates = duplicates_for(form.typed("url"), exclude_entry=entry.pk)
    return render_entry(
        request, entry, "form", form=form, status=422 if wants_fragment(request) else 200
    )


def saved_note(saved: Entry, event) -> str:
    """What the notice says after a save whose audit row is `event` (None: nothing changed):
    that an approval was withdrawn only when the entry was approved; that an entry whose
    changes were requested went back for review; else what was saved."""
    moved_from = event.from_state if event is not None else ""
    if moved_from == EntryStatus.APPROVED:
        return _("Saved. The approval was withdrawn: the entry needs review again.")
    if moved_from == EntryStatus.CHANGES_REQUESTED:
        return _("Saved; sent back for review.")
    return sentence(_("Saved “%(title)s”."), title=saved.title)


def _saved_response(request, saved: Entry):
    """After a save: the card as saved (htmx) with the notice, which offers to undo the edit;
    plain, back to the composer with the notice as a message."""
    event = saved.audit_event  # None: nothing changed
    note = saved_note(saved, event)
    if not wants_fragment(request):
        return redirect_after_post(
            request, saved.section.issue.get_composer_url(f"entry-{saved.pk}"), note
        )
    # The entry as the service saved it, read under the lock: only what the card adds to it.
    # (A save that changed nothing may leave an entry with changes requested, whose card shows
    # its menu with who wrote it: that rare answer reads the entry as the composer does.)
    fresh = prepare_entry(saved) if event else composer_entry(saved.pk)
    context = entry_context(
        request,
        fresh,
        mode="saved",
        focus_entry=saved.pk,
        focus="edit",
        notice_text=note,
        undo_event=event,
    )
    return changed(render_view(request, "editorial/entry.html", context, partial="saved"))


def _move_target(entry: Entry, form: MoveForm):
    """(section, position, what to focus afterwards) for a valid move form."""
    direction = form.cleaned_data.get("direction")
    if direction:
        step = -1 if direction == "up" else 1
        return entry.section, max(entry.position + step, 1), direction
    section_pk = form.cleaned_data.get("section")
    if section_pk and section_pk != entry.section_id:
        section = live_section(section_pk)
        return section, form.cleaned_data.get("position"), "section"
    return entry.section, form.cleaned_data.get("position"), ""


@editor_required
@require_http_methods(FORM_METHODS)
def entry_move(request, pk):
    """Move an entry one step up or down, to a position (drag and drop, or the form that GET
    shows) or to the end of another section of the issue."""
    if request.method != "POST":
        return render_entry(request, live_entry(pk), "move")
    entry = guards.get_or_vanished(Entry.objects.select_related("section__issue"), "entry", pk)
    issue = entry.section.issue
    form = MoveForm(request.POST)
    if not form.is_valid():
        return notice_error_response(
            request,
            issue,
            " ".join(form.errors.get("__all__", [])) or _("Say where to move it."),
            status=422,
        )
    section, position, focus = _move_target(entry, form)
    before = (entry.section_id, entry.position)
    try:
        moved = services.entry_move(entry, section=section, position=position, by=request.user)
    except (ValidationError, TransitionError) as error:
        return notice_error_response(request, issue, error_text(error))
    if (moved.section_id, moved.position) == before:
        note = sentence(_("“%(title)s” is already there."), title=moved.title)
    else:
        note = sentence(
            _("Moved “%(title)s” to position %(position)d in “%(section)s”."),
            title=moved.title,
            position=moved.position,
            section=moved.section.title,
        )
    if not wants_fragment(request):
        return redirect_after_post(request, issue.get_composer_url(f"entry-{moved.pk}"), note)
    did_move = (moved.section_id, moved.position) != before
    return moved_response(
        request, moved, from_section=before[0], note=note, focus=focus, undoable=did_move
    )


@editor_required
@require_http_methods(FORM_METHODS)
def entry_delete(request, pk):
    """Ask first (GET: the confirmation), then delete (POST) and offer to undo."""
    entry = live_entry(pk)
    issue = entry.section.issue
    if request.method != "POST":
        return render_entry(request, entry, "confirm_delete")
    section_pk = entry.section_id
    try:
        event = services.entry_delete(entry, by=request.user)
    except TransitionError as error:
        return notice_error_response(request, issue, error.message)
    if not wants_fragment(request):
        url = issue.get_composer_url()
        return redirect_after_post(request, f"{url}?undo={event.pk}#composer-notice")
    return removed_response(request, section_pk, undo_event=event)


def removed_response(request, section_pk: int, *, undo_event):
    """htmx, after a deletion: the card goes (the answer replaces it with nothing), the notice
    offers to undo, the section's count follows, and the event "entry-removed" {section} lets
    the page renumber the cards left. One query, whatever the section holds."""
    context = {
        "undo_event": undo_event,
        "counts": [(section_pk, Entry.objects.filter(section=section_pk).count())],
    }
    response = render_view(request, "editorial/section.html", context, partial="moved")
    trigger_client_event(response, "entry-removed", {"section": section_pk}, after="settle")
    return changed(response)
