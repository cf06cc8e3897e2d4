"""The inbox (素材箱): saving links (one, or a pasted list), filling them from their pages,
dismissing them, and adding one to an issue through the entry service like any other entry.

Saving answers at once: the page is fetched by a task (editorial.inbox.tasks) after the commit.
Errors: ValidationError keyed by field for bad input, TransitionError for a move that is not
possible now, PermissionDenied for a user who is not an editor.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.inbox.fetching import FetchError, extract_page, fetch_page, not_the_article
from editorial.links import display_url, url_key, validate_entry_url
from editorial.models import Entry, FetchState, InboxItem, InboxState, Section
from editorial.models.inbox import NOTE_MAX
from editorial.rules import SECTION_TITLE_MAX, SITE_NAME_MAX, SUMMARY_MAX, TITLE_MAX
from editorial.services.entries import entry_create
from editorial.text import clean_text
from editorial.workflow import guards
from editorial.workflow.guards import TransitionError
from editorial.workflow.table import entry_add_refusal

logger = logging.getLogger(__name__)

PASTE_MAX_LINES = 100
# Pages waiting to be fetched, at most: per editor (a few pastes' worth) and in all (what the
# worker gets through in a few minutes). Past them a save is refused, nothing half-saved.
PENDING_PER_EDITOR = 300
PENDING_IN_ALL = 1000


def _refuse_past_the_queue_bounds(by, adding: int, field: str) -> None:
    """ValidationError({field: ...}) if `adding` more pending fetches would pass a bound."""
    pending = InboxItem.objects.filter(fetch_state=FetchState.PENDING)
    if pending.filter(saved_by=by).count() + adding > PENDING_PER_EDITOR:
        raise ValidationError(
            {
                field: _(
                    "You have %(max)d links waiting to be fetched: save more once they are in."
                )
                % {"max": PENDING_PER_EDITOR}
            }
        )
    if pending.count() + adding > PENDING_IN_ALL:
        raise ValidationError(
            {field: _("Too many links are waiting to be fetched: try again in a few minutes.")}
        )


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


# A fetch takes at most DIGEST_FETCH_TOTAL_TIMEOUT (10 s); one still waiting this long after it
# was queued will not finish: its worker died, or none is running.
FETCH_STALLED_AFTER = datetime.timedelta(minutes=2)
FETCH_ATTEMPTS = 2  # queued once more, then failed ("stalled"), so Fetch again is offered


def recover_stalled_fetches(now=None) -> None:
    """Queue once more the fetches waiting longer than FETCH_STALLED_AFTER, and mark failed
    those that already were ("stalled"). Conditional updates: callers at the same moment
    (two open inbox tabs) queue each fetch once. Called when the inbox is looked at."""
    now = now or timezone.now()
    cutoff = now - FETCH_STALLED_AFTER
    stalled = InboxItem.objects.annotate(queued=Coalesce("fetch_queued_at", "created_at")).filter(
        fetch_state=FetchState.PENDING, queued__lt=cutoff
    )
    again = stalled.filter(fetch_attempts__lt=FETCH_ATTEMPTS).values_list("pk", "fetch_attempts")
    for pk, attempts in list(again):
        # Still stalled at this attempt: only one caller's update matches.
        taken = stalled.filter(pk=pk, fetch_attempts=attempts).update(
            fetch_attempts=attempts + 1, fetch_queued_at=now
        )
        if taken:
            _enqueue_fetch(pk)
    stalled.filter(fetch_attempts__gte=FETCH_ATTEMPTS).update(
        fetch_state=FetchState.FAILED, fetch_error="stalled", updated_at=now
    )


def _enqueue_fetch(item_pk: int) -> None:
    from editorial.inbox.tasks import fetch_inbox_page

    def enqueue():
        try:
            fetch_inbox_page.enqueue(item_pk)
        except Exception:
            # The item stays "fetching" and can be fetched again from its card.
            logger.exception("could not queue the fetch of inbox item %s", item_pk)

    transaction.on_commit(enqueue)


@transaction.atomic
def inbox_save(
    url: str,
    *,
    by,
    title: str = "",
    note: str = "",
    suggested_section: str = "",
    page_title: str = "",
):
    """Save one link. Returns the new InboxItem, its page fetch queued. The same link may be
    saved twice: it is flagged. `page_title` is the title the bookmarklet brought: while
    `title` is still that one (or empty), the page's own title replaces it when fetched; a
    title the editor typed or changed stays (InboxItem.title_edited)."""
    guards.require_editor(by)
    _refuse_past_the_queue_bounds(by, 1, "url")
    title = _bounded(title, TITLE_MAX, "title", _("Title"))
    item = InboxItem(
        url=_checked_url(url),
        title=title,
        title_edited=bool(title) and title != clean_text(page_title),
        note=_bounded(note, NOTE_MAX, "note", _("Note")),
        suggested_section=_bounded(
            suggested_section, SECTION_TITLE_MAX, "suggested_section", _("Section")
        ),
        saved_by=by,
        fetch_queued_at=timezone.now(),
        fetch_attempts=1,
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
    urls = parse_pasted_urls(text)
    _refuse_past_the_queue_bounds(by, len(urls), "urls")
    now = timezone.now()
    items = [InboxItem(url=url, saved_by=by, fetch_queued_at=now, fetch_attempts=1) for url in urls]
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
    meta = None
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
        instead = not_the_article(page.html, page.url, main_text=meta.main_text)
        if instead:
            # A login wall, a deleted notice, a bot check: said in words; the page's title
            # ("登录", "Just a moment...") is not the article's, and the editor's stays.
            fields.update(fetch_state=FetchState.FAILED, fetch_error=instead)
        else:
            final_url = _valid_or_empty(meta.address)
            fields.update(
                fetch_state=FetchState.DONE,
                fetch_error="",
                description=meta.description,
                site_name=meta.site_name,
                published_on=meta.published_on,
                main_text=meta.main_text,
                final_url=final_url,
                final_url_key=url_key(final_url) if final_url else "",
            )
    with transaction.atomic():
        # An UPDATE of these fields only: a note edited meanwhile is not overwritten.
        InboxItem.objects.filter(pk=item_pk).update(**fields, updated_at=timezone.now())
        if fields.get("fetch_state") == FetchState.DONE and meta.title:
            # The page's own title replaces the bookmarklet's (a document.title with the site's
            # name in it), never the editor's: the condition is checked in the same UPDATE,
            # so a title the editor saves while the page is fetched stays.
            InboxItem.objects.filter(pk=item_pk, title_edited=False).update(title=meta.title)
    return InboxItem.objects.filter(pk=item_pk).first()


def _valid_or_empty(url: str) -> str:
    """`url` if it is one an entry could have (a redirect may lead anywhere), else ""."""
    try:
        validate_entry_url(url)
    except ValidationError:
        return ""
    return url


@transaction.atomic
def inbox_refetch(item: InboxItem, *, by) -> InboxItem:
    """Fetch the page again (after a failure). At most one fetch waits per item: pressing
    again while it waits queues nothing more."""
    guards.require_editor(by)
    changed = (
        InboxItem.objects.filter(pk=item.pk)
        .exclude(fetch_state=FetchState.PENDING)
        .update(
            fetch_state=FetchState.PENDING,
            fetch_error="",
            fetch_queued_at=timezone.now(),
            fetch_attempts=1,
            updated_at=timezone.now(),
        )
    )
    if changed:
        _enqueue_fetch(item.pk)
    return InboxItem.objects.filter(pk=item.pk).first() or item


@transaction.atomic
def inbox_set_title(item: InboxItem, title: str, *, by) -> InboxItem:
    """The editor's title for the item: kept from now on, whatever its page says (a fetch
    under way does not replace it: inbox_fill_from_page's conditional update). ValidationError
    ({"title": …}) for an empty or too long title; TransitionError if the item is gone."""
    guards.require_editor(by)
    title = _bounded(title, TITLE_MAX, "title", _("Title"))
    if not title:
        raise ValidationError({"title": _("Title: it cannot be empty.")})
    changed = InboxItem.objects.filter(pk=item.pk).update(
        title=title, title_edited=True, updated_at=timezone.now()
    )
    if not changed:
        raise TransitionError(_("This link is no longer in the inbox."))
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
    """The page's title, or the link itself when the page gave none (or one with nothing
    visible in it, saved before such a title counted as empty)."""
    title = clean_text(item.title) or clean_text(display_url(item.url).split("://", 1)[-1])
    return title[:TITLE_MAX]


@transaction.atomic
def inbox_add_to_issue(item: InboxItem, *, section: Section, by) -> Entry:
    """Create an entry from the item at the end of `section` through services.entry_create
    (the same checks, status and audit row as any entry), title and summary prefilled from
    the page, its site's name as the entry's source and where its fetch ended as the entry's
    final_url_key; the item becomes "used" and points at the entry. TransitionError if the item
    was used already or the issue takes no entries (workflow.entry_add_refusal: published),
    naming it; ValidationError if the text breaks a rule."""
    guards.require_editor(by)
    refusal = entry_add_refusal(section.issue)
    if refusal:
        raise TransitionError(refusal)
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
        source_name=item.site_name[:SITE_NAME_MAX],
        # Where the page was read, so the composer and review flag the link reached there.
        final_url_key=item.final_url_key,
    )
    item.state = InboxState.USED
    item.entry = entry
    item.save(update_fields=["state", "entry", "updated_at"])
    return entry
