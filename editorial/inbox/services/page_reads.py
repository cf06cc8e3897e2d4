"""How many pages one editor may have read for them at once inside their own requests: the add
form's fill from the URL and a summary draft. (Saved links and the link check are read by the
task worker, outside requests.) Each such read holds a server thread for up to the fetcher's
deadline, DIGEST_FETCH_TOTAL_TIMEOUT seconds (a summary draft longer, while the summary service
answers); without a bound, one editor's many tabs, or a script run with their session, could
hold every thread and stall the site for everyone.

At most DIGEST_FETCH_EDITOR_READS reads at once per editor; one more fails at once with
FetchError("editor_busy"), which the form shows like any page that could not be read.

Counted in the cache (editorial.counters). When the cache fails, nothing is counted and the
read goes ahead: the bound fails open, and each read is still bounded by its deadline. A count
left behind by a process killed mid-read expires after COUNT_SECONDS.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from editorial.counters import count_down, count_up
from editorial.inbox.fetching import FetchError

COUNT_SECONDS = 120  # longer than any read: the fetch deadline, the summary service's


@contextmanager
def editor_page_read(user) -> Iterator[None]:
    """Hold one of `user`'s page reads while the block runs. Raises FetchError("editor_busy")
    before the block when the user already has DIGEST_FETCH_EDITOR_READS reads running."""
    key = f"inbox:page-reads:{user.pk}"
    reading = count_up(key, COUNT_SECONDS)
    try:
        if reading is not None and reading > settings.DIGEST_FETCH_EDITOR_READS:
            raise FetchError("editor_busy")
        yield
    finally:
        if reading is not None:
            count_down(key)
