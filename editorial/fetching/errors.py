"""Why a fetch failed, in words a person understands (never a traceback)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "scheme": _("only http and https addresses are fetched"),
    "invalid": _("this is not a valid web address"),
    "dns": _("the site's name does not resolve"),
    "address": _("address not allowed (not a public address)"),
    "timeout": _("timed out"),
    "unreachable": _("the site could not be reached"),
    "redirects": _("too many redirects"),
    "not_found": _("not found (404)"),
    "gone": _("gone (410)"),
    "http": _("the site answered with an error"),
    "not_html": _("not a web page"),
    "unreadable": _("the page could not be read"),
}


def describe(code: str, status: int | None = None) -> str:
    """The message for a failure code (an unknown code reads as "could not be read")."""
    message = str(MESSAGES.get(code, MESSAGES["unreadable"]))
    if code == "http" and status:
        return f"{message} ({status})"
    return message


class FetchError(Exception):
    """A fetch that failed; `code` is a key of MESSAGES, `status` the HTTP status if any."""

    def __init__(self, code: str, status: int | None = None):
        self.code = code
        self.status = status
        super().__init__(code if status is None else f"{code} {status}")

    @property
    def message(self) -> str:
        return describe(self.code, self.status)
