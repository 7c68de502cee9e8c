from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Meetings before their report: planning, answers (yes, no, maybe), the calendar, iCal feeds and
    invitations.

    Above ``notifications`` (a person's calendar follows what they follow, with the same secret key as
    their feeds) and below ``home`` (the next meetings on the home page); ``workinggroups`` does not know
    it exists: a report finds its meeting through the ``meeting_report_context`` hook
    (docs/architecture.md)."""

    name = "meetings"
    verbose_name = _("Réunions")
    default_auto_field = "django.db.models.BigAutoField"
