"""Forms of the composer screens. They only collect input: the rules themselves live in
rules.py and the services, whose ValidationError messages are put back on the form's fields."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.form_rendering import (
    EditorialForm,
    LimitedText,
    ServiceErrorsMixin,
    bind,
    model_limit,
)
from editorial.models import Entry, Issue, Section
from editorial.text import clean_text

QUICK_ADD_MAX = 100_000


class PlainTextField(LimitedText):
    """Text by the plain-text rule (text.clean_text) before any check, so that a NUL or another
    character no document can carry is removed as the rule says, not refused."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class IssueCreateForm(ServiceErrorsMixin, EditorialForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1000,
        max_value=9999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        max_value=9999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections from the previous issue"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_sections = forms.CharField(
        label=_("More sections, one title per line"),
        required=False,
        help_text=_("You can also add sections later in the composer."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, previous_titles=(), suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(title, title) for title in previous_titles]
        if not previous_titles:
            self.fields["extra_sections"].label = _("Section titles, one per line")
        # Typing a year asks for the page again, which suggests that year's next number.
        url = reverse("editorial:issue_create")
        self.fields["year"].widget.attrs.update(
            {
                "data-hx-get": url,
                "data-hx-trigger": "input changed delay:400ms",
                "data-hx-target": "#issue-number-field",
                "data-hx-select": "#issue-number-field",
                "data-hx-swap": "outerHTML",
            }
        )
        number = self.fields["number"]
        if suggestion:
            number.help_text = _(
                "Suggested for %(year)s: %(number)s, the year's last issue plus one."
            ) % {"year": suggestion[0], "number": suggestion[1]}
        else:
            number.help_text = _("Suggested: the year's last issue plus one.")
        number.widget.attrs["data-suggested"] = f"#{self['number'].auto_id}_helptext"

    def clean(self):
        cleaned = super().clean()
        year, number = cleaned.get("year"), cleaned.get("number")
        if year and number and Issue.objects.filter(year=year, number=number).exists():
            self.add_error(
                "number",
                _("Issue %(year)d/%(number)d already exists: open it or choose another number.")
                % {"year": year, "number": number},
            )
            self.existing_issue = (year, number)
        return cleaned

    def section_titles(self) -> list[str]:
        """Checked titles then the extra ones, in order, each once."""
        titles = list(self.cleaned_data.get("sections") or [])
        titles += (self.cleaned_data.get("extra_sections") or "").splitlines()
        seen, result = set(), []
        for title in (t.strip() for t in titles):
            if title and title not in seen:
                seen.add(title)
                result.append(title)
        return result


class EntryForm(ServiceErrorsMixin, EditorialForm):
    """Title, URL, summary and source; the version the edit started from (absent when
    creating).

    One per entry being edited (prefix `edit-<entry pk>`) and one per section to add to
    (`add-<section pk>`): for_entry and for_section make them, empty or bound to a POST."""

    title = PlainTextField(
        label=_("Title"),
        limit=model_limit(Entry, "title"),
        error_messages={"required": _("Title: it cannot be empty.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    url = LimitedText(
        label=_("URL"),
        limit=model_limit(Entry, "url"),
        error_messages={"required": _("URL: it cannot be empty.")},
        widget=forms.URLInput(
            attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}
        ),
        template_name="forms/url_field.html",
    )
    summary = PlainTextField(
        label=_("Summary"),
        limit=model_limit(Entry, "summary"),
        required=False,
        help_text=_("Plain text, needed before review. Links in it become clickable for readers."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    source_name = PlainTextField(
        label=_("Source (optional)"),
        limit=model_limit(Entry, "source_name"),
        required=False,
        help_text=_("The site or account readers see under the title; without it, the host."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    version = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args,
        issue_pk=None,
        entry_pk=None,
        check_on_load=False,
        suggests_from_url=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.issue_pk = issue_pk
        self.duplicates = []
        # The add form offers what the page at a pasted URL says (forms/url_field.html; the
        # inbox's url_suggestion view answers): these are the values it posts with the form's.
        self.suggests_from_url = suggests_from_url
        self.suggestion_vals = json.dumps(
            {"suggest_for": self.prefix or "", "issue": str(issue_pk or "")}
        )
        url = self.fields["url"]
        # The live check of the link (is it already used?) answers into the element named by
        # the "-check" suffix, which describes the field.
        url.describedby = ("-check",)
        url.widget.attrs.update(
            {
                "data-hx-get": reverse("editorial:check_url"),
                "data-hx-trigger": ("load, " if check_on_load else "")
                + "input changed delay:400ms",
                "data-hx-target": f"#{self['url'].auto_id}-check",
                "data-hx-swap": "innerHTML",
                "data-hx-sync": "this:replace",
                "data-hx-vals": json.dumps(
                    {
                        "field": self["url"].html_name,
                        "entry": str(entry_pk or ""),
                        "issue": str(issue_pk or ""),
                    }
                ),
            }
        )

    def locate(self, entry) -> None:
        """Point the link check at `entry`'s issue: for a form bound before the entry was read
        (a save reads it under the lock), shown again with its errors."""
        self.issue_pk = entry.section.issue_id
        attrs = self.fields["url"].widget.attrs
        attrs["data-hx-vals"] = json.dumps(
            {**json.loads(attrs["data-hx-vals"]), "issue": str(self.issue_pk)}
        )

    @classmethod
    def for_entry(cls, entry, data=None, **kwargs):
        """The edit form of `entry` (its text as initial values when not bound)."""
        kwargs.setdefault("check_on_load", True)
        issue_pk = entry.section.issue_id if entry.section_id else None
        options = {"issue_pk": issue_pk, "entry_pk": entry.pk, **kwargs}
        prefix = f"edit-{entry.pk}"
        if data is not None:
            return bind(cls, data, prefix=prefix, **options)
        options.setdefault(
            "initial",
            {
                "title": entry.title,
                "url": entry.url,
                "summary": entry.summary,
                "source_name": entry.source_name,
                "version": entry.version,
            },
        )
        # Initial text given without a source (an edit conflict's texts) keeps the entry's.
        options["initial"] = {"source_name": entry.source_name, **options["initial"]}
        return cls(prefix=prefix, **options)

    @classmethod
    def for_section(cls, section, data=None, **kwargs):
        """The form that adds an entry at the end of `section`."""
        kwargs = {"issue_pk": section.issue_id, "suggests_from_url": True, **kwargs}
        prefix = f"add-{section.pk}"
        if data is not None:
            return bind(cls, data, prefix=prefix, **kwargs)
        return cls(prefix=prefix, **kwargs)

    def typed(self, name: str) -> str:
        """What was posted for field `name`, as typed (empty when absent)."""
        return self.data.get(self.add_prefix(name), "") if self.is_bound else ""

    def clean_title(self):
        title = self.cleaned_data["title"]
        if not title.strip():
            raise ValidationError(_("Title: it cannot be empty."))
        return title

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.strip():
            raise ValidationError(_("URL: it cannot be empty."))
        return url


class UrlCheckForm(EditorialForm):
    """The page that says whether a link is already used (GET): its one field, described by
    the result below it."""

    url = LimitedText(
        label=_("URL"),
        limit=model_limit(Entry, "url"),
        widget=forms.URLInput(attrs={"inputmode": "url", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "check-%s")
        super().__init__(*args, **kwargs)
        self.fields["url"].describedby = ("-result",)


class SectionForm(ServiceErrorsMixin, EditorialForm):
    """A section's title: the rename form of each section (`rename-<pk>`) and the composer's
    form that adds a section (`section-create`)."""

    title = PlainTextField(
        label=_("New section title"),
        limit=model_limit(Section, "title"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    CREATE = "section-create"

    @classmethod
    def for_rename(cls, section, data=None):
        prefix = f"rename-{section.pk}"
        if data is not None:
            return bind(cls, data, prefix=prefix)
        return cls(prefix=prefix, initial={"title": section.title})

    @classmethod
    def for_create(cls, data=None):
        if data is not None:
            return bind(cls, data, prefix=cls.CREATE)
        return cls(prefix=cls.CREATE)


class QuickAddForm(ServiceErrorsMixin, EditorialForm):
    """Several entries pasted at once into a section (`quick-<section pk>`)."""

    text = forms.CharField(
        label=_("Paste entries"),
        max_length=QUICK_ADD_MAX,
        strip=False,
        help_text=_(
            "One entry per block, blocks separated by an empty line: the title, then the URL, "
            "then the summary (optional). A fragment of an issue in its markdown format works "
            "too. Nothing is added unless every entry is right."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    @classmethod
    def for_section(cls, section, data=None):
        prefix = f"quick-{section.pk}"
        if data is not None:
            return bind(cls, data, prefix=prefix)
        return cls(prefix=prefix)


class DraftPasteForm(ServiceErrorsMixin, EditorialForm):
    """A whole draft pasted into an issue (prefix `paste`, one per page): the text, and the
    section for the entries under no `## ` heading (the issue's sections; the first by
    default; absent while the issue has none). for_issue makes it, empty or bound."""

    PREFIX = "paste"

    text = forms.CharField(
        label=_("Paste a draft"),
        max_length=QUICK_ADD_MAX,
        strip=False,
        help_text=_(
            "The issue's markdown, or part of it: entries under a “## section title” line go to "
            "that section, and a section the issue does not have yet is added at the end. Lines "
            "of title, URL and summary, separated by empty lines, work too. Nothing is added "
            "unless every entry is right."
        ),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    section = forms.ModelChoiceField(
        label=_("Entries under no heading go to"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=None,
    )

    @classmethod
    def for_issue(cls, issue, data=None):
        form = bind(cls, data, prefix=cls.PREFIX) if data is not None else cls(prefix=cls.PREFIX)
        sections = Section.objects.filter(issue=issue).order_by("position")
        first = sections.first()
        if first is None:
            del form.fields["section"]
        else:
            form.fields["section"].queryset = sections
            form.fields["section"].initial = first.pk
        return form


class MoveForm(EditorialForm):
    """Where to move an entry or a section: one step up or down, a 1-based position, and for
    entries another section of the same issue. The buttons, the drag and drop and the form
    post the same plain names; the form's ids are the entry's (for_entry)."""

    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))], required=False)
    # Bounded as the columns are: a position is a 32-bit integer, an id a 64-bit one.
    position = forms.IntegerField(
        label=_("Position"),
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text=_("1 is the top; empty or a number past the end puts it last."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    section = forms.IntegerField(
        label=_("Section"), min_value=1, max_value=2**63 - 1, required=False, widget=forms.Select
    )

    @classmethod
    def for_entry(cls, entry, sections):
        """The form that moves `entry` to a position in one of `sections` (its own chosen)."""
        form = cls(auto_id=f"move-{entry.pk}-%s", initial={"section": entry.section_id})
        choices = [(section.pk, section.title) for section in sections]
        form.fields["section"].widget.choices = choices
        return form.focus("section")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("direction") or cleaned.get("position") or cleaned.get("section")):
            raise ValidationError(_("Say where to move it."))
        return cleaned
