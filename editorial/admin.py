"""The Django admin: one more door to the same services and transitions.

Every change it makes goes through editorial.services (content) or editorial.workflow (status),
so it is checked, versioned and audited like the composer's. Statuses and publication times are
never edited here; the content of published and scheduled issues, revisions, the audit log and
comments are read-only. What stays: lists, filters, search, the markdown view and download.
"""

import io
import zipfile

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import router, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from editorial import services, workflow
from editorial.admin_forms import (
    EntryForm,
    IssueAddForm,
    IssueChangeForm,
    ReadOnlyRowForm,
    SectionForm,
    ServiceForm,
)
from editorial.models import AuditEvent, Comment, Entry, Issue, IssueStatus, Revision, Section
from editorial.store import issue_markdown
from editorial.workflow.guards import REFUSALS, TransitionError


def _frozen(issue) -> bool:
    """Published (or scheduled) content is read-only until the issue is reopened."""
    return issue is not None and issue.status == IssueStatus.PUBLISHED


def _refusal_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", None) or str(error)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen, never changed: revisions, the audit log, comments."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceModelAdmin(admin.ModelAdmin):
    """Saves through the form's service (editorial.admin_forms); no bulk delete, which would
    go around the services.

    A page is saved whole or not at all. Its form's service writes (and audits) while the form
    validates, so that a refusal reads as a form error; Django validates the inlines after it,
    and saves only when everything validated, all inside the transaction changeform_view holds.
    A page drawn again in answer to a post is one where something did not validate: that
    transaction is then rolled back, the service's row and its audit row with it.
    """

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not issubclass(form, ServiceForm):
            # A plain model form would save the object around the services.
            raise ImproperlyConfigured(f"{type(self).__name__}: its forms must be ServiceForms")
        return type(form.__name__, (form,), {"request": request})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if request.method == "POST":
            # Not saved: the form, its service or an inline refused. Roll back the atomic block
            # of changeform_view (the innermost here), so that nothing of this post stays; the
            # page itself is rendered after it, from what the database holds.
            transaction.set_rollback(True, using=router.db_for_write(self.model))
        return response

    def save_model(self, request, obj, form, change):
        # An issue's change page has no service form (nothing on it is editable): no result.
        if getattr(form, "result", None) is not None:
            obj.pk = form.result.pk
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        # The inlines are read-only lists (no editable field, no add, no delete): saved
        # uncommitted, a formset writes nothing and still lists what it would have added,
        # changed and deleted (nothing), which the admin's history message reads.
        formset.save(commit=False)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        # A removal the service refuses (the last entry of an issue in review) is rolled back
        # by the admin's transaction; the refusal is said on the object's page, not a 500.
        try:
            return super().delete_view(request, object_id, extra_context)
        except (TransitionError, ValidationError) as error:
            self.message_user(request, _refusal_text(error), messages.ERROR)
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return HttpResponseRedirect(url)


class SectionInline(admin.TabularInline):
    model = Section
    form = ReadOnlyRowForm
    fields = ["title", "position", "entries_link"]
    readonly_fields = fields
    extra = 0
    ordering = ["position"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("entries"))
    def entries_link(self, section):
        url = reverse("admin:editorial_section_change", args=[section.pk])
        return format_html('<a href="{}">{}</a>', url, _("Entries (%d)") % section.entries.count())


class EntryInline(admin.TabularInline):
    model = Entry
    form = ReadOnlyRowForm
    fields = ["position", "title", "status", "version", "entry_link"]
    readonly_fields = fields
    extra = 0
    ordering = ["position"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("edit"))
    def entry_link(self, entry):
        url = reverse("admin:editorial_entry_change", args=[entry.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


class RevisionInline(admin.TabularInline):
    model = Revision
    form = ReadOnlyRowForm
    fields = ["number", "published_at", "published_by", "checksum", "wechat_checksum", "note"]
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


def _run_transition(modeladmin, request, objects, transition, done_message):
    """Call `transition(obj, by=user)` for each object; say what was done and what refused."""
    done = 0
    for obj in objects:
        try:
            transition(obj, by=request.user)
            done += 1
        except REFUSALS as error:
            modeladmin.message_user(request, f"{obj}: {_refusal_text(error)}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.action(description=_("Submit for review"))
def submit_issues(modeladmin, request, queryset):
    _run_transition(
        modeladmin,
        request,
        queryset,
        workflow.issue_submit,
        lambda n: ngettext("Submitted %(n)d issue.", "Submitted %(n)d issues.", n) % {"n": n},
    )


@admin.action(description=_("Submit for review"))
def submit_entries(modeladmin, request, queryset):
    _run_transition(
        modeladmin,
        request,
        queryset.select_related("section"),
        workflow.entry_submit,
        lambda n: ngettext("Submitted %(n)d entry.", "Submitted %(n)d entries.", n) % {"n": n},
    )


@admin.register(Issue)
class IssueAdmin(ServiceModelAdmin):
    form = IssueChangeForm
    list_display = ["__str__", "year", "number", "status", "published_at", "updated_at"]
    list_filter = ["year", "status"]
    search_fields = ["sections__title", "sections__entries__title", "sections__entries__url"]
    # Statuses and publication times change only through the workflow (editorial/workflow/);
    # year and number are the issue's identity once it exists.
    readonly_fields = ["year", "number", "status", "published_at", "entry_table", "markdown"]
    inlines = [SectionInline, RevisionInline]
    actions = [download_markdown, submit_issues]
    date_hierarchy = "published_at"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = IssueAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["year", "number"]
        return ["year", "number", "status", "published_at", "entry_table", "markdown"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # an issue's record (its history) is never erased

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    @admin.display(description=_("entries"))
    def entry_table(self, issue):
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
        return format_html("<pre>{}</pre>", issue_markdown(issue))


@admin.register(Section)
class SectionAdmin(ServiceModelAdmin):
    form = SectionForm
    list_display = ["title", "issue", "position"]
    list_filter = ["issue__year"]
    search_fields = ["title"]
    list_select_related = ["issue"]
    inlines = [EntryInline]

    def get_fields(self, request, obj=None):
        return ["issue", "title"] if obj is None else ["issue", "title", "position"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["issue", "position"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not (obj is not None and _frozen(obj.issue))

    def has_delete_permission(self, request, obj=None):
        # Only an empty section of an issue in the works: one with entries is removed in the
        # composer, after a confirmation that counts them.
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return not _frozen(obj.issue) and not obj.entries.exists()

    def delete_model(self, request, obj):
        services.section_delete(obj, by=request.user, confirmed_entries=0)


@admin.register(Entry)
class EntryAdmin(ServiceModelAdmin):
    form = EntryForm
    list_display = ["title", "section", "issue_label", "position", "status", "updated_at"]
    list_filter = ["status", "section__issue"]
    search_fields = ["title", "url", "summary", "source_name"]
    list_select_related = ["section__issue"]
    raw_id_fields = ["section"]
    actions = [submit_entries]
    _facts = ["status", "version", "position", "created_by", "updated_by", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["section", "title", "url", "summary", "source_name"]
        return ["section", "title", "url", "summary", "source_name", "seen_version", *self._facts]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["section", *self._facts]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not (obj is not None and _frozen(obj.section.issue))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not (obj is not None and _frozen(obj.section.issue))

    def delete_model(self, request, obj):
        services.entry_delete(obj, by=request.user)

    @admin.display(description=_("issue"), ordering="section__issue")
    def issue_label(self, entry):
        return entry.section.issue


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = [
        "issue",
        "number",
        "published_at",
        "published_by",
        "checksum",
        "wechat_checksum",
    ]
    list_filter = ["issue__year"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["entry", "author", "created_at"]
    search_fields = ["body"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "issue", "actor", "action", "subject", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["subject", "comment"]


from editorial import subscriber_admin  # noqa: E402, F401 - registers the subscribers' admin
