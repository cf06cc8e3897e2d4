"""Input rules for entries and sections, shared by the admin, the composer and import.

Each rule names the field and what is wrong, in the user's language.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from editorial.links import validate_entry_url
from editorial.text import clean_text

# An entry's text: what an editor writes and the markdown file carries.
TEXT_FIELDS = ("title", "url", "summary")
# What readers see of an entry, so what a reviewer approves and four eyes counts: its text and
# the source named under its title (Entry.source_name, not in the markdown file).
REVIEWED_FIELDS = (*TEXT_FIELDS, "source_name")
TITLE_MAX = 300
SUMMARY_MAX = 2000
SECTION_TITLE_MAX = 200
COMMENT_MAX = 4000
# What the inbox keeps of a fetched page beyond title and summary.
SITE_NAME_MAX = 200
MAIN_TEXT_MAX = 20_000


def entry_field_errors(title: str, url: str, summary: str) -> dict[str, str]:
    """Problems with already-cleaned entry fields, by field name; empty when all is well."""
    errors = {}
    if not title:
        errors["title"] = _("Title: it cannot be empty.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Title: at most %(max)d characters (this one has %(len)d).") % {
            "max": TITLE_MAX,
            "len": len(title),
        }
    try:
        validate_entry_url(url)
    except ValidationError as error:
        errors["url"] = error.messages[0]
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = _("Summary: at most %(max)d characters (this one has %(len)d).") % {
            "max": SUMMARY_MAX,
            "len": len(summary),
        }
    return errors


def clean_entry_fields(title: str, url: str, summary: str) -> tuple[str, str, str]:
    """Entry fields as stored: plain one-line NFC text, the URL trimmed.

    Raises ValidationError with a message per field when a rule is broken.
    """
    cleaned = (clean_text(title), (url or "").strip(), clean_text(summary))
    errors = entry_field_errors(*cleaned)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_source_name(name: str) -> str:
    """An entry's source name as stored (the plain-text rule; "" for none); ValidationError
    ({"source_name": …}) when longer than SITE_NAME_MAX."""
    cleaned = clean_text(name or "")
    if len(cleaned) > SITE_NAME_MAX:
        raise ValidationError(
            {
                "source_name": _("Source: at most %(max)d characters (this one has %(len)d).")
                % {"max": SITE_NAME_MAX, "len": len(cleaned)}
            }
        )
    return cleaned


def clean_section_title(title: str) -> str:
    """A section title as stored; ValidationError when it is empty or too long."""
    cleaned = clean_text(title)
    if not cleaned:
        raise ValidationError({"title": _("Section title: it cannot be empty.")})
    if len(cleaned) > SECTION_TITLE_MAX:
        raise ValidationError(
            {"title": _("Section title: at most %(max)d characters.") % {"max": SECTION_TITLE_MAX}}
        )
    return cleaned


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,19}")


def form_int(value, *, low: int | None = None, high: int | None = None) -> int | None:
    """The whole number a form field (or a query parameter) carries, or None when it carries
    none: ASCII digits with an optional minus sign, within [low, high] when given. Python ints
    pass through (services are called from code too). The one reading of a number from a form:
    int() alone would also take " 7 ", "7_000" and other scripts' digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        number = int(value)
    else:
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def required_int(value, field: str, message, *, low: int | None = None, high: int | None = None):
    """form_int, or ValidationError({field: message}) when the form carries no such number."""
    number = form_int(value, low=low, high=high)
    if number is None:
        raise ValidationError({field: message})
    return number
