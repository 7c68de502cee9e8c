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


class Fact(models.TextChoices):
    """The three things members ask about a recommendation, each with its own history."""

    POSITION = "position", _("position du Conseil")
    ASSEMBLY = "assembly", _("assemblée générale")
    FOLLOW_UP = "follow_up", _("suivi")


class BoardPosition(models.TextChoices):
    RECEIVED = "received", _("reçue par le Conseil")
    UNDER_ANALYSIS = "under_analysis", _("en cours d'analyse")
    ADOPTED = "adopted", _("adoptée telle quelle")
    AMENDED = "amended", _("adoptée avec amendement")
    MERGED = "merged", _("fusionnée dans une autre")
    DEFERRED = "deferred", _("reportée")
    REJECTED = "rejected", _("rejetée")


class AssemblyOutcome(models.TextChoices):
    PENDING = "pending", _("pas encore présentée")
    ADOPTED = "adopted", _("adoptée par l'assemblée")
    AMENDED = "amended_in_session", _("amendée en séance")
    REJECTED = "rejected", _("rejetée par l'assemblée")


class FollowUp(models.TextChoices):
    NOT_STARTED = "not_started", _("pas commencée")
    IN_PROGRESS = "in_progress", _("en cours")
    DONE = "done", _("réalisée")
    ABANDONED = "abandoned", _("abandonnée")


#: Each fact's values, in the order of its life.
FACT_VALUES = {Fact.POSITION: BoardPosition, Fact.ASSEMBLY: AssemblyOutcome, Fact.FOLLOW_UP: FollowUp}


def in_order(values, fact=Fact.POSITION):
    """A fact's values in the order of its life, for messages and menus."""
    return sorted(values, key=list(FACT_VALUES[fact]).index)


#: The rich text features of the intranet's pages.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
