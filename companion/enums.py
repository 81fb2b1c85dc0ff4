from django.db import models
from django.utils.translation import gettext_lazy as _


class ServicePointKind(models.TextChoices):
    """The service points issue 25 names (001: 桐小乌 helps attendees "find nearby service points")."""

    INFORMATION = "information", _("Information desk")
    MEDICAL = "medical", _("Medical point")
    SHUTTLE_STOP = "shuttle_stop", _("Shuttle stop")
    RESTROOM = "restroom", _("Restroom")
    CHARGING = "charging", _("Charging point")
    PRAYER_ROOM = "prayer_room", _("Prayer room")
    MEDIA_CENTRE = "media_centre", _("Media centre")
    LOST_AND_FOUND = "lost_and_found", _("Lost and found")
    ACCESSIBLE_ENTRANCE = "accessible_entrance", _("Accessible entrance")
