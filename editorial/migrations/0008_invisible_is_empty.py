"""Existing rows under "invisible is empty" (docs/format.md): a title, summary or section title
with nothing visible in it (white space and characters with no visible form only, such as
zero-width spaces) was stored as typed before; such text is empty now, and the canonical format
refuses it, so the rows that hold one could no longer be exported, previewed or published.

As 0003 did for the characters no document can carry: an empty section title becomes
"Section N" (N its position, told apart if taken), an empty entry title becomes the entry's URL,
an empty summary becomes "" (the entry then needs a summary again before review). Unlike 0003,
each change is audited as the services would (section_rename, entry_update with the version
moved on, no actor), so the history says what happened and replaying an entry's audit rows
still gives its text. Statuses are left as they are. Nothing to undo going back.
"""

from django.db import migrations

from editorial.search import entry_search_text
from editorial.text import is_blank

BATCH = 500
TITLE_MAX = 300
REASON = "Nothing visible in it: the text counts as empty (data migration 0008)."


def empty_invisible_text(apps, schema_editor):
    Section = apps.get_model("editorial", "Section")
    Entry = apps.get_model("editorial", "Entry")
    AuditEvent = apps.get_model("editorial", "AuditEvent")
    events = []

    for section in Section.objects.order_by("issue_id", "position", "pk"):
        if not is_blank(section.title):
            continue
        taken = set(
            Section.objects.filter(issue_id=section.issue_id)
            .exclude(pk=section.pk)
            .values_list("title", flat=True)
        )
        title = base = f"Section {section.position}"
        n = 2
        while title in taken:
            title, n = f"{base} ({n})", n + 1
        events.append(
            AuditEvent(
                issue_id=section.issue_id,
                subject=title,
                action="section_rename",
                comment=REASON,
                data={"section": section.pk, "title": [section.title, title]},
            )
        )
        section.title = title
        section.save(update_fields=["title"])

    changed = []
    entries = Entry.objects.select_related("section").only(
        "pk", "title", "url", "summary", "version", "section__issue_id"
    )
    for entry in entries.iterator(chunk_size=BATCH):
        changes = {}
        if is_blank(entry.title):
            changes["title"] = [entry.title, entry.url[:TITLE_MAX]]
        if entry.summary and is_blank(entry.summary):
            changes["summary"] = [entry.summary, ""]
        if not changes:
            continue
        for field, (_old, new) in changes.items():
            setattr(entry, field, new)
        entry.version += 1
        entry.search_text = entry_search_text(entry.title, entry.summary)
        changed.append(entry)
        events.append(
            AuditEvent(
                issue_id=entry.section.issue_id,
                entry_id=entry.pk,
                subject=entry.title[:TITLE_MAX],
                action="entry_update",
                comment=REASON,
                data=changes,
            )
        )
    Entry.objects.bulk_update(
        changed, ["title", "summary", "version", "search_text"], batch_size=BATCH
    )
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0007_inbox")]

    operations = [migrations.RunPython(empty_invisible_text, migrations.RunPython.noop)]
