"""On PostgreSQL, every change to the revisions readers see sends a notification (delivered when
its transaction commits), so that app servers can keep the publication state in memory between
changes instead of asking for it on every request (editorial.state_connection). A trigger, so
that nothing that writes revisions (workflow, import, admin, SQL) can forget it."""

from django.db import migrations

CHANNEL = "digest_reader_state"

CREATE = f"""
CREATE OR REPLACE FUNCTION editorial_revision_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER editorial_revision_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON editorial_revision
    FOR EACH STATEMENT EXECUTE FUNCTION editorial_revision_notify();
"""

DROP = """
DROP TRIGGER IF EXISTS editorial_revision_notify ON editorial_revision;
DROP FUNCTION IF EXISTS editorial_revision_notify();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0005_search")]

    operations = [migrations.RunPython(create, drop)]
