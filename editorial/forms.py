"""Forms of the composer screens. They only collect input: the rules themselves live in
rules.py and the services, whose ValidationError messages are put back on the form's fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from editorial.guards import TransitionError, Vanished
from editorial.links import MAX_URL_LENGTH
from editorial.models import Issue
from editorial.rules import SECTION_TITLE_MAX, SUMMARY_MAX, TITLE_MAX
from editorial.text import clean_text

QUICK_ADD_MAX = 100_000


class ServiceErrorsMixin:
    """Put a service's ValidationError on the form: known fields on the field, others on top."""

    def run_service(self, action):
        """Call action(cleaned_data) if the form is valid; a service's refusal becomes this
        form's errors. What action returned, or None when the form or the service refused."""
        if not self.is_valid():
            return None
        try:
            return action(self.cleaned_data)
        except ValidationError as error:
            self.add_service_error(error)
        except Vanished:
            raise  # not this form's fault: the view answers 409 and redraws the section
        except TransitionError as error:
            self.add_error(None, error.message)
        return None

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                known = name in self.fields and not self.fields[name].widget.is_hidden
                target = name if known else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class PlainTextField(forms.CharField):
    """Text by the plain-text rule (text.clean_text) before any check, so that a NUL or another
    character no document can carry is removed as the rule says, not refused."""

    def to_python(self, value):
        return clean_text(super().to_python(value))


class IssueCreateForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1000, max_value=9999)
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=9999)
    sections = forms.MultipleChoiceField(
        label=_("Sections from the previous issue"), required=False
    )
    extra_sections = forms.CharField(
        label=_("More sections, one title per line"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, previous_titles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(title, title) for title in previous_titles]

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


class EntryForm(ServiceErrorsMixin, forms.Form):
    """Title, URL and summary; the version the edit started from (absent when creating)."""

    title = PlainTextField(label=_("Title"), max_length=TITLE_MAX * 2, required=False)
    url = forms.CharField(label=_("URL"), max_length=MAX_URL_LENGTH * 2, required=False)
    summary = PlainTextField(
        label=_("Summary"), max_length=SUMMARY_MAX * 2, required=False, widget=forms.Textarea
    )
    version = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

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


class SectionForm(ServiceErrorsMixin, forms.Form):
    title = PlainTextField(label=_("Section title"), max_length=SECTION_TITLE_MAX * 2)


class QuickAddForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label=_("Paste entries"), max_length=QUICK_ADD_MAX, strip=False, widget=forms.Textarea
    )


class MoveForm(forms.Form):
    """Where to move an entry or a section: one step up or down, a 1-based position, and for
    entries another section of the same issue."""

    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))], required=False)
    # Bounded as the columns are: a position is a 32-bit integer, an id a 64-bit one.
    position = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    section = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("direction") or cleaned.get("position") or cleaned.get("section")):
            raise ValidationError(_("Say where to move it."))
        return cleaned
