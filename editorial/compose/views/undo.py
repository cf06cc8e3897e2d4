"""Undo in the composer: one of the issue's last changes (from the notice after it or from the
history), or a deletion (of an entry, or of a section with its entries)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from editorial import services
from editorial.audit import action_label
from editorial.bidi import sentence
from editorial.compose.answers import (
    entry_context,
    moved_response,
    notice_error_response,
    section_added_response,
    sections_response,
)
from editorial.compose.selectors.composer import composer_entry, prepare_entry
from editorial.htmx import (
    changed,
    editor_required,
    redirect_after_post,
    render_view,
    wants_fragment,
)
from editorial.models import AuditEvent, Entry, Section
from editorial.services import history
from editorial.workflow import TransitionError


@editor_required
@require_POST
def change_undo(request, event_pk):
    """Undo one of the issue's last changes (from the history, or the notice after it): the
    exact earlier state, or a refusal saying why not (409)."""
    event = get_object_or_404(AuditEvent.objects.select_related("issue"), pk=event_pk)
    issue = event.issue
    try:
        restored = history.undo_change(event, by=request.user)
    except TransitionError as error:
        return notice_error_response(request, issue, error.message)
    except ValidationError as error:
        return notice_error_response(request, issue, " ".join(error.messages), status=422)
    if isinstance(restored, Section):
        anchor, focus = f"section-{restored.pk}", {"focus_section": restored.pk}
    else:
        anchor, focus = f"entry-{restored.pk}", {"focus_entry": restored.pk}
    note = sentence(
        _("Undone: %(what)s “%(subject)s”."), what=action_label(event.action), subject=event.subject
    )
    if not wants_fragment(request):
        return redirect_after_post(request, issue.get_composer_url(anchor), note)
    if event.action == "entry_move":
        # Back where it was: placed by the page, as after any move.
        response = moved_response(
            request, restored, from_section=event.data["section"][1], note=note, focus=""
        )
        return reswap(response, "none")
    if event.action in ("entry_delete", "section_delete"):
        return restored_response(request, restored, note=note)
    if event.action == "entry_update":
        # The earlier text: the card alone, in place of the one shown.
        context = entry_context(
            request,
            prepare_entry(restored),
            mode="saved",
            focus_entry=restored.pk,
            notice_text=note,
        )
        response = render_view(request, "editorial/entry.html", context, partial="saved")
        return changed(reswap(retarget(response, f"#entry-{restored.pk}"), "outerHTML"))
    return sections_response(request, issue, notice_text=note, **focus)


@editor_required
@require_POST
def entry_restore(request, event_pk):
    """Undo a deletion (of an entry, or of a section with its entries), once."""
    event = get_object_or_404(AuditEvent.objects.select_related("issue"), pk=event_pk)
    issue = event.issue
    try:
        if event.action == "section_delete":
            restored = services.section_restore(event, by=request.user)
            anchor = f"section-{restored.pk}"
            note = sentence(_("Restored the section “%(title)s”."), title=restored.title)
        else:
            restored = services.entry_restore(event, by=request.user)
            anchor = f"entry-{restored.pk}"
            note = sentence(_("Restored “%(title)s”."), title=restored.title)
    except TransitionError as error:
        return notice_error_response(request, issue, error.message)
    if not wants_fragment(request):
        return redirect_after_post(request, issue.get_composer_url(anchor), note)
    return restored_response(request, restored, note=note)


def restored_response(request, restored, *, note: str):
    """htmx, after a deletion was undone: what came back, not the sections. The entry's card,
    or the section with its entries, added at the end of its list (out of band) and put in its
    place by the page with the events of a move ("entry-moved", "section-moved"), with the
    count and the notice."""
    if isinstance(restored, Section):
        return section_added_response(request, restored, note=note)
    entry = composer_entry(restored.pk)
    count = Entry.objects.filter(section=entry.section_id).count()
    context = entry_context(request, entry, notice_text=note, counts=[(entry.section_id, count)])
    response = render_view(request, "editorial/entry.html", context, partial="restored")
    detail = {
        "entry": entry.pk,
        "section": entry.section_id,
        "position": entry.position,
        "focus": "menu",
    }
    trigger_client_event(response, "entry-moved", detail, after="settle")
    return changed(reswap(response, "none"))
