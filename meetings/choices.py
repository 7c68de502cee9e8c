from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PLANNED = "planned", _("prévue")
    MOVED = "moved", _("déplacée")
    CANCELLED = "cancelled", _("annulée")
    HELD = "held", _("tenue")


class Response(models.TextChoices):
    YES = "yes", _("je viens")
    MAYBE = "maybe", _("peut-être")
    NO = "no", _("je ne viens pas")


#: Who hears a reminder the day before.
REMINDED = (Response.YES, Response.MAYBE)
