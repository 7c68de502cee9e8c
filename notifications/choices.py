from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened. The first six reach followers (or the group's members, for minutes) who may see
    it; the last two are answers to the person themselves."""

    REPORT = "report", _("compte rendu publié")
    RECOMMENDATION = "recommendation", _("recommandation publiée")
    POSITION = "position", _("position du Conseil d'administration")
    ASSEMBLY = "assembly", _("décision de l'assemblée générale")
    FOLLOW_UP = "follow_up", _("suivi d'une recommandation")
    MINUTES = "minutes", _("procès-verbal ajouté à votre groupe")
    ACCESS = "access", _("réponse à votre demande d'accès")
    MODERATION = "moderation", _("votre page renvoyée ou approuvée")


#: Answers to the person themselves: already emailed at once by the access-request and moderation
#: emails (documents/notifications.py, Wagtail's moderation emails), so not emailed again here; they
#: are on the notifications page and in the feed.
PERSONAL_KINDS = (Kind.ACCESS, Kind.MODERATION)
#: The kinds whose emails each person chooses.
CHOSEN_KINDS = tuple(kind for kind in Kind if kind not in PERSONAL_KINDS)


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("à chaque fois")
    DAILY = "daily", _("un résumé par jour")
    WEEKLY = "weekly", _("un résumé par semaine")
    NEVER = "never", _("jamais")


#: What each kind is worth when the person has not chosen.
DEFAULT_FREQUENCY = {
    Kind.REPORT: Frequency.DAILY,
    Kind.RECOMMENDATION: Frequency.DAILY,
    Kind.POSITION: Frequency.DAILY,
    Kind.ASSEMBLY: Frequency.IMMEDIATE,
    Kind.FOLLOW_UP: Frequency.WEEKLY,
    Kind.MINUTES: Frequency.DAILY,
}
DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)
