"""Enumerations shared by the summit-wide models."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Qualifier(models.TextChoices):
    """How exact a reported figure is, in the texts' own words."""

    EXACT = "exact", _("exactly")
    AT_LEAST = "at_least", _("more than")  # 多, 余, 超过, 以上
    ABOUT = "about", _("about")  # 约
    NEARLY = "nearly", _("nearly")  # 近


class DatePrecision(models.TextChoices):
    """How much of a date a text gives: the day ("2024年9月11日") or only the month ("2024年5月").
    A month-precise date is stored as the month's first day and never shown with a day."""

    DAY = "day", pgettext_lazy("date precision", "day")
    MONTH = "month", pgettext_lazy("date precision", "month")


class DescribedItemKind(models.TextChoices):
    """What an edition's described content is: the texts' lists of its characteristics (特点),
    the topics discussed (议题), its brand activities and its host-city (永久举办地特色) activities."""

    CHARACTERISTIC = "characteristic", _("Characteristic")
    TOPIC = "topic", _("Topic")
    ACTIVITY = "activity", _("Activity")
    HOST_CITY_ACTIVITY = "host_city_activity", _("Host-city activity")


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government body")
    INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
    ENTERPRISE = "enterprise", _("Enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ASSOCIATION = "association", _("Association")
    MEDIA = "media", _("Media")
    THINK_TANK = "think_tank", _("Think tank")
    OTHER = "other", _("Other")


class OrganizationRole(models.TextChoices):
    """An organization's role in an edition or a session (主办 / 协办 / 承办 / 支持 / 指导 / 发起)."""

    HOST = "host", _("Host")
    CO_HOST = "co_host", _("Co-host")
    ORGANIZER_ON_SITE = "organizer_on_site", _("Organizer on site")
    SUPPORTER = "supporter", _("Supporter")
    GUIDE = "guide", _("Under the guidance of")
    INITIATOR = "initiator", _("Initiated by")


class MemberTier(models.TextChoices):
    """Tiers of membership of the WIC international organization."""

    COUNCIL = "council", _("Council member")
    SENIOR = "senior", _("Senior member")
    MEMBER = "member", _("Member")
    INDIVIDUAL = "individual", _("Individual member")
    ASSOCIATE = "associate", _("Associate member")
    NONPROFIT = "nonprofit", _("Non-profit member")


class TokenScope(models.TextChoices):
    """What an API token may do (wic.ApiToken)."""

    ALL = "all", _("Everything its account may do")
    READ = "read", _("Read only")
    SCAN = "scan", _("Gate scans only")
    LEAD = "lead", _("Volunteer lead")
    INTEGRATION = "integration", _("Integration (named scopes)")
