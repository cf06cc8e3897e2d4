"""Search by the NFKC case-folded rule: the folded text of every entry, and its index (SQLite
FTS5 with the trigram tokenizer, PostgreSQL pg_trgm). See editorial/search.py."""

from django.db import migrations, models

from editorial.search import create_search_index, drop_search_index, entry_search_text

BATCH = 500


def fill_search_text(apps, schema_editor):
    Entry = apps.get_model("editorial", "Entry")
    rows = []
    for entry in Entry.objects.only("pk", "title", "summary").iterator(chunk_size=BATCH):
        entry.search_text = entry_search_text(entry.title, entry.summary)
        rows.append(entry)
    Entry.objects.bulk_update(rows, ["search_text"], batch_size=BATCH)


def create_index(apps, schema_editor):
    create_search_index(schema_editor)


def drop_index(apps, schema_editor):
    drop_search_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0004_url_key_digest")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
