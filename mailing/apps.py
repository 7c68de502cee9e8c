from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    """Every email the intranet sends goes through an outbox in the database and is delivered by the
    task queue (Celery), so that a slow or absent mail server, a worker that dies, or a broker that is
    down never slows a request nor loses an email (docs/operations.md, "Emails and the task queue")."""

    name = "mailing"
    verbose_name = _("Envoi des emails")
    default_auto_field = "django.db.models.BigAutoField"
