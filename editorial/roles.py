"""The two editorial roles: Django groups with their permissions.

Migration 0002 creates them; `ensure_role_groups` keeps them in place after every migrate and
flush (a test database flush empties every table, groups included).
"""

EDITORS = "Editors"
REVIEWERS = "Reviewers"

_EDITOR_PERMISSIONS = [
    "add_issue", "change_issue", "view_issue",
    "add_section", "change_section", "view_section", "delete_section",
    "add_entry", "change_entry", "view_entry", "delete_entry",
    "add_comment", "change_comment", "view_comment",
    "view_revision", "view_auditevent",
]  # fmt: skip
GROUP_PERMISSIONS = {
    EDITORS: _EDITOR_PERMISSIONS,
    # Reviewers manage the subscribers in the admin: the list, its actions and the import.
    REVIEWERS: [
        *_EDITOR_PERMISSIONS,
        "review_entry",
        "publish_issue",
        "view_subscriber",
        "change_subscriber",
        "add_subscriber",
    ],
}


def ensure_role_groups(**kwargs) -> None:
    """Create the role groups if missing and give them their permissions (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="editorial", codename__in=codenames
        )
        if set(group.permissions.all()) != set(permissions):
            group.permissions.set(permissions)


def is_editor(user) -> bool:
    """May compose: an active editor, reviewer or superuser."""
    return bool(user.is_active and user.has_perm("editorial.change_entry"))


def is_reviewer(user) -> bool:
    """May approve entries and publish issues."""
    return bool(user.is_active and user.has_perm("editorial.review_entry"))


def can_publish(user) -> bool:
    """May publish, schedule and reopen issues."""
    return bool(user.is_active and user.has_perm("editorial.publish_issue"))


def team(*, reviewers_only: bool = False):
    """The active users holding a role (editors and reviewers; with `reviewers_only`, the
    reviewers), superusers included: a User queryset, each user once."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    groups = [REVIEWERS] if reviewers_only else [EDITORS, REVIEWERS]
    members = Q(groups__name__in=groups) | Q(is_superuser=True)
    return get_user_model().objects.filter(members, is_active=True).distinct()
