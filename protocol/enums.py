from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DelegationKind(models.TextChoices):
    GOVERNMENT = "government", _("A country's government")
    INTERNATIONAL = "international_org", _("International organization")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class CardStatus(models.TextChoices):
    """An invitation card's state. Invited: sent, no reply yet. Accepted / declined: the invitee's
    reply. Substitute proposed: the invitee proposed someone in their place, an organizer decides
    (approved: this card becomes `replaced` and the substitute gets a card of their own; refused:
    the card is back to invited). Cancelled: withdrawn by an organizer."""

    INVITED = "invited", _("Invited, no reply yet")
    ACCEPTED = "accepted", pgettext_lazy("an invitation card's reply", "Accepted")
    DECLINED = "declined", pgettext_lazy("an invitation card's reply", "Declined")
    SUBSTITUTE_PROPOSED = "substitute_proposed", _("Substitute proposed")
    REPLACED = "replaced", _("Replaced by a substitute")
    CANCELLED = "cancelled", _("Cancelled")


ANSWERED = (CardStatus.ACCEPTED, CardStatus.DECLINED, CardStatus.SUBSTITUTE_PROPOSED, CardStatus.REPLACED)


class PlanLayout(models.TextChoices):
    TABLES = "tables", _("Round tables")
    ROWS = "rows", _("Theatre rows")
