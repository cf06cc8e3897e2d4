"""What a page offers the composer's add form: its title and description, read with the safe
fetcher the moment an editor pastes its URL. Nothing is stored: the editor decides."""

import logging
from dataclasses import dataclass

from editorial.inbox.fetching import FetchError, extract_page, fetch_page, not_the_article

logger = logging.getLogger(__name__)


@dataclass
class PageSuggestion:
    """`url` the page's address after redirects (and meta refresh); `title` and `description`
    plain text within the entry's limits (rules.TITLE_MAX, SUMMARY_MAX), empty when the page
    does not say."""

    url: str
    title: str
    description: str


def page_suggestion(url: str) -> PageSuggestion:
    """Fetch the page at `url` (public addresses and ports only, within the fetcher's one
    deadline, DIGEST_FETCH_TOTAL_TIMEOUT seconds) and read what it says about itself.

    Raises FetchError, whose .message says why in words, when the page cannot be read, or when
    what answers is not the article (a bot check, a login wall, a deleted notice, a soft 404:
    its title would be wrong as the entry's)."""
    try:
        page = fetch_page(url)
        meta = extract_page(page.html, page.url)
    except FetchError:
        raise
    except Exception:
        # Whatever else went wrong, the editor is told the page could not be read (never a
        # 500 under the form they are filling in); the details go to the log.
        logger.exception("reading %r for the add form failed", url)
        raise FetchError("unreadable") from None
    instead = not_the_article(page.html, page.url, main_text=meta.main_text)
    if instead:
        raise FetchError(instead)
    return PageSuggestion(url=page.url, title=meta.title, description=meta.description)
