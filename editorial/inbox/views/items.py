"""The inbox (素材箱): saved links, the bookmarklet's save page, paste of many links, and
"add to issue" (drag onto a section, or pick it from the menu)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from editorial.bidi import sentence
from editorial.htmx import (
    editor_required,
    redirect_after_post,
    refuse,
    render_view,
    vary_on_htmx,
    wants_fragment,
)
from editorial.inbox.forms import (
    InboxAddForm,
    InboxPasteForm,
    InboxSaveForm,
    InboxStateForm,
    InboxTitleForm,
)
from editorial.inbox.selectors import (
    add_targets,
    attach_item_same_links,
    changed_items,
    inbox_counts,
    inbox_item,
    inbox_items,
)
from editorial.inbox.services import items as inbox_services
from editorial.models import InboxItem, InboxState, Section
from editorial.models.inbox import INBOX_STATE_NAMES
from editorial.workflow.guards import TransitionError

TEMPLATE = "editorial/inbox.html"
STATES = {state.value: INBOX_STATE_NAMES[state] for state in InboxState}


def bookmarklet(request) -> str:
    """The bookmarklet: it reads the visited page's address and title, nothing else, and
    opens our own save page with them in a small window (where our CSP applies)."""
    save_url = request.build_absolute_uri(reverse("editorial:inbox_save"))
    return (
        "javascript:(function(){window.open("
        f"'{save_url}?url='+encodeURIComponent(location.href)"
        "+'&title='+encodeURIComponent(document.title),"
        "'digest_inbox','width=560,height=620')})();"
    )


def _state(request) -> str:
    state = request.GET.get("state", InboxState.NEW)
    return state if state in STATES else InboxState.NEW


def _inbox_url(state: str = InboxState.NEW) -> str:
    url = reverse("editorial:inbox")
    return url if state == InboxState.NEW else f"{url}?state={state}"


def _page_context(request, **extra) -> dict:
    state = _state(request)
    return {
        "state": state,
        "states": list(STATES.items()),
        "counts": inbox_counts(),
        "items": inbox_items(state),
        "targets": add_targets(),
        "bookmarklet": bookmarklet(request),
        "save_form": InboxSaveForm(),
        "paste_form": InboxPasteForm(),
        **extra,
    }


@editor_required
@require_http_methods(["GET", "HEAD"])
def inbox(request):
    """The inbox: saved links of one state (?state=new|used|dismissed), the forms to save
    more, the bookmarklet and the sections of open issues to add links to. Fetches that
    stalled are queued again or given up first (their cards then say so)."""
    inbox_services.recover_stalled_fetches()
    return render_view(request, TEMPLATE, _page_context(request), partial="inbox")


def _card_response(request, item, *, notice="", status=200, targets=None):
    """htmx: the item's card, and the notice and the tabs' counts (out of band)."""
    context = {
        "item": inbox_item(item.pk),
        "targets": add_targets() if targets is None else targets,
        "notice_text": notice,
        "counts": inbox_counts(),
    }
    return render_view(request, TEMPLATE, context, partial="card_changed", status=status)


def _cards_added(request, items, notice: str):
    """htmx: new cards for the top of the list, the forms emptied, the notice and the tabs'
    counts."""
    # Just saved: the objects in hand are what the database has (no entry yet, saved by the
    # user of this request); only the same-link flags are read.
    context = {
        "new_items": attach_item_same_links(list(items)),
        "targets": add_targets(),
        "notice_text": notice,
        "counts": inbox_counts(),
    }
    return render_view(request, TEMPLATE, context, partial="cards_added")


def _refuse(request, message: str, *, status: int):
    """A refusal in the one protocol (views.htmx.refuse): the inbox's notice for htmx, the
    message on the inbox page for a plain post."""
    return refuse(request, message, status=status, fallback_url=_inbox_url())


def _form_error(request, partial: str, target: str, context: dict):
    if not wants_fragment(request):
        return render_view(request, TEMPLATE, _page_context(request, **context), partial=None)
    response = render_view(request, TEMPLATE, context, partial=partial, status=422)
    retarget(response, target)
    return reswap(response, "outerHTML")


@editor_required
@require_http_methods(["GET", "HEAD", "POST"])
def inbox_save(request):
    """GET: the save page the bookmarklet opens (?url=&title= prefilled). POST: save one
    link; the answer comes at once, the page is fetched by the worker."""
    popup = request.method != "POST" or request.POST.get("popup") == "1"
    if request.method != "POST":
        form = InboxSaveForm(
            initial={
                "url": request.GET.get("url", ""),
                "title": request.GET.get("title", ""),
                "page_title": request.GET.get("title", ""),
            }
        )
        return render_view(request, "editorial/inbox_save.html", {"form": form}, partial=None)
    form = InboxSaveForm(request.POST)
    item = form.run_service(lambda data: inbox_services.inbox_save(**data, by=request.user))
    if popup:
        context = {"form": form, "saved": inbox_item(item.pk) if item else None}
        status = 200 if item or not wants_fragment(request) else 422
        return render_view(
            request, "editorial/inbox_save.html", context, partial=None, status=status
        )
    if item is None:
        return _form_error(request, "save_form", "#inbox-save-form", {"save_form": form})
    note = _("Saved “%(url)s”.") % {"url": item.url}
    if wants_fragment(request):
        return _cards_added(request, [item], note)
    return redirect_after_post(request, _inbox_url(), note)


@editor_required
@require_POST
def inbox_paste(request):
    """Save many links at once, one per line: all of them, or none and the lines at fault."""
    form = InboxPasteForm(request.POST)
    items = form.run_service(
        lambda data: inbox_services.inbox_save_many(data["urls"], by=request.user)
    )
    if items is None:
        return _form_error(request, "paste_form", "#inbox-paste-form", {"paste_form": form})
    note = ngettext("Saved %(count)d link.", "Saved %(count)d links.", len(items)) % {
        "count": len(items)
    }
    if wants_fragment(request):
        return _cards_added(request, items, note)
    return redirect_after_post(request, _inbox_url(), note)


def _item_or_404(pk) -> InboxItem:
    item = inbox_item(pk)
    if item is None:
        raise Http404
    return item


# The most cards one poll asks about. A page shows INBOX_PAGE_SIZE (200) cards and a paste adds
# at most 100: a page with more being fetched was left open through many pastes, and is asked
# to reload (Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000, with a bare 400).
POLLED_CARDS_MAX = 500


def _shown_cards(values: list[str]) -> dict[int, int] | None:
    """The page's item=PK:STAMP values as {pk: stamp}; None when one is not of that form, or
    there are more than POLLED_CARDS_MAX."""
    if len(values) > POLLED_CARDS_MAX:
        return None
    shown = {}
    for value in values:
        pk, colon, stamp = value.partition(":")
        if not (colon and pk.isascii() and pk.isdigit() and stamp.isascii() and stamp.isdigit()):
            return None
        shown[int(pk)] = int(stamp)
    return shown


@editor_required
@require_POST
def inbox_changes(request):
    """The inbox page's one poll, for all its cards still being fetched: item=PK:STAMP for
    each (InboxItem.change_stamp, as the page drew it). A POST: a page's hundreds of cards do
    not fit in a URL (gunicorn reads at most 4 KB of one); it changes nothing but what the
    stalled fetches need. htmx: 204 when no card changed; else the changed cards, each
    swapped in out of band, and a card whose item is gone removed. Fetches that stalled are
    queued again or given up first, as when the page is looked at. Query budget: the stalled
    fetches' two, then selectors.changed_items (one, or four), and add_targets' two when a
    card changed. Plain: back to the inbox page."""
    if not wants_fragment(request):
        return vary_on_htmx(redirect(_inbox_url()))
    shown = _shown_cards(request.POST.getlist("item"))
    if shown is None:
        return _refuse(request, _("The inbox could not be checked: reload the page."), status=422)
    inbox_services.recover_stalled_fetches()
    changed, gone = changed_items(shown)
    if changed or gone:
        context = {
            "changed_items": changed,
            "gone": gone,
            "targets": add_targets() if changed else [],
        }
        response = render_view(request, TEMPLATE, context, partial="cards_changed")
    else:
        response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return vary_on_htmx(response)


@editor_required
@require_http_methods(["GET", "HEAD"])
def inbox_item_card(request, item_pk):
    """One card, as its own page (the "Add to" menu without JavaScript) or its fragment."""
    inbox_services.recover_stalled_fetches()
    item = _item_or_404(item_pk)
    context = {"item": item, "targets": add_targets()}
    return render_view(request, "editorial/inbox_item.html", context, partial="card")


@editor_required
@require_POST
def inbox_item_state(request, item_pk):
    """Dismiss, restore, or fetch the page again."""
    item = get_object_or_404(InboxItem, pk=item_pk)
    form = InboxStateForm(request.POST)
    if not form.is_valid():
        return _refuse(request, _("Say what to do with this link."), status=422)
    action = form.cleaned_data["action"]
    try:
        if action == "refetch":
            item = inbox_services.inbox_refetch(item, by=request.user)
            note = _("Fetching the page again.")
        else:
            item = inbox_services.inbox_set_state(item, action, by=request.user)
            note = _("Set aside.") if action == "dismiss" else _("Back in the inbox.")
    except TransitionError as error:
        return _refuse(request, error.message, status=409)
    if wants_fragment(request):
        return _card_response(request, item, notice=note)
    return redirect_after_post(request, _inbox_url(request.POST.get("state", "new")), note)


@editor_required
@require_POST
def inbox_item_title(request, item_pk):
    """The editor's title for the item: kept over the page's, even by a fetch under way."""
    item = get_object_or_404(InboxItem, pk=item_pk)
    form = InboxTitleForm(request.POST)
    if not form.is_valid():
        return _refuse(request, " ".join(form.errors.get("title", [])), status=422)
    try:
        item = inbox_services.inbox_set_title(item, form.cleaned_data["title"], by=request.user)
    except TransitionError as error:
        return _refuse(request, error.message, status=409)
    except ValidationError as error:
        return _refuse(request, " ".join(error.messages), status=422)
    note = _("Title saved.")
    if wants_fragment(request):
        return _card_response(request, item, notice=note)
    return redirect_after_post(request, _inbox_url(item.state), note)


@editor_required
@require_http_methods(["GET", "HEAD", "POST"])
def inbox_add(request, item_pk):
    """GET: pick the section (the menu, as its own page). POST section=<pk>: an entry is
    created from the link at the end of that section; the card then links to it."""
    item = _item_or_404(item_pk)
    targets = add_targets()
    if request.method != "POST":
        context = {"item": item, "targets": targets}
        return render_view(request, "editorial/inbox_item.html", context, partial="card")
    form = InboxAddForm(request.POST)
    if not form.is_valid():
        return _refuse(request, _("Choose a section to add the link to."), status=422)
    section = Section.objects.select_related("issue").filter(pk=form.cleaned_data["section"])
    section = section.first()
    if section is None:
        return _refuse(request, _("That section no longer exists."), status=422)
    try:
        entry = inbox_services.inbox_add_to_issue(item, section=section, by=request.user)
    except TransitionError as error:
        return _refuse(request, error.message, status=409)
    except ValidationError as error:
        return _refuse(request, " ".join(error.messages), status=422)
    note = sentence(
        _("Added “%(title)s” to %(issue)s, “%(section)s”."),
        title=entry.title,
        issue=section.issue.label,
        section=section.title,
    )
    if wants_fragment(request):
        return _card_response(request, item, notice=note, targets=targets)
    return redirect_after_post(request, _inbox_url(), note)
