from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LetterStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class Hub(models.TextChoices):
    """Where guests arrive and leave (issue 24 names these; 001's guide routes guests through
    Hangzhou, Shanghai and Tongxiang)."""

    HANGZHOU_XIAOSHAN = "hangzhou_xiaoshan", _("Hangzhou Xiaoshan International Airport")
    SHANGHAI_HONGQIAO_AIRPORT = "shanghai_hongqiao_airport", _("Shanghai Hongqiao International Airport")
    SHANGHAI_HONGQIAO_STATION = "shanghai_hongqiao_station", _("Shanghai Hongqiao Railway Station")
    TONGXIANG_STATION = "tongxiang_station", _("Tongxiang Railway Station")
    JIAXING_SOUTH_STATION = "jiaxing_south_station", _("Jiaxing South Railway Station")


class Direction(models.TextChoices):
    ARRIVAL = "arrival", pgettext_lazy("travel direction", "Arrival")
    DEPARTURE = "departure", pgettext_lazy("travel direction", "Departure")


class TravelMode(models.TextChoices):
    FLIGHT = "flight", _("Flight")
    TRAIN = "train", _("Train")
    CAR = "car", _("Own car")


class MealKind(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")
    BANQUET = "banquet", _("Banquet")
