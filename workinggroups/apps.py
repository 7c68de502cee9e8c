from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkingGroupsConfig(AppConfig):
    name = "workinggroups"
    verbose_name = _("Groupes de travail")

    def ready(self):
        # Imported once the app registry is ready (Django's rule for models and signal receivers).
        from django.db.models.signals import post_migrate

        from . import signals, workflow  # noqa: F401 - connect the page, membership and workflow handlers
        from .moderation_feedback import connect as connect_moderation_feedback
        from .notifications import connect as connect_notifications
        from .roles import ensure_roles_after_migrate
        from .workflow import connect_page_guards

        connect_notifications()
        connect_moderation_feedback()
        connect_page_guards()

        post_migrate.connect(ensure_roles_after_migrate, sender=self)
