"""Typed text inside a sentence on a page (a notice, a confirmation, a label): escaped and
isolated in <bdi>, so a direction mark typed in a title (U+202E and the like) cannot turn the
rest of the sentence around. HTML only: a sentence for the console or a log takes its values
as they are."""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def isolated(text) -> SafeString:
    """`text` escaped, inside <bdi>."""
    return format_html("<bdi>{}</bdi>", text)


def sentence(template: str, **values) -> SafeString:
    """A translated sentence with typed text in it (gettext's %(name)s placeholders): the
    sentence escaped, each value isolated (numbers as they are)."""
    isolated_values = {
        name: value if isinstance(value, int) else isolated(value) for name, value in values.items()
    }
    return mark_safe(conditional_escape(template) % isolated_values)  # noqa: S308 - all escaped
