"""What a page answered: its messages, whether it is a whole page, whether its HTML is valid;
the issue's entries as rows."""

import re

import html5lib
from django.contrib.messages import get_messages

from editorial.models import Entry


def entries_of(issue) -> list[tuple[str, int, str]]:
    """(section title, position, entry title) in reading order, fresh from the database."""
    return list(
        Entry.objects.filter(section__issue=issue)
        .order_by("section__position", "position")
        .values_list("section__title", "position", "title")
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def is_full_page(response) -> bool:
    return response.content.lstrip().lower().startswith(b"<!doctype html>")


def assert_valid_html(html: str | bytes) -> None:
    """Strict HTML5 parse of a whole page; html5lib raises on the first error."""
    if isinstance(html, bytes):
        html = html.decode()
    html5lib.HTMLParser(strict=True).parse(html)


def assert_valid_fragment(html: str | bytes) -> None:
    """A fragment is valid once wrapped in a minimal document."""
    if isinstance(html, bytes):
        html = html.decode()
    assert not html.lstrip().lower().startswith("<!doctype"), "a fragment, not a page"
    head = "<!DOCTYPE html><html lang=en><head><title>t</title></head>"
    assert_valid_html(f"{head}<body>{html}</body></html>")


HEAD = "<!DOCTYPE html><html lang=en><head><title>t</title></head>"


def check_html(html: str) -> None:
    """Strict HTML5 (html5lib raises on the first error), unique ids, every field labelled."""
    document = (
        html
        if html.lstrip().lower().startswith("<!doctype")
        else (f"{HEAD}<body>{html}</body></html>")
    )
    html5lib.HTMLParser(strict=True).parse(document)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    fields = re.findall(r"<(?:textarea|select|input)\b[^>]*>", html)
    for field in fields:
        if re.search(r'type="(hidden|submit)"', field):
            continue
        field_id = re.search(r'\sid="([^"]+)"', field)
        assert field_id and field_id.group(1) in labelled, f"unlabelled field: {field}"
