"""Forms of the inbox screens; the rules themselves are the services' (services/inbox.py)."""

import re

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from editorial.form_rendering import EditorialForm, LimitedText, ServiceErrorsMixin, model_limit
from editorial.models import IssueStatus
from editorial.models.inbox import InboxItem

PASTE_MAX_CHARS = 250_000
# The prefix of a composer entry form (EntryForm: "add-7", "edit-12"), named in a post.
_ENTRY_FORM_PREFIX = re.compile(r"^[a-z0-9-]{1,40}$")


def posted_entry_url(data, prefix_name: str) -> tuple[str, str]:
    """(prefix, url) of a composer entry form posted to an inbox view (the summary draft, the
    page's suggestion): the prefix named by data[prefix_name] ("" when it is not one), and the
    URL field under it, or a plain "url", with its ends trimmed ("" when absent)."""
    prefix = data.get(prefix_name, "")
    if not _ENTRY_FORM_PREFIX.match(prefix):
        prefix = ""
    url = data.get(f"{prefix}-url") if prefix else None
    return prefix, (url or data.get("url") or "").strip()


class InboxSaveForm(ServiceErrorsMixin, EditorialForm):
    url = LimitedText(
        label=_("URL"),
        limit=model_limit(InboxItem, "url"),
        widget=forms.URLInput(
            attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    title = LimitedText(
        label=_("Title (optional: the page's own is fetched)"),
        limit=model_limit(InboxItem, "title"),
        required=False,
    )
    note = LimitedText(
        label=_("Note"),
        limit=model_limit(InboxItem, "note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The title the bookmarklet brought (the page's document.title): a title that is still
    # this one is not the editor's, so the fetched title may replace it.
    page_title = LimitedText(
        limit=model_limit(InboxItem, "title"), required=False, widget=forms.HiddenInput
    )
    suggested_section = LimitedText(
        label=_("Suggested section"),
        limit=model_limit(InboxItem, "suggested_section"),
        required=False,
    )


class InboxTitleForm(ServiceErrorsMixin, EditorialForm):
    """The editor's title for an item; one per card (ids `inbox-title-<item pk>-…`)."""

    title = LimitedText(label=_("Title"), limit=model_limit(InboxItem, "title"))

    @classmethod
    def for_item(cls, item):
        form = cls(auto_id=f"inbox-title-{item.pk}-%s", initial={"title": item.title})
        form.fields["title"].label = format_html(
            '{}<span class="visually-hidden"> ({})</span>', _("Title"), item.url
        )
        return form


class InboxPasteForm(ServiceErrorsMixin, EditorialForm):
    urls = forms.CharField(
        label=_("Paste links, one per line"),
        max_length=PASTE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )


class InboxAddForm(EditorialForm):
    """The section an inbox item goes to; one per card (ids `inbox-add-<item pk>-…`)."""

    section = forms.IntegerField(
        label=_("Section"),
        min_value=1,
        widget=forms.Select(attrs={"data-add-section": True}),
    )

    @classmethod
    def for_item(cls, item, targets):
        """The form of `item`'s card: one option per section of `targets` (add_targets: issues
        with .sections_list and .target_label), each naming its issue and the issue's state
        ("2024 年第三十三期 · 草稿 › 分布式系统": a closed select shows only the chosen
        option, so the option says it all). Chosen: default_section."""
        form = cls(
            auto_id=f"inbox-add-{item.pk}-%s",
            initial={"section": default_section(item, targets)},
        )
        field = form.fields["section"]
        field.label = format_html(
            '{}<span class="visually-hidden"> ({})</span>', _("Add to"), item.title or item.url
        )
        # The section's title is typed text: isolated (FSI … PDI), so a direction mark in it
        # cannot turn the issue's name around; an option holds text only, no <bdi>.
        field.widget.choices = [
            (section.pk, f"{issue.target_label} › \u2068{section.title}\u2069")
            for issue in targets
            for section in issue.sections_list
        ]
        return form


def default_section(item, targets) -> int | None:
    """The section an item goes to unless the editor picks another: in the newest issue in
    draft with sections (this week's: an issue in review is never the default while a draft
    is open), the section titled like the item's suggested section, else its first; without
    such a draft, the same in the newest issue in review. None when no issue has a section."""
    drafts = [issue for issue in targets if issue.status == IssueStatus.DRAFT]
    others = [issue for issue in targets if issue.status != IssueStatus.DRAFT]
    for issue in drafts + others:
        if not issue.sections_list:
            continue
        for section in issue.sections_list:
            if item.suggested_section and section.title == item.suggested_section:
                return section.pk
        return issue.sections_list[0].pk
    return None


class InboxStateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("dismiss", _("Set it aside")),
            ("restore", _("Restore")),
            ("refetch", _("Fetch again")),
        ]
    )
