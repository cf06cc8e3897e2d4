"""The canonical parser's refusals in the interface's language, for text pasted into a box.

The parser (editorial.canonical) speaks English for import_issue and the logs; each refusal
also carries a code and its details (CanonicalFormatError.code, .params), which are put into
words here, with the line of the box they are on: "第 12 行：…" / "Line 12: …".
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editorial.canonical import CanonicalFormatError
from editorial.links import validate_entry_url


def line_error(line: int, message: str, *, field: str = "text") -> ValidationError:
    """A refusal of the pasted text: {field: "Line N: message"} in the user's language."""
    return ValidationError(
        {field: _("Line %(line)d: %(message)s") % {"line": line, "message": message}}
    )


def format_error(error: CanonicalFormatError, *, field: str = "text") -> ValidationError:
    """The parser's refusal as line_error, its words translated from its code and details."""
    return line_error(error.line, _format_message(error.code, error.params), field=field)


def _empty_field_message(params: dict) -> str:
    if params["field"] == "section_title":
        return _("the section title is empty.")
    if params["field"] == "summary":
        return _("the summary of entry %(n)d is empty.") % params
    return _("the title of entry %(n)d is empty.") % params


def _text_message(params: dict) -> str:
    # Pasted fields are read by the plain-text rule, so emptiness is what remains to refuse.
    if params["problem"] == "is empty":
        return _empty_field_message(params)
    if params["field"] == "section_title":
        return _("the section title is not one line of plain text.")
    if params["field"] == "summary":
        return _("the summary of entry %(n)d is not one line of plain text.") % params
    return _("the title of entry %(n)d is not one line of plain text.") % params


def _url_message(params: dict) -> str:
    if params["problem"]:
        try:
            validate_entry_url(params["url"])
        except ValidationError as refusal:
            return refusal.messages[0]
        return _("the URL of entry %(n)d is not a valid web address.") % params
    return _("expected the URL of entry %(n)d on this line, starting with https:// or http://.") % (
        params
    )


# What each code of the parser says (with its params), where it is a sentence and no more.
_SENTENCES = {
    "not_utf8": gettext_lazy("this text is not valid UTF-8."),
    "entry_number": gettext_lazy(
        "expected entry number %(n)d, found %(found)s: within a section the numbers count up by "
        "one (they may start again at 1 for entries copied from another section)."
    ),
    "entry_title_line": gettext_lazy(
        "expected the title line of an entry (“**1.** **title**”) or a section heading "
        "(“## section title”)."
    ),
    "summary_empty": gettext_lazy(
        "the summary of entry %(n)d is empty: write it after “**摘要:**”, or leave the line out."
    ),
    "summary_label": gettext_lazy("write the summary label as “**摘要:**”, with an ASCII colon."),
    "summary_line": gettext_lazy(
        "expected the summary of entry %(n)d (“**摘要:** …”), the next entry or a section heading."
    ),
    "entry_before_section": gettext_lazy(
        "an entry before any section: put a section heading (“## section title”) above it."
    ),
    "empty_line": gettext_lazy("expected an empty line before this one."),
    "section_twice": gettext_lazy(
        "the section “%(title)s” appears twice (first on line %(first_line)d)."
    ),
    "section_empty": gettext_lazy("the section “%(title)s” has no entries under it."),
    "section_heading": gettext_lazy("expected a section heading (“## section title”)."),
    "heading": gettext_lazy("expected the issue heading “# %(publication)s 2024 年第三十二期”."),
    "publication": gettext_lazy(
        "the heading names the publication “%(found_publication)s”, not “%(publication)s”."
    ),
    "year": gettext_lazy("the heading's year must be four digits, such as 2024."),
    "numeral": gettext_lazy(
        "the heading's issue number must be in Chinese numerals, such as 三十二."
    ),
}
_SENTENCES["summary_missing"] = _SENTENCES["summary_line"]


def _format_message(code: str, params: dict) -> str:
    if code == "text":
        return _text_message(params)
    if code == "url_line":
        return _url_message(params)
    if code == "content":
        return params["problem"]  # the composer's own rules: already in the user's language
    if code in _SENTENCES:
        return str(_SENTENCES[code]) % params
    return _("this line does not follow the issue's markdown format.")
