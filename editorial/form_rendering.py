"""How every editorial form renders: one field template (label, input, help, error, with the ids
that aria-describedby names), the limits taken from the models, and ids made unique by a form's
prefix where a page shows several forms of one kind; and how a service's refusal is put back on
the form that asked for it."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

from editorial.workflow.guards import TransitionError, Vanished


class FormRenderer(TemplatesSetting):
    """The project's templates (so a field group is `forms/field.html`), Django's widgets."""

    field_template_name = "forms/field.html"


def model_limit(model, name: str) -> int:
    """The stored limit of a model's text field: its max_length, or the limit of its
    MaxLengthValidator (TextFields). The one source of every form's maxlength."""
    field = model._meta.get_field(name)
    if field.max_length:
        return field.max_length
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator):
            return validator.limit_value
    raise LookupError(f"{model.__name__}.{name} has no length limit")


class DescribedBoundField(BoundField):
    """aria-describedby as Django builds it (help text, then errors), after the ids of the
    elements that the field's `describedby` names (suffixes of its id, such as the live URL
    check under a URL field)."""

    @property
    def aria_describedby(self):
        extra = [f"{self.auto_id}{suffix}" for suffix in getattr(self.field, "describedby", ())]
        ids = [*extra, super().aria_describedby or ""] if self.auto_id else []
        return " ".join(part for part in ids if part)


class EditorialForm(forms.Form):
    """Labels as written (no trailing colon), the field group of forms/field.html, and ids
    `<prefix>-<name>` when the form has a prefix: the prefix that tells several forms of one
    kind apart on a page (an entry's, a section's) then also makes their ids unique."""

    bound_field_class = DescribedBoundField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        if kwargs.get("prefix"):
            kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def focus(self, name: str | None):
        """Mark field `name` as the one the page focuses after a swap (data-focus)."""
        if name in self.fields:
            self.fields[name].widget.attrs["data-focus"] = True
        return self


def bind(form_class, data, *, prefix: str, **kwargs):
    """form_class bound to a POST as the rendered form sends it, its names under `prefix`. A
    post that names the fields plainly (a script, a page rendered before the prefix) is read
    under the prefix too, so that every door keeps working and the form that answers it has
    the ids of the page it goes into."""
    mark = f"{prefix}-"
    if not any(key.startswith(mark) for key in data):
        renamed = data.copy()
        renamed.clear()
        for key, values in data.lists():
            renamed.setlist(mark + key, values)
        data = renamed
    return form_class(data, prefix=prefix, **kwargs)


class LimitedText(forms.CharField):
    """Text with a stored limit (model_limit): the browser's maxlength is that limit; the form
    takes up to `slack` times as much, so that text the plain-text rule still shortens (runs of
    white space) reaches the rule, whose message counts the stored characters."""

    def __init__(self, *, limit: int, slack: int = 2, **kwargs):
        self.limit = limit
        kwargs.setdefault("max_length", limit * slack)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["maxlength"] = str(self.limit)
        return attrs


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
