"""Input rules for entries and sections, shared by the admin, the composer and import.

Each rule names the field and what is wrong, in the user's language.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from editorial.links import validate_entry_url
from editorial.text import clean_text

TITLE_MAX = 300
SUMMARY_MAX = 2000
SECTION_TITLE_MAX = 200
COMMENT_MAX = 4000


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
