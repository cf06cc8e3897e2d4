"""The digest's data: issues, their sections and entries, revisions, comments and the audit log.

Models hold fields, constraints and querysets. Changing state is the job of workflow.py
(transitions) and services.py (content edits); reads for pages live in selectors.py.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from editorial.canonical import to_chinese_numeral
from editorial.links import MAX_URL_LENGTH, URL_KEY_LENGTH, url_key
from editorial.rules import (
    COMMENT_MAX,
    SECTION_TITLE_MAX,
    SITE_NAME_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    clean_entry_fields,
    clean_section_title,
)
from editorial.search import entry_search_text


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")


def _status_check(name: str, field: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def readers_see(now, prefix: str = "") -> Q:
    """The one rule of what readers may see, as a condition on revisions (or, with `prefix`
    such as "revisions__", on what reaches them): a revision whose publication time has come.
    Everything readers are shown, and every key of what is cached for them, is read through
    this condition (RevisionQuerySet.visible_to_readers, IssueQuerySet.visible_to_readers)."""
    return Q(**{f"{prefix}published_at__lte": now})


class IssueQuerySet(models.QuerySet):
    def visible_to_readers(self, now=None):
        """Issues with a revision whose publication time has come (a reopened issue stays
        readable in its last published form): an EXISTS, so no row is repeated."""
        now = now or timezone.now()
        return self.filter(
            models.Exists(Revision.objects.visible_to_readers(now).filter(issue=OuterRef("pk")))
        )

    def not_settled_for_readers(self, now=None):
        """Issues whose live entries may differ from what readers see: not published (being
        corrected), or with a revision whose time has not come yet (scheduled)."""
        now = now or timezone.now()
        return self.filter(
            ~Q(status=IssueStatus.PUBLISHED)
            | models.Exists(Revision.objects.exclude(readers_see(now)).filter(issue=OuterRef("pk")))
        )


class RevisionQuerySet(models.QuerySet):
    def visible_to_readers(self, now=None):
        """Revisions readers may see at `now` (default: this moment)."""
        return self.filter(readers_see(now or timezone.now()))

    def scheduled_for_readers(self, now=None):
        """Revisions whose publication time has not come yet."""
        return self.exclude(readers_see(now or timezone.now()))


class Issue(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IssueStatus, default=IssueStatus.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("When readers see it; a time in the future schedules the issue."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-year", "-number"]
        permissions = [("publish_issue", _("Can publish, schedule and reopen issues"))]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="issue_year_number_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1000, year__lte=9999), name="issue_year_four_digits"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=9999), name="issue_number_range"
            ),
            _status_check("issue_status_valid", "status", IssueStatus),
            models.CheckConstraint(
                condition=~Q(status=IssueStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="issue_published_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.year} 年第{to_chinese_numeral(self.number)}期"

    def get_absolute_url(self):
        return reverse("reader:issue", args=[self.year, self.number])

    def get_public_url(self) -> str:
        """The issue's page on the configured site (DIGEST_SITE_URL), in the site's default
        language, whoever asks: the address shared outside the site (WeChat's 阅读原文)."""
        with translation.override(settings.LANGUAGE_CODE):
            return settings.DIGEST_SITE_URL + self.get_absolute_url()

    def get_composer_url(self, anchor: str = "") -> str:
        """The issue's composer, at the element with the id `anchor` when one is given."""
        url = reverse("editorial:composer", args=[self.year, self.number])
        return f"{url}#{anchor}" if anchor else url

    @property
    def label(self) -> str:
        """Year and number as people say it: 2024 年第三十二期."""
        return str(self)

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == IssueStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class Section(models.Model):
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=SECTION_TITLE_MAX)
    position = models.PositiveIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "title"], name="section_title_once_per_issue"),
            models.UniqueConstraint(fields=["issue", "position"], name="section_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="section_position_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="section_title_not_empty"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        self.title = clean_section_title(self.title)


class Entry(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="entries"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    url = models.CharField(_("URL"), max_length=MAX_URL_LENGTH)
    # Derived columns, set by save() (and by whoever bulk-creates entries): the same-link key
    # (a fixed-length digest, links.url_key) and the folded text search looks in.
    url_key = models.CharField(max_length=URL_KEY_LENGTH, editable=False, db_index=True)
    summary = models.TextField(
        _("summary"), blank=True, validators=[MaxLengthValidator(SUMMARY_MAX)]
    )
    # Where the link was read, when it came from the inbox: the same-link key of the page its
    # fetch ended at (after redirects, or its same-site canonical address), checked like
    # url_key. Blank otherwise; a change of URL to another link clears it (save()).
    final_url_key = models.CharField(
        max_length=URL_KEY_LENGTH, blank=True, editable=False, db_index=True
    )
    # The source's name readers see instead of the host (the site, the WeChat account). Not
    # part of the canonical markdown; frozen with each revision (Revision.source_names).
    source_name = models.CharField(
        _("source"),
        max_length=SITE_NAME_MAX,
        blank=True,
        help_text=_("The site or account readers see under the title instead of the host."),
    )
    search_text = models.TextField(editable=False, default="")
    position = models.PositiveIntegerField(_("position"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus, default=EntryStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Goes up with every saved change.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["position", "pk"]
        permissions = [("review_entry", _("Can approve entries or request changes"))]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="entry_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="entry_position_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="entry_title_not_empty"),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="entry_url_http",
            ),
            _status_check("entry_status_valid", "status", EntryStatus),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        old_key = self.url_key
        self.set_derived_fields()
        if old_key and old_key != self.url_key:
            # Another link now: where the old one led says nothing about it.
            self.final_url_key = ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"url_key", "final_url_key"} if "url" in update_fields else set()
            if {"title", "summary"} & set(update_fields):
                derived.add("search_text")
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)

    def clean(self):
        self.title, self.url, self.summary = clean_entry_fields(self.title, self.url, self.summary)

    def set_derived_fields(self) -> None:
        """Set url_key and search_text from url, title and summary (bulk_create skips save)."""
        self.url_key = url_key(self.url)
        self.search_text = entry_search_text(self.title, self.summary)


class Revision(models.Model):
    """One publication of an issue, frozen: exactly the markdown readers download."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    markdown = models.TextField(_("markdown"))
    checksum = models.CharField(_("SHA-256"), max_length=64)
    # The WeChat copy as published (editorial.renderings.wechat): what was approved is what is
    # pasted, whatever the rendering becomes later. Empty for revisions published before the
    # copy existed; theirs is made from the markdown when asked for.
    wechat_html = models.TextField(_("WeChat HTML"), blank=True)
    wechat_text = models.TextField(_("WeChat plain text"), blank=True)
    wechat_checksum = models.CharField(_("WeChat HTML SHA-256"), max_length=64, blank=True)
    # The entries' source names as published, a list per section in order ("" where none):
    # what readers see beside each entry; the markdown does not carry them.
    source_names = models.JSONField(_("source names"), default=list, blank=True)
    note = models.TextField(_("correction note"), blank=True)
    published_at = models.DateTimeField(_("visible from"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["issue", "-number"]
        get_latest_by = "number"
        # What readers may see is decided on (issue, published_at) alone: this index answers
        # it without reading the rows, whose markdown (hundreds of kB for a big issue) SQLite
        # would otherwise step through to reach published_at, for every issue of the archive
        # (the publication state, search's settled issues, the archive).
        indexes = [
            models.Index(fields=["issue", "published_at"], name="revision_issue_published_at")
        ]
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self):
        return f"{self.issue} r{self.number}"


class Comment(models.Model):
    """A reviewer's or editor's remark on an entry; it follows the entry wherever it moves."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("comment"), validators=[MaxLengthValidator(COMMENT_MAX)])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class AuditEvent(models.Model):
    """Who did what, when, from which state to which: the issue's history."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="events"
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    subject = models.CharField(_("subject"), max_length=TITLE_MAX, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # What changed (old and new field values) or, for a deletion, what undo needs.
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action} {self.subject}"


class Presence(models.Model):
    """Who has an issue open in the composer, refreshed while the page stays open."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "user"], name="presence_once_per_user")
        ]

    def __str__(self):
        return f"{self.user} @ {self.issue}"
