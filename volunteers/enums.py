from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    STANDBY = "standby", _("On standby")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The organizers' decisions; nothing else changes an application's status.
DECISIONS: dict[str, tuple[str, ...]] = {
    VolunteerStatus.APPLIED: (VolunteerStatus.ACCEPTED, VolunteerStatus.STANDBY, VolunteerStatus.DECLINED),
    VolunteerStatus.STANDBY: (VolunteerStatus.ACCEPTED, VolunteerStatus.DECLINED),
    VolunteerStatus.ACCEPTED: (VolunteerStatus.STANDBY, VolunteerStatus.DECLINED),
    VolunteerStatus.DECLINED: (),
    VolunteerStatus.WITHDRAWN: (),
}


class Language(models.TextChoices):
    """Foreign languages a volunteer may speak (the 2017 text names German, Korean, Spanish and
    Arabic among ten); Chinese is assumed of every volunteer."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    ARABIC = "ar", _("Arabic")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    ITALIAN = "it", _("Italian")
    THAI = "th", _("Thai")
    VIETNAMESE = "vi", _("Vietnamese")


class LanguageLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    WORKING = "working", _("Working")
    FLUENT = "fluent", _("Fluent")
    NATIVE = "native", _("Native")


# A shift's required language counts as spoken from this level on.
SERVICE_LEVELS = (LanguageLevel.WORKING, LanguageLevel.FLUENT, LanguageLevel.NATIVE)


class ModuleKind(models.TextChoices):
    """The three stages of training the 2017 text names: 通识培训, 专业培训, 岗位演练."""

    GENERAL = "general", _("General training")
    PROFESSIONAL = "professional", _("Professional training")
    DRILL = "drill", _("On-post drill")


class PostKind(models.TextChoices):
    HALL_SERVICE = "hall_service", _("Hall service")
    GUEST_LIAISON = "guest_liaison", _("Guest liaison")
    REGISTRATION_DESK = "registration_desk", _("Registration desk")
    MEDIA_CENTRE = "media_centre", _("Media centre")
    TRANSPORT = "transport", _("Transport")
    EXPO_GUIDE = "expo_guide", _("Expo guide")
    INFORMATION = "information", _("Information point")
    OTHER = "other", _("Other")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    NO_SHOW = "no_show", _("No-show")
    DROPPED = "dropped", _("Dropped")


class AssignmentSource(models.TextChoices):
    MANUAL = "manual", _("Assigned by an organizer")
    AUTO = "auto", _("Auto-roster")
    STANDBY = "standby", _("Standby backfill")
    SWAP = "swap", _("Swap")


class Arrival(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Departure(models.TextChoices):
    EARLY = "early", _("Left early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Stayed late")


class ChangeKind(models.TextChoices):
    DROP = "drop", _("Drop")
    SWAP = "swap", _("Swap with a colleague")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    TAKEN = "taken", _("Place already taken")
    EXPIRED = "expired", _("Expired")


class CheckVia(models.TextChoices):
    SELF = "self", _("Volunteer's phone")
    LEAD_SCAN = "lead_scan", _("Lead scanned the QR code")
    LEAD_PICK = "lead_pick", _("Lead picked from the list")
