from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueKind(models.TextChoices):
    CONVENTION_CENTER = "convention_center", _("Convention center")
    HOTEL = "hotel", _("Hotel")
    THEATRE = "theatre", _("Theatre")
    OUTDOOR = "outdoor", _("Outdoor site")
    OTHER = "other", _("Other")


class SessionKind(models.TextChoices):
    CEREMONY = "ceremony", _("Ceremony")
    PLENARY = "plenary", _("Plenary")
    MAIN_FORUM = "main_forum", _("Main forum")
    SUB_FORUM = "sub_forum", _("Sub-forum")
    LAUNCH = "launch", _("Launch")
    BANQUET = "banquet", _("Banquet")
    PERFORMANCE = "performance", _("Performance")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    CAFE_TALK = "cafe_talk", _("Café talk")
    ACTIVITY = "activity", _("Activity")
    MEETING = "meeting", _("Meeting")
    EXHIBITION = "exhibition", _("Exhibition")
    AWARD_CEREMONY = "award_ceremony", _("Award ceremony")
    TRAINING = "training", _("Training")


class Access(models.TextChoices):
    """What the texts say about who may attend an item. `Session.access` holds the admission rule
    (one of the first four); 闭门会 is a flag of its own (`Session.closed_door`), since the texts
    give it together with an admission rule (002: 网络安全闭门会(应邀出席)). `closed_door` stays a
    value here for the API's single `access` value and its filter."""

    NOT_STATED = "not_stated", _("Not stated")  # the texts give no access rule: shown as nothing, never as "open"
    OPEN = "open", _("Open")
    BY_INVITATION = "by_invitation", _("By invitation card")  # 凭请柬
    INVITED_ONLY = "invited_only", _("Invited participants only")  # 应邀出席 / 应邀与会
    CLOSED_DOOR = "closed_door", _("Closed-door")  # 闭门会


ADMISSION_CHOICES = [(value, label) for value, label in Access.choices if value != Access.CLOSED_DOOR]


class Period(models.TextChoices):
    """A coarse time of day for items the texts do not give a clock time for."""

    MORNING = "morning", _("Morning")
    NOON = "noon", _("Noon")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")
    ALL_DAY = "all_day", _("All day")


class OutcomeKind(models.TextChoices):
    REPORT = "report", _("Report")
    INITIATIVE = "initiative", _("Initiative")
    STATEMENT = "statement", _("Statement")
    DOCUMENT = "document", _("Document")
    LIST = "list", _("List")
    AGREEMENT = "agreement", _("Agreement")
    OTHER = "other", _("Other")
