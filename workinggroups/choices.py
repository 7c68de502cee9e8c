from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeStatus(models.TextChoices):
    OPEN = "open", _("en cours")
    CLOSED = "closed", _("clôturé")


class MembershipRole(models.TextChoices):
    FACILITATOR = "facilitator", _("animateur·rice")
    BOARD_LIAISON = "board_liaison", _("membre du Conseil d'administration")
    MEMBER = "member", _("membre")


class StakeholderProfile(models.TextChoices):
    USER = "user", _("utilisateur·rice")
    CLIENT = "client", _("client·e")
    PARTNER = "partner", _("partenaire")
    STAFF = "staff", _("employé·e permanent·e")


class MeetingKind(models.TextChoices):
    MONTHLY = "monthly", _("réunion mensuelle")
    HEARING = "hearing", _("audition d'experts")
    VISIT = "visit", _("visite de structure")
