"""Tasks queued before the inbox became a door of its own name their function by its old dotted
path (django_tasks_db stores it in DBTaskResult.task_path); the worker imports that path to run
the task, so rows still waiting (or to be retried) are pointed at editorial.inbox.tasks."""

from django.db import migrations

MOVED = {
    "editorial.tasks.fetch_inbox_page": "editorial.inbox.tasks.fetch_inbox_page",
    "editorial.tasks.check_entry_links": "editorial.inbox.tasks.check_entry_links",
}


def forwards(apps, schema_editor):
    _rename(apps, MOVED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in MOVED.items()})


def _rename(apps, paths):
    try:
        result = apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:  # the database task backend is not installed
        return
    for old, new in paths.items():
        result.objects.filter(task_path=old).update(task_path=new)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0009_reader_state_index"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
