"""The two editorial roles: Django groups made, with their permissions, by migration 0002."""

EDITORS = "Editors"
REVIEWERS = "Reviewers"


def is_editor(user) -> bool:
    """May compose: an active editor, reviewer or superuser."""
    return bool(user.is_active and user.has_perm("editorial.change_entry"))


def is_reviewer(user) -> bool:
    """May approve entries and publish issues."""
    return bool(user.is_active and user.has_perm("editorial.review_entry"))


def can_publish(user) -> bool:
    return bool(user.is_active and user.has_perm("editorial.publish_issue"))
