"""The Django admin: the same data, for superusers and emergencies."""

import io
import zipfile

from django.contrib import admin
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from editorial.canonical.store import issue_markdown
from editorial.models import AuditEvent, Comment, Entry, Issue, Revision, Section


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["title", "position", "entries_link"]
    readonly_fields = ["entries_link"]
    extra = 0
    ordering = ["position"]

    @admin.display(description=_("entries"))
    def entries_link(self, section):
        if not section.pk:
            return "—"
        url = reverse("admin:editorial_section_change", args=[section.pk])
        return format_html(
            '<a href="{}">{}</a>', url, _("Edit entries (%d)") % section.entries.count()
        )


class EntryInline(admin.StackedInline):
    model = Entry
    fields = [("position", "status"), "title", "url", "summary"]
    readonly_fields = ["status"]  # statuses change only through the workflow
    extra = 0
    ordering = ["position"]


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "published_at", "published_by", "checksum", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


def _markdown_filename(issue: Issue) -> str:
    return f"{issue.year}-{issue.number}.md"


@admin.action(description=_("Download the markdown"))
def download_markdown(modeladmin, request, queryset):
    issues = list(queryset.order_by("year", "number"))
    if len(issues) == 1:
        response = HttpResponse(
            issue_markdown(issues[0]), content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{_markdown_filename(issues[0])}"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for issue in issues:
            archive.writestr(_markdown_filename(issue), issue_markdown(issue).encode("utf-8"))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="issues.zip"'
    return response


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "number", "status", "published_at", "updated_at"]
    list_filter = ["year", "status"]
    search_fields = ["sections__title", "sections__entries__title", "sections__entries__url"]
    fields = ["year", "number", "status", "published_at", "entry_table", "markdown"]
    # Statuses and publication times change only through the workflow (editorial/workflow.py).
    readonly_fields = ["status", "published_at", "entry_table", "markdown"]
    inlines = [SectionInline, RevisionInline]
    actions = [download_markdown]
    date_hierarchy = "published_at"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    @admin.display(description=_("entries"))
    def entry_table(self, issue):
        if not issue.pk:
            return "—"
        entries = (
            Entry.objects.filter(section__issue=issue)
            .select_related("section")
            .order_by("section__position", "position")
        )
        rows = format_html_join(
            "",
            '<li>{} · {}. <a href="{}">{}</a> <span class="quiet">({})</span></li>',
            (
                (
                    e.section.title,
                    e.position,
                    reverse("admin:editorial_entry_change", args=[e.pk]),
                    e.title,
                    e.get_status_display(),
                )
                for e in entries
            ),
        )
        return format_html('<ol class="plain">{}</ol>', rows) if entries else "—"

    @admin.display(description=_("canonical markdown"))
    def markdown(self, issue):
        if not issue.pk:
            return "—"
        return format_html(
            '<pre style="white-space: pre-wrap; max-width: 60rem">{}</pre>', issue_markdown(issue)
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "issue", "position"]
    list_filter = ["issue__year"]
    search_fields = ["title"]
    list_select_related = ["issue"]
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "issue_label", "position", "status", "updated_at"]
    list_filter = ["status", "section__issue"]
    search_fields = ["title", "url", "summary"]
    list_select_related = ["section__issue"]
    readonly_fields = ["status", "version", "created_by", "updated_by", "created_at", "updated_at"]
    raw_id_fields = ["section"]

    @admin.display(description=_("issue"), ordering="section__issue")
    def issue_label(self, entry):
        return entry.section.issue


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["issue", "number", "published_at", "published_by", "checksum"]
    list_filter = ["issue__year"]
    readonly_fields = [
        "issue",
        "number",
        "markdown",
        "checksum",
        "note",
        "published_at",
        "published_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["entry", "author", "created_at"]
    search_fields = ["body"]
    raw_id_fields = ["entry", "parent"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "issue", "actor", "action", "subject", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["subject", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
