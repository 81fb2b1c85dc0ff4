"""Meals, the guests' dietary needs and shuttle loops in the API (travel/api_meals.py). Dates are
ISO 8601, times of day HH:MM and moments ISO 8601 in Beijing time (+08:00). The input serializers
check the shape; every rule is travel.meals' or travel.shuttles' (their codes come back as they
are)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agenda.models import Venue
from registration.enums import Diet
from wic.i18n import pick
from wic.inputs import BoundedDateField
from wic.models import Edition

from . import meals, shuttles
from .models import Hotel, Meal, ShuttleStop

DIET_KEYS = {value: value or "none" for value in Diet.values}  # "" (no special diet) is "none" in the API


def clock(value) -> str | None:
    """A time of day as "HH:MM" (Beijing time; OpenAPI's `time` format would need an offset)."""
    return value.strftime("%H:%M") if value is not None else None


class MealCountSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Guests who eat the meal (travel.meals says who)."))
    diets = serializers.DictField(child=serializers.IntegerField(), help_text=_("Guests per dietary need: none, halal, vegetarian, vegan, no_pork."))
    allergies = serializers.IntegerField(help_text=_("Guests who gave a food allergy."))
    unknown_dates = serializers.IntegerField(help_text=_("Guests counted without known dates (a venue's meal counts them every day)."))

    def to_representation(self, count):
        return {"total": count.total, "diets": {DIET_KEYS[key]: n for key, n in count.diets.items()}, "allergies": count.allergies,
                "unknown_dates": count.unknown_dates}


class MealSerializer(serializers.ModelSerializer):
    """A meal with its count (from the view's context: meals.counts_for of the page)."""

    edition = serializers.IntegerField(source="edition.year", read_only=True)
    venue = serializers.IntegerField(source="venue_id", read_only=True, allow_null=True)
    hotel = serializers.IntegerField(source="hotel_id", read_only=True, allow_null=True)
    session = serializers.IntegerField(source="session_id", read_only=True, allow_null=True, help_text=_("A banquet's invitation-only agenda item."))
    starts_at = serializers.SerializerMethodField(help_text=_("HH:MM, Beijing time, or null."))
    ends_at = serializers.SerializerMethodField(help_text=_("HH:MM, Beijing time, or null."))
    place = serializers.SerializerMethodField(help_text=_("The venue's or the hotel's name in the request's language."))
    count = serializers.SerializerMethodField()

    class Meta:
        model = Meal
        fields = ["id", "edition", "day", "kind", "name_zh", "name_en", "starts_at", "ends_at", "venue", "hotel", "session", "place", "count"]
        read_only_fields = fields

    def get_starts_at(self, meal) -> str | None:
        return clock(meal.starts_at)

    def get_ends_at(self, meal) -> str | None:
        return clock(meal.ends_at)

    def get_place(self, meal) -> str:
        return meals.place_name(meal)

    @extend_schema_field(MealCountSerializer)
    def get_count(self, meal):
        return MealCountSerializer(self.context["counts"][meal.pk]).data


class KitchenRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    name_zh = serializers.CharField(allow_blank=True)
    organization = serializers.CharField(allow_blank=True)
    diet = serializers.CharField(allow_blank=True, help_text=_("halal, vegetarian, vegan, no_pork, or \"\" (an allergy only)."))
    diet_label = serializers.CharField(allow_blank=True)
    allergies = serializers.CharField(allow_blank=True)


class KitchenSerializer(serializers.Serializer):
    """The kitchen sheet of a meal: its count and the guests with a diet or an allergy."""

    meal = serializers.IntegerField()
    count = MealCountSerializer()
    rows = KitchenRowSerializer(many=True)


class DietSerializer(serializers.Serializer):
    """A guest's dietary needs (their registration's)."""

    id = serializers.IntegerField(help_text=_("The registration's id."))
    edition = serializers.IntegerField(source="edition.year")
    reference = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    participation = serializers.CharField()
    diet = serializers.CharField(allow_blank=True, help_text=_("halal, vegetarian, vegan, no_pork, or \"\" (no special diet)."))
    diet_label = serializers.SerializerMethodField()
    allergies = serializers.CharField(allow_blank=True)

    def get_diet_label(self, registration) -> str:
        return meals.diet_label(registration.diet)


class DietInputSerializer(serializers.Serializer):
    """meals.diet_save checks the values (`unknown_diet`, `too_long`, `invalid_characters`)."""

    diet = serializers.CharField(required=False, allow_blank=True, default="", max_length=40, trim_whitespace=False,
                                 help_text=_("halal, vegetarian, vegan, no_pork, or \"\" (no special diet)."))
    allergies = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, trim_whitespace=False,
                                      help_text=_("Free text, at most 200 characters once spaces are collapsed."))


# -- shuttle loops -------------------------------------------------------------------------------------


class StopSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text=_("The hotel's, the venue's or the stop's own name, in the request's language."))
    hotel = serializers.IntegerField(source="hotel_id", read_only=True, allow_null=True)
    venue = serializers.IntegerField(source="venue_id", read_only=True, allow_null=True)

    class Meta:
        model = ShuttleStop
        fields = ["position", "minutes", "name", "name_zh", "name_en", "hotel", "venue"]
        read_only_fields = fields

    def get_name(self, stop) -> str:
        return shuttles.stop_name(stop)


class CallSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="stop.position", help_text=_("The stop's position in the loop."))
    at = serializers.DateTimeField()


class DepartureSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text=_("From the first stop."))
    calls = CallSerializer(many=True)


class LoopTimetableSerializer(serializers.Serializer):
    """A loop as the public timetable page shows it (shuttles.edition_timetables): its stops, the
    days it runs and the first day's departures (every day has the same times)."""

    id = serializers.IntegerField(source="loop.pk")
    edition = serializers.IntegerField(source="loop.edition.year")
    name = serializers.SerializerMethodField()
    name_zh = serializers.CharField(source="loop.name_zh")
    name_en = serializers.CharField(source="loop.name_en", allow_blank=True)
    first_day = serializers.DateField(source="loop.first_day")
    last_day = serializers.DateField(source="loop.last_day")
    first_departure = serializers.SerializerMethodField(help_text=_("HH:MM, Beijing time, from the first stop."))
    last_departure = serializers.SerializerMethodField(help_text=_("HH:MM: the last bus's departure (on the interval)."))
    every_minutes = serializers.IntegerField(source="loop.every_minutes")
    days = serializers.ListField(child=serializers.DateField())
    stops = StopSerializer(many=True)
    departures = DepartureSerializer(many=True, help_text=_("The first day's departures, Beijing time."))

    def get_name(self, timetable) -> str:
        return pick(timetable.loop, "name")

    def get_first_departure(self, timetable) -> str:
        return clock(timetable.loop.first_departure)

    def get_last_departure(self, timetable) -> str:
        return clock(timetable.last)


class StopInputSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0, max_value=32767)
    minutes = serializers.IntegerField(min_value=0, max_value=32767, help_text=_("Minutes after the departure from the first stop (0 there)."))
    hotel = serializers.PrimaryKeyRelatedField(queryset=Hotel.objects.all(), required=False, allow_null=True, default=None)
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), required=False, allow_null=True, default=None)
    name_zh = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, help_text=_("For a stop that is neither a hotel nor a venue."))
    name_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class LoopCreateSerializer(serializers.Serializer):
    """shuttles.loop_create checks the days, the times, the interval and the stops."""

    edition = serializers.SlugRelatedField(slug_field="year", queryset=Edition.objects.all(), help_text=_("The edition (year)."))
    name_zh = serializers.CharField(max_length=200)
    name_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    first_day = BoundedDateField()
    last_day = BoundedDateField()
    first_departure = serializers.TimeField(help_text=_("HH:MM, Beijing time, from the first stop."))
    last_departure = serializers.TimeField(help_text=_("HH:MM, Beijing time."))
    every_minutes = serializers.IntegerField(min_value=0, max_value=32767, help_text=_("5 to 240."))
    stops = StopInputSerializer(many=True, max_length=100, help_text=_("In order: at least two."))
