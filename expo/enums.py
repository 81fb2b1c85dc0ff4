from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExpoField(models.TextChoices):
    """The controlled list of fields an exhibitor shows (2020: 人工智能、云计算、大数据、区块链、5G;
    2024: 低空经济、智能网联汽车、人形机器人、数字文创...). A UI vocabulary, not a seeded fact."""

    AI = "ai", _("Artificial intelligence")
    CLOUD = "cloud", _("Cloud computing")
    BIG_DATA = "big_data", _("Big data")
    BLOCKCHAIN = "blockchain", _("Blockchain")
    FIVE_G = "5g", _("5G")
    IOT = "iot", _("Internet of Things")
    CONNECTED_VEHICLES = "connected_vehicles", _("Connected vehicles")
    ROBOTICS = "robotics", _("Robotics")
    LOW_ALTITUDE = "low_altitude", _("Low-altitude economy")
    DIGITAL_CULTURE = "digital_culture", _("Digital culture and creative industries")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    INDUSTRIAL_INTERNET = "industrial_internet", _("Industrial internet")
    DIGITAL_HEALTH = "digital_health", _("Digital health")
    QUANTUM = "quantum", _("Quantum technology")
    SMART_CITY = "smart_city", _("Smart city")
    E_COMMERCE = "e_commerce", _("E-commerce and digital trade")
    OTHER = "other", _("Other")


class ExhibitorStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


# The organizers' decisions; nothing else changes an exhibitor's status.
DECISIONS: dict[str, tuple[str, ...]] = {
    ExhibitorStatus.PENDING: (ExhibitorStatus.APPROVED, ExhibitorStatus.DECLINED),
    ExhibitorStatus.APPROVED: (),
    ExhibitorStatus.DECLINED: (),
}


class BoothSize(models.IntegerChoices):
    """Booth sizes an applicant may ask for, in square metres."""

    STANDARD = 9, _("Standard booth, 9 m²")
    DOUBLE = 18, _("Double booth, 18 m²")
    SPACE_36 = 36, _("Raw space, 36 m²")
    SPACE_72 = 72, _("Raw space, 72 m²")
    SPACE_144 = 144, _("Raw space, 144 m²")


class ZoneKind(models.TextChoices):
    DEVELOPMENT_IDEAS = "development_ideas", _("Development-ideas zone")  # 发展理念区 (2020)
    THEME = "theme", _("Theme zone")  # 主题展区 (2020)
    FEATURE = "feature", _("Feature zone")  # 特色展区 (2024)
    OTHER = "other", _("Zone")


class ExhibitKind(models.TextChoices):
    """What a named project is: shown at the expo, or a smart-service project of the venue that a
    text files under the conference services (2017: "会务服务 … 阿里无人超市等26项智慧化项目基本落地")."""

    EXHIBIT = "exhibit", _("Shown at the expo")
    SMART_SERVICE = "smart_service", _("Smart-service project of the venue")


class MeetingStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("meeting", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("meeting", "Accepted")
    DECLINED = "declined", pgettext_lazy("meeting", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


MEETING_MINUTES = (15, 30, 45, 60)
