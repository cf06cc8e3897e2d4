"""Create the Editors and Reviewers groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Editors": [
        "add_issue",
        "change_issue",
        "view_issue",
        "add_section",
        "change_section",
        "view_section",
        "delete_section",
        "add_entry",
        "change_entry",
        "view_entry",
        "delete_entry",
        "add_comment",
        "change_comment",
        "view_comment",
        "view_revision",
        "view_auditevent",
    ],
}
GROUP_PERMISSIONS["Reviewers"] = [*GROUP_PERMISSIONS["Editors"], "review_entry", "publish_issue"]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so they can be granted.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="editorial", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
