"""Filters of the travel API (travel/api_*.py). Ids and years in query strings are ASCII digits
(agenda.filters.AsciiIdFilter: `²` or a 30-digit number is `invalid`, never a 500); a day is a
date within wic.inputs.YEARS (`out_of_range`), a time's day taken as a Beijing calendar day."""
from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agenda.filters import AsciiIdFilter
from registration.enums import Diet
from registration.models import Registration
from wic.display import BEIJING
from wic.inputs import out_of_range_message, within_years

from .enums import Direction, Hub, LetterStatus, MealKind, TravelMode
from .models import Hotel, Meal, PickupRun, RoomBlock, RoomStay, ShuttleLoop, TravelLeg, VisaLetter


class BoundedDateField(forms.DateField):
    """A date (YYYY-MM-DD) within wic.inputs.YEARS (`out_of_range`)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and not within_years(parsed):
            raise ValidationError(out_of_range_message(), code="out_of_range")
        return parsed


@extend_schema_field(OpenApiTypes.DATE)
class DateFilter(django_filters.Filter):
    """Rows whose date field is the day given (or, with `lookup_expr`, before or after it)."""

    field_class = BoundedDateField


@extend_schema_field(OpenApiTypes.DATE)
class BeijingDayFilter(django_filters.Filter):
    """Rows whose time field falls on the Beijing calendar day given."""

    field_class = BoundedDateField

    def filter(self, queryset, value):
        if value is None:
            return queryset
        start = datetime.combine(value, time.min, tzinfo=BEIJING)
        return queryset.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": start + timedelta(days=1)})


@extend_schema_field(OpenApiTypes.DATE)
class NightFilter(django_filters.Filter):
    """Stays that hold the night given (first_night <= night <= last_night)."""

    field_class = BoundedDateField

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(first_night__lte=value, last_night__gte=value)


class VisaLetterFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="registration__edition__year", label=_("Edition (year)"))
    status = django_filters.ChoiceFilter(choices=LetterStatus.choices, label=_("Status"))
    registration = AsciiIdFilter(field_name="registration_id", label=_("Registration (id)"))

    class Meta:
        model = VisaLetter
        fields = ["edition", "status", "registration"]


class TravelLegFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="registration__edition__year", label=_("Edition (year)"))
    registration = AsciiIdFilter(field_name="registration_id", label=_("Registration (id)"))
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("Direction"))
    mode = django_filters.ChoiceFilter(choices=TravelMode.choices, label=_("Travelling by"))
    hub = django_filters.ChoiceFilter(choices=Hub.choices, label=_("Airport or station"))
    needs_pickup = django_filters.BooleanFilter(label=_("Needs a pickup"))
    planned = django_filters.BooleanFilter(field_name="pickup", lookup_expr="isnull", exclude=True, label=_("In a pickup run"))
    day = BeijingDayFilter(field_name="scheduled_at", label=_("Scheduled on this day (Beijing time)"))

    class Meta:
        model = TravelLeg
        fields = ["edition", "registration", "direction", "mode", "hub", "needs_pickup", "planned", "day"]


class PickupRunFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))
    hub = django_filters.ChoiceFilter(choices=Hub.choices, label=_("Airport or station"))
    vip = django_filters.BooleanFilter(label=_("VIP car"))
    day = BeijingDayFilter(field_name="departs_at", label=_("Departs on this day (Beijing time)"))

    class Meta:
        model = PickupRun
        fields = ["edition", "hub", "vip", "day"]


class HotelFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))

    class Meta:
        model = Hotel
        fields = ["edition"]


class RoomBlockFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="hotel__edition__year", label=_("Edition (year)"))
    hotel = AsciiIdFilter(field_name="hotel_id", label=_("Hotel (id)"))

    class Meta:
        model = RoomBlock
        fields = ["edition", "hotel"]


class RoomStayFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="block__hotel__edition__year", label=_("Edition (year)"))
    hotel = AsciiIdFilter(field_name="block__hotel_id", label=_("Hotel (id)"))
    block = AsciiIdFilter(field_name="block_id", label=_("Room block (id)"))
    registration = AsciiIdFilter(field_name="registration_id", label=_("Registration (id)"))
    night = NightFilter(label=_("Holds this night"))
    shares_room = django_filters.BooleanFilter(label=_("Agrees to share the room"))

    class Meta:
        model = RoomStay
        fields = ["edition", "hotel", "block", "registration", "night", "shares_room"]


class MealFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))
    day = DateFilter(field_name="day", label=_("Day"))
    kind = django_filters.ChoiceFilter(choices=MealKind.choices, label=_("Meal"))
    hotel = AsciiIdFilter(field_name="hotel_id", label=_("Hotel (id)"))

    class Meta:
        model = Meal
        fields = ["edition", "day", "kind", "hotel"]


SPECIAL_DIETS = [(value, label) for value, label in Diet.choices if value]


class DietFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))
    diet = django_filters.ChoiceFilter(choices=SPECIAL_DIETS, label=_("Special diet"))
    special = django_filters.BooleanFilter(field_name="diet", lookup_expr="exact", method="filter_special", label=_("Has a special diet"))
    allergies = django_filters.BooleanFilter(field_name="allergies", method="filter_allergies", label=_("Gave a food allergy"))

    class Meta:
        model = Registration
        fields = ["edition", "diet", "special", "allergies"]

    def filter_special(self, queryset, name, value):
        return queryset.exclude(diet="") if value else queryset.filter(diet="")

    def filter_allergies(self, queryset, name, value):
        return queryset.exclude(allergies="") if value else queryset.filter(allergies="")


class ShuttleLoopFilter(django_filters.FilterSet):
    """The public list is one edition's, as the public page: `edition` is required."""

    edition = AsciiIdFilter(field_name="edition__year", required=True, label=_("Edition (year)"))

    class Meta:
        model = ShuttleLoop
        fields = ["edition"]
