"""A user's permissions in one query instead of two.

Every editorial request checks a role (roles.is_editor and the like ask has_perm), and Django's
ModelBackend reads the user's own permissions and their groups' in two queries. This backend,
listed before ModelBackend, reads both together into the same per-request cache
(`user._perm_cache`, the set ModelBackend keeps), so ModelBackend, asked after it about a
permission the user lacks, answers from that cache. It signs no one in: logging in and the
user of a session is found as ModelBackend finds it.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class PermissionsBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        return None  # passwords are ModelBackend's, next in the list

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{label}.{codename}" for label, codename in rows}
        return user_obj._perm_cache
