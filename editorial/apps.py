from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Editorial")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from editorial import checks  # noqa: F401 - registers the system checks

        # The mail door's receivers, connected here so that every process (web, worker,
        # commands) has them: the providers' tracking events (bounces, complaints), and the
        # audit rows as they are written, which tell the team of transitions (every door
        # writes them through the same transitions).
        from editorial.mail import receivers  # noqa: F401
        from editorial.mail.notifications import events  # noqa: F401
        from editorial.roles import ensure_role_groups
        from editorial.search import ensure_search_triggers

        # After auth has made the permissions (its own post_migrate handler runs first).
        post_migrate.connect(
            ensure_role_groups, sender=self, dispatch_uid="editorial.ensure_role_groups"
        )
        post_migrate.connect(
            ensure_search_triggers, sender=self, dispatch_uid="editorial.ensure_search_triggers"
        )
