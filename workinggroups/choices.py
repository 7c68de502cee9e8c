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


class DecisionStatus(models.TextChoices):
    RECEIVED = "received", _("reçue par le Conseil")
    UNDER_ANALYSIS = "under_analysis", _("en cours d'analyse")
    ADOPTED = "adopted", _("adoptée")
    AMENDED = "amended", _("adoptée avec amendement")
    DEFERRED = "deferred", _("reportée")
    REJECTED = "rejected", _("rejetée")
    PRESENTED = "presented", _("présentée à l'assemblée générale")
    IMPLEMENTED = "implemented", _("mise en œuvre")


def in_order(statuses):
    """Statuses in the order of the lifecycle, for messages and menus."""
    return sorted(statuses, key=list(DecisionStatus).index)


#: The rich text features of the intranet's pages.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
