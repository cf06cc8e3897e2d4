"""The inbox (素材箱): links saved during the week, what their pages say, and where they went;
and the link check's results. Re-exported by editorial.models."""

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from editorial.links import MAX_URL_LENGTH, URL_KEY_LENGTH, url_key
from editorial.models.issues import Entry
from editorial.rules import (
    MAIN_TEXT_MAX,
    SECTION_TITLE_MAX,
    SITE_NAME_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
)

NOTE_MAX = 2000


# Why a fetch failed, in words a person understands (never a traceback): InboxItem.fetch_error
# holds one of these codes.
FETCH_FAILURES = {
    "scheme": _("only http and https addresses are fetched"),
    "invalid": _("this is not a valid web address"),
    "dns": _("the site's name does not resolve"),
    "dns_timeout": _("the site's name took too long to look up"),
    "dns_busy": _("too many site names were being looked up at once; fetch again in a minute"),
    "editor_busy": _("you have other pages being read; try again once they are done"),
    "address": _("address not allowed (not a public address)"),
    "port": _("only the web's ports (80 and 443) are fetched"),
    # Answered, but not the article (editorial.inbox.fetching.notices).
    "challenge": _("the site showed a bot check instead of the page"),
    "login": _("the page needs a login"),
    "deleted": _("the article was deleted or blocked"),
    "soft_404": _("the page says it does not exist"),
    "stalled": _("the fetch did not finish (is the worker running?)"),
    "timeout": _("timed out"),
    "unreachable": _("the site could not be reached"),
    "redirects": _("too many redirects"),
    "not_found": _("not found (404)"),
    "gone": _("gone (410)"),
    "http": _("the site answered with an error"),
    "not_html": _("not a web page"),
    "unreadable": _("the page could not be read"),
}


def describe_fetch_failure(code: str, status: int | None = None) -> str:
    """The message for a failure code (an unknown code reads as "could not be read")."""
    message = str(FETCH_FAILURES.get(code, FETCH_FAILURES["unreadable"]))
    if code == "http" and status:
        return f"{message} ({status})"
    return message


class InboxState(models.TextChoices):
    NEW = "new", _("New")
    USED = "used", _("Used")
    DISMISSED = "dismissed", _("Dismissed")


# What the inbox calls each state, on its tabs and cards. The button that moves a link to
# "dismissed" says "Set it aside", so its tab says "Set aside" (搁置, 已搁置): the same word.
# The choices' labels above stay as migration 0007 recorded them (the admin shows them).
INBOX_STATE_NAMES = {
    InboxState.NEW: _("New"),
    InboxState.USED: _("Used"),
    InboxState.DISMISSED: _("Set aside"),
}


class FetchState(models.TextChoices):
    PENDING = "pending", _("Fetching")
    DONE = "done", _("Fetched")
    FAILED = "failed", _("Failed")


class InboxItem(models.Model):
    url = models.CharField(_("URL"), max_length=MAX_URL_LENGTH)
    url_key = models.CharField(max_length=URL_KEY_LENGTH, editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX, blank=True)
    # True once the editor typed or changed the title: the fetched title then never replaces
    # it. A title the bookmarklet brought (the page's document.title) is not the editor's.
    title_edited = models.BooleanField(_("title edited"), default=False)
    # Where the fetch ended: the page's same-site canonical address, else the URL after
    # redirects; its same-link key is checked like url_key. The typed URL stays the item's.
    final_url = models.CharField(_("final URL"), max_length=MAX_URL_LENGTH, blank=True)
    final_url_key = models.CharField(
        max_length=URL_KEY_LENGTH, blank=True, editable=False, db_index=True
    )
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(SUMMARY_MAX)]
    )
    site_name = models.CharField(_("site"), max_length=SITE_NAME_MAX, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    main_text = models.TextField(
        _("main text"), blank=True, validators=[MaxLengthValidator(MAIN_TEXT_MAX)]
    )
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTE_MAX)])
    suggested_section = models.CharField(
        _("suggested section"), max_length=SECTION_TITLE_MAX, blank=True
    )
    state = models.CharField(
        _("state"), max_length=20, choices=InboxState, default=InboxState.NEW, db_index=True
    )
    fetch_state = models.CharField(
        _("fetch"), max_length=20, choices=FetchState, default=FetchState.PENDING
    )
    fetch_error = models.CharField(_("fetch error"), max_length=40, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    # When the waiting fetch was queued, and how many times it has been: a fetch still waiting
    # long after (its worker died, or none runs) is queued once more, then marked failed.
    fetch_queued_at = models.DateTimeField(_("fetch queued at"), null=True, blank=True)
    fetch_attempts = models.PositiveSmallIntegerField(_("fetch attempts"), default=0)
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbox_items",
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="inbox_url_http",
            ),
            models.CheckConstraint(
                condition=Q(state__in=InboxState.values), name="inbox_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(fetch_state__in=FetchState.values), name="inbox_fetch_state_valid"
            ),
        ]

    def __str__(self):
        return self.title or self.url

    def save(self, *args, **kwargs):
        self.url_key = url_key(self.url)
        self.final_url_key = url_key(self.final_url) if self.final_url else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"url_key"} if "url" in update_fields else set()
            if "final_url" in update_fields:
                derived.add("final_url_key")
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    @property
    def state_name(self) -> str:
        """The state as the inbox's tabs name it (INBOX_STATE_NAMES)."""
        return str(INBOX_STATE_NAMES.get(self.state, self.state))

    @property
    def same_link_keys(self) -> set[str]:
        """The keys this item is the same link by: the typed URL's, and where its fetch
        ended (when it did)."""
        return {key for key in (self.url_key, self.final_url_key) if key}

    @property
    def shows_final_url(self) -> bool:
        """The fetch ended at another link than the one typed (a redirect, a canonical)."""
        return bool(self.final_url_key) and self.final_url_key != self.url_key

    @property
    def fetch_error_text(self) -> str:
        return describe_fetch_failure(self.fetch_error) if self.fetch_error else ""

    @property
    def change_stamp(self) -> int:
        """When the item last changed (`updated_at`), as whole microseconds since the epoch: the
        inbox page sends it back for each card it shows still fetching, and is answered with
        the cards whose stamp is no longer this (selectors.changed_items)."""
        return change_stamp(self.updated_at)


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def change_stamp(moment: datetime.datetime) -> int:
    """An aware datetime as whole microseconds since the epoch (exact, unlike a float)."""
    return (moment - _EPOCH) // datetime.timedelta(microseconds=1)


class LinkOutcome(models.TextChoices):
    OK = "ok", _("ok")
    REDIRECTED = "redirected", _("redirected")
    NOT_FOUND = "not_found", _("not found")
    GONE = "gone", _("gone")
    ERROR = "error", _("error")
    UNREACHABLE = "unreachable", _("unreachable")
    TIMED_OUT = "timed_out", _("timed out")
    REFUSED = "refused", _("address not allowed")
    # Answered, but not the article (editorial.inbox.fetching.notices).
    LOGIN = "login", _("needs a login")
    DELETED = "deleted", _("deleted or blocked")
    CHALLENGE = "challenge", _("a bot check stands in front of it")


class LinkCheck(models.Model):
    """The last check of one entry's link; a result older than an hour is checked again."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="link_check")
    url = models.CharField(max_length=MAX_URL_LENGTH)
    outcome = models.CharField(max_length=20, choices=LinkOutcome, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=MAX_URL_LENGTH, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")

    def __str__(self):
        return f"{self.url}: {self.outcome}"
