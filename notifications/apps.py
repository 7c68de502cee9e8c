from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Follows, events, notifications (a page, emails at once or as digests) and private feeds.

    Above ``workinggroups`` and ``documents``: it listens to their signals and reads their rules of who
    may see what; nothing below it knows it exists (docs/architecture.md)."""

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported once the app registry is ready (Django's rule for models and signal receivers).
        from . import events

        events.connect()
