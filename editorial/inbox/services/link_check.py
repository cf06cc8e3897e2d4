"""The link check before publishing: every entry's URL asked with the safe fetcher (HEAD, then
GET when HEAD is refused), each status in words, results kept for an hour. A broken link is a
warning for the reviewer, never a block."""

import datetime
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from editorial.inbox.fetching import FetchError, extract_page, fetch_page, notices
from editorial.inbox.fetching.client import CHALLENGE_STATUSES, open_url
from editorial.models import Entry, Issue, LinkCheck, LinkOutcome
from editorial.workflow import guards

logger = logging.getLogger(__name__)

FRESH_FOR = datetime.timedelta(hours=1)
# A check queued but not answered in this time (no worker running?) may be asked again.
PENDING_FOR = datetime.timedelta(minutes=5)
PARALLEL = 8
_FAILURES = {
    "timeout": LinkOutcome.TIMED_OUT,
    "dns_timeout": LinkOutcome.TIMED_OUT,
    "dns_busy": LinkOutcome.TIMED_OUT,  # not the link's fault: it was not asked in time
    "address": LinkOutcome.REFUSED,
}


@dataclass
class Result:
    outcome: str
    status_code: int | None = None
    location: str = ""


def _ask(url: str, method: str) -> tuple[int, str, bool]:
    with open_url(url, method=method) as opened:
        return opened.response.status_code, opened.url, opened.redirected


def check_link(url: str) -> Result:
    """One link's status: ok, redirected (with where to), not found (a 404, or a page saying
    so), gone, error (status), unreachable, timed out, refused (not a public address), or a
    page that answers without the article: needs a login, deleted, bot check."""
    try:
        status, final, redirected = _ask(url, "HEAD")
        if status >= 400:
            # Many servers refuse HEAD (405, 501, or a 403/404 for it alone): ask with GET.
            status, final, redirected = _ask(url, "GET")
    except FetchError as error:
        return Result(_FAILURES.get(error.code, LinkOutcome.UNREACHABLE))
    if status == 404:
        return Result(LinkOutcome.NOT_FOUND, status)
    if status == 410:
        return Result(LinkOutcome.GONE, status)
    if status >= 400:
        # A bot check answers 403 or 503 as often as 200: its page says which it is.
        instead = _not_the_article(final) if status in CHALLENGE_STATUSES else None
        return Result(instead or LinkOutcome.ERROR, status)
    instead = _not_the_article(final)
    if instead:
        return Result(instead, status, final if redirected else "")
    if redirected:
        return Result(LinkOutcome.REDIRECTED, status, final)
    return Result(LinkOutcome.OK, status)


_INSTEAD = {
    notices.LOGIN: LinkOutcome.LOGIN,
    notices.DELETED: LinkOutcome.DELETED,
    notices.CHALLENGE: LinkOutcome.CHALLENGE,
    notices.SOFT_404: LinkOutcome.NOT_FOUND,
}


def _not_the_article(url: str) -> str | None:
    """The outcome for a link that answers but shows something else (a login wall, a deleted
    article, a bot check, a soft 404), read from the page; None for the article itself, or a
    page that cannot be read (its status already said it answered). A bot check answered with
    an error status is the fetcher's FetchError("challenge"), said the same way."""
    try:
        page = fetch_page(url)
    except FetchError as error:
        return _INSTEAD.get(error.code)  # "challenge": a bot check answered with an error
    meta = extract_page(page.html, page.url)
    return _INSTEAD.get(notices.not_the_article(page.html, page.url, main_text=meta.main_text))


def _safely_checked(url: str) -> Result:
    try:
        return check_link(url)
    except Exception:
        # One odd answer must not lose the other results: it reads "unreachable", details
        # in the log.
        logger.exception("checking %s failed", url)
        return Result(LinkOutcome.UNREACHABLE)


def check_entries(entry_pks: list[int]) -> None:
    """Check these entries' links, a few at a time, and store each result."""
    entries = list(Entry.objects.filter(pk__in=entry_pks).only("pk", "url"))
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda entry: _safely_checked(entry.url), entries))
    now = timezone.now()
    for entry, result in zip(entries, results, strict=True):
        LinkCheck.objects.update_or_create(
            entry=entry,
            defaults={
                "url": entry.url,
                "outcome": result.outcome,
                "status_code": result.status_code,
                "location": result.location[:2048],
                "checked_at": now,
            },
        )


def _is_fresh(check: LinkCheck | None, entry: Entry, now) -> bool:
    if check is None or check.url != entry.url or check.checked_at is None:
        return False
    # An empty outcome: asked for, not answered yet.
    return check.checked_at > now - (FRESH_FOR if check.outcome else PENDING_FOR)


def issue_link_checks(issue: Issue, now=None) -> dict[int, LinkCheck]:
    """The results for the issue's entries that are still good (an hour, the same URL), by
    entry pk; pending checks have an empty outcome. Two queries."""
    now = now or timezone.now()
    entries = Entry.objects.filter(section__issue=issue).only("pk", "url")
    checks = {c.entry_id: c for c in LinkCheck.objects.filter(entry__section__issue=issue)}
    return {
        entry.pk: checks[entry.pk]
        for entry in entries
        if _is_fresh(checks.get(entry.pk), entry, now)
    }


@transaction.atomic
def start_link_check(issue: Issue, *, by) -> int:
    """Queue a check of every link of the issue without a fresh result; the number queued."""
    guards.require_editor(by)
    from editorial.inbox.tasks import check_entry_links

    now = timezone.now()
    fresh = issue_link_checks(issue, now)
    stale = [e for e in Entry.objects.filter(section__issue=issue) if e.pk not in fresh]
    for entry in stale:
        LinkCheck.objects.update_or_create(
            entry=entry,
            defaults={
                "url": entry.url,
                "outcome": "",
                "status_code": None,
                "location": "",
                "checked_at": now,
            },
        )
    pks = [entry.pk for entry in stale]
    if pks:
        transaction.on_commit(lambda: check_entry_links.enqueue(pks))
    return len(pks)
