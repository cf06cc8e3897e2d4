"""Existing rows under the plain-text rule, and the same-link key as a fixed-length digest.

Titles, summaries and section titles are cleaned by editorial.text.clean_text (the characters
no document can carry removed; nothing else changes for text the earlier rule had cleaned);
comments and correction notes lose those characters line by line. Then every entry's url_key
is recomputed as links.url_key (64 hex digits); 0004 then shrinks the column to 64 characters
(in its own transaction: PostgreSQL does not alter a table with row changes pending).
"""

import contextlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import migrations

from editorial.links import url_key
from editorial.text import clean_lines, clean_text, has_uncarriable

BATCH = 500


def _cleaned_title(value, fallback):
    return clean_text(value) or fallback


def clean_existing_text(apps, schema_editor):
    Section = apps.get_model("editorial", "Section")
    Entry = apps.get_model("editorial", "Entry")
    Comment = apps.get_model("editorial", "Comment")
    Revision = apps.get_model("editorial", "Revision")

    for section in Section.objects.order_by("issue_id", "position", "pk"):
        title = _cleaned_title(section.title, f"Section {section.position}")
        if title != section.title:
            taken = set(
                Section.objects.filter(issue_id=section.issue_id)
                .exclude(pk=section.pk)
                .values_list("title", flat=True)
            )
            base, n = title, 2
            while title in taken:  # cleaning made two titles of one issue equal
                title, n = f"{base} ({n})", n + 1
            section.title = title
            section.save(update_fields=["title"])

    changed = []
    for entry in Entry.objects.only("pk", "title", "summary", "url").iterator(chunk_size=BATCH):
        title = _cleaned_title(entry.title, entry.url[:300])
        summary = clean_text(entry.summary)
        if (title, summary) != (entry.title, entry.summary):
            entry.title, entry.summary = title, summary
            changed.append(entry)
    Entry.objects.bulk_update(changed, ["title", "summary"], batch_size=BATCH)

    for model, field in ((Comment, "body"), (Revision, "note")):
        rows = []
        for row in model.objects.only("pk", field).iterator(chunk_size=BATCH):
            value = getattr(row, field)
            if has_uncarriable(value):
                setattr(row, field, clean_lines(value))
                rows.append(row)
        model.objects.bulk_update(rows, [field], batch_size=BATCH)


def recompute_url_keys(apps, schema_editor, key=url_key):
    Entry = apps.get_model("editorial", "Entry")
    rows = []
    for entry in Entry.objects.only("pk", "url", "url_key").iterator(chunk_size=BATCH):
        entry.url_key = key(entry.url)
        rows.append(entry)
    Entry.objects.bulk_update(rows, ["url_key"], batch_size=BATCH)


def _earlier_url_key(url):
    # The key as 0001 stored it, so that migrating back leaves the earlier code working.
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()[:2048]
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    if port and port != {"http": 80, "https": 443}.get(scheme):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_")
        ]
    )
    key = urlunsplit(("", host, parts.path.rstrip("/"), query, "")).removeprefix("//")
    return key[:2048]


def restore_earlier_url_keys(apps, schema_editor):
    recompute_url_keys(apps, schema_editor, key=_earlier_url_key)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0002_roles")]

    operations = [
        migrations.RunPython(clean_existing_text, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(recompute_url_keys, restore_earlier_url_keys),
    ]
