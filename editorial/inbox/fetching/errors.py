"""A fetch that failed. The words for each failure live beside the field that stores its code
(editorial.models.inbox): the inbox shows them long after the fetch."""

from editorial.models.inbox import describe_fetch_failure as describe


class FetchError(Exception):
    """A fetch that failed; `code` is a key of models.inbox.FETCH_FAILURES, `status` the HTTP
    status if any."""

    def __init__(self, code: str, status: int | None = None):
        self.code = code
        self.status = status
        super().__init__(code if status is None else f"{code} {status}")

    @property
    def message(self) -> str:
        return describe(self.code, self.status)
