"""The inbox (素材箱): saving links (one, or a pasted list), filling them from their pages,
dismissing them, and adding one to an issue through the entry service like any other entry.

Saving answers at once: the page is fetched by a task (editorial.tasks) after the commit.
Errors: ValidationError keyed by field for bad input, TransitionError for a move that is not
possible now, PermissionDenied for a user who is not an editor.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import guards
from editorial.fetching import FetchError, extract_page, fetch_page
from editorial.guards import TransitionError
from editorial.links import display_url, validate_entry_url
from editorial.models import Entry, FetchState, InboxItem, InboxState, Section
from editorial.models_inbox import NOTE_MAX
from editorial.rules import SECTION_TITLE_MAX, SUMMARY_MAX, TITLE_MAX
from editorial.services.entries import entry_create
from editorial.text import clean_text

logger = logging.getLogger(__name__)

PASTE_MAX_LINES = 100


def _checked_url(url: str, field: str = "url") -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({field: _("URL: it cannot be empty.")})
    try:
        validate_entry_url(url)
    except ValidationError as error:
        raise ValidationError({field: error.messages[0]}) from None
    return url


def _bounded(value: str, limit: int, field: str, label: str) -> str:
    text = clean_text(value)
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("%(label)s: at most %(max)d characters (this one has %(len)d).")
                % {"label": label, "max": limit, "len": len(text)}
            }
        )
    return text


def _enqueue_fetch(item_pk: int) -> None:
    from editorial.tasks import fetch_inbox_page

    def enqueue():
        try:
            fetch_inbox_page.enqueue(item_pk)
        except Exception:
            # The item stays "fetching" and can be fetched again from its card.
            logger.exception("could not queue the fetch of inbox item %s", item_pk)

    transaction.on_commit(enqueue)


@transaction.atomic
def inbox_save(url: str, *, by, title: str = "", note: str = "", suggested_section: str = ""):
    """Save one link (a title given by the bookmarklet is kept over the page's). Returns the
    new InboxItem, its page fetch queued. The same link may be saved twice: it is flagged."""
    guards.require_editor(by)
    item = InboxItem(
        url=_checked_url(url),
        title=_bounded(title, TITLE_MAX, "title", _("Title")),
        note=_bounded(note, NOTE_MAX, "note", _("Note")),
        suggested_section=_bounded(
            suggested_section, SECTION_TITLE_MAX, "suggested_section", _("Section")
        ),
        saved_by=by,
    )
    item.save()
    _enqueue_fetch(item.pk)
    return item


def parse_pasted_urls(text: str) -> list[str]:
    """The URLs of a pasted block, one per line (blank lines skipped, repeats once).
    ValidationError({"urls": ...}) naming every line that is not a web address."""
    urls, problems = [], []
    lines = (text or "").splitlines()
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            urls.append(_checked_url(line))
        except ValidationError as error:
            problems.append(
                _("Line %(line)d: %(message)s")
                % {"line": number, "message": error.message_dict["url"][0]}
            )
    if problems:
        raise ValidationError({"urls": problems})
    urls = list(dict.fromkeys(urls))
    if not urls:
        raise ValidationError({"urls": _("Paste at least one URL, one per line.")})
    if len(urls) > PASTE_MAX_LINES:
        raise ValidationError(
            {"urls": _("At most %(max)d links at once.") % {"max": PASTE_MAX_LINES}}
        )
    return urls


@transaction.atomic
def inbox_save_many(text: str, *, by) -> list:
    """Save every URL of a pasted block (one per line), all or none; their fetches queued."""
    guards.require_editor(by)
    items = [InboxItem(url=url, saved_by=by) for url in parse_pasted_urls(text)]
    for item in items:
        item.save()
        _enqueue_fetch(item.pk)
    return items


def inbox_fill_from_page(item_pk: int) -> InboxItem | None:
    """Fetch the item's page and store what it says (outside any request: the task runs it).
    A failure is stored as its code, shown on the card in words. None if the item is gone."""
    item = InboxItem.objects.filter(pk=item_pk).first()
    if item is None:
        return None
    fields = {"fetched_at": timezone.now()}
    try:
        page = fetch_page(item.url)
        meta = extract_page(page.html, page.url)
    except FetchError as error:
        fields.update(fetch_state=FetchState.FAILED, fetch_error=error.code)
    except Exception:
        # Whatever else went wrong, the card must not wait for ever: it says "could not be
        # read" and the details go to the log.
        logger.exception("fetching inbox item %s failed", item_pk)
        fields.update(fetch_state=FetchState.FAILED, fetch_error="unreadable")
    else:
        fields.update(
            fetch_state=FetchState.DONE,
            fetch_error="",
            description=meta.description,
            site_name=meta.site_name,
            published_on=meta.published_on,
            main_text=meta.main_text,
        )
        if not item.title and meta.title:
            fields["title"] = meta.title
    # An UPDATE of these fields only: a note edited meanwhile is not overwritten.
    InboxItem.objects.filter(pk=item_pk).update(**fields, updated_at=timezone.now())
    return InboxItem.objects.filter(pk=item_pk).first()


@transaction.atomic
def inbox_refetch(item: InboxItem, *, by) -> InboxItem:
    """Fetch the page again (after a failure)."""
    guards.require_editor(by)
    InboxItem.objects.filter(pk=item.pk).update(
        fetch_state=FetchState.PENDING, fetch_error="", updated_at=timezone.now()
    )
    _enqueue_fetch(item.pk)
    return InboxItem.objects.get(pk=item.pk)


_MOVES = {
    "dismiss": ({InboxState.NEW}, InboxState.DISMISSED),
    "restore": ({InboxState.DISMISSED}, InboxState.NEW),
}


@transaction.atomic
def inbox_set_state(item: InboxItem, action: str, *, by) -> InboxItem:
    """ "dismiss" a new item or "restore" a dismissed one; TransitionError otherwise."""
    guards.require_editor(by)
    item = InboxItem.objects.select_for_update().filter(pk=item.pk).first()
    if item is None:
        raise TransitionError(_("This link is no longer in the inbox."))
    if action not in _MOVES:
        raise TransitionError(_("Unknown action."))
    sources, target = _MOVES[action]
    # A used link whose entry was deleted may come back to the inbox.
    orphaned = action == "restore" and item.state == InboxState.USED and item.entry_id is None
    if item.state not in sources and not orphaned:
        raise TransitionError(_("This link cannot be moved there from where it is."))
    item.state = target
    item.save(update_fields=["state", "updated_at"])
    return item


def _entry_title(item: InboxItem) -> str:
    """The page's title, or the link itself when the page gave none."""
    title = item.title or clean_text(display_url(item.url).split("://", 1)[-1])
    return title[:TITLE_MAX]


@transaction.atomic
def inbox_add_to_issue(item: InboxItem, *, section: Section, by) -> Entry:
    """Create an entry from the item at the end of `section` through services.entry_create
    (the same checks, status and audit row as any entry), title and summary prefilled from
    the page; the item becomes "used" and points at the entry. TransitionError if the item
    was used already or the issue is published; ValidationError if the text breaks a rule."""
    guards.require_editor(by)
    item = InboxItem.objects.select_for_update().filter(pk=item.pk).first()
    if item is None:
        raise TransitionError(_("This link is no longer in the inbox."))
    if item.state == InboxState.USED and item.entry_id:
        raise TransitionError(_("This link was added to an issue already."))
    entry = entry_create(
        section,
        title=_entry_title(item),
        url=item.url,
        summary=item.description[:SUMMARY_MAX],
        by=by,
    )
    item.state = InboxState.USED
    item.entry = entry
    item.save(update_fields=["state", "entry", "updated_at"])
    return entry
