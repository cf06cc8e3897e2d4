"""The publication state is now read again about once a second by each app process
(editorial.reader_state) instead of being pushed by a notification: the trigger of
0006_reader_notify goes. An index on (issue, published_at) answers what readers may see without
reading the revisions' rows (SQLite would step through each one's markdown to reach its time)."""

from django.db import migrations, models

DROP = """
DROP TRIGGER IF EXISTS editorial_revision_notify ON editorial_revision;
DROP FUNCTION IF EXISTS editorial_revision_notify();
"""

CREATE = """
CREATE OR REPLACE FUNCTION editorial_revision_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('digest_reader_state', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER editorial_revision_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON editorial_revision
    FOR EACH STATEMENT EXECUTE FUNCTION editorial_revision_notify();
"""


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0008_invisible_is_empty")]

    operations = [
        migrations.RunPython(drop_trigger, create_trigger),
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(
                fields=["issue", "published_at"], name="revision_issue_published_at"
            ),
        ),
    ]
