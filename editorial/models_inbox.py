"""The inbox (素材箱): links saved during the week, what their pages say, and where they went;
and the link check's results. Imported at the end of models.py."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from editorial.fetching.errors import describe
from editorial.fetching.extract import MAIN_TEXT_MAX, SITE_NAME_MAX
from editorial.links import MAX_URL_LENGTH, url_key
from editorial.models import Entry
from editorial.rules import SECTION_TITLE_MAX, SUMMARY_MAX, TITLE_MAX

NOTE_MAX = 2000
URL_KEY_LENGTH = 64


class InboxState(models.TextChoices):
    NEW = "new", _("New")
    USED = "used", _("Used")
    DISMISSED = "dismissed", _("Dismissed")


class FetchState(models.TextChoices):
    PENDING = "pending", _("Fetching")
    DONE = "done", _("Fetched")
    FAILED = "failed", _("Failed")


class InboxItem(models.Model):
    url = models.CharField(_("URL"), max_length=MAX_URL_LENGTH)
    url_key = models.CharField(max_length=URL_KEY_LENGTH, editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX, blank=True)
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
        if kwargs.get("update_fields") is not None and "url" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "url_key"}
        super().save(*args, **kwargs)

    @property
    def fetch_error_text(self) -> str:
        return describe(self.fetch_error) if self.fetch_error else ""


class LinkOutcome(models.TextChoices):
    OK = "ok", _("ok")
    REDIRECTED = "redirected", _("redirected")
    NOT_FOUND = "not_found", _("not found")
    GONE = "gone", _("gone")
    ERROR = "error", _("error")
    UNREACHABLE = "unreachable", _("unreachable")
    TIMED_OUT = "timed_out", _("timed out")
    REFUSED = "refused", _("address not allowed")


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
