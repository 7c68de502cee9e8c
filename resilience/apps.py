from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResilienceConfig(AppConfig):
    """How the intranet keeps serving when a part it uses fails (docs/operations.md, "When a part
    fails"): the cache that costs speed and not service, the rate-limited reports of an outage."""

    name = "resilience"
    verbose_name = _("Résilience")
