"""Filters of the volunteers API (volunteers/api.py). Ids in query strings are ASCII digits
(agenda.filters.AsciiIdFilter: `²` or a 30-digit number is `invalid`, never a 500); a day is a
date within wic.inputs.YEARS, taken as a Beijing calendar day."""
from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agenda.filters import AsciiIdFilter
from wic.inputs import out_of_range_message, within_years, year_or_none

from .enums import AssignmentStatus, ChangeKind, ChangeStatus, OfferStatus, PostKind, VolunteerStatus
from .models import Assignment, ChangeRequest, Post, Programme, Shift, ShiftNotice, StandbyOffer, Team, TrainingModule, Volunteer


class YearField(forms.CharField):
    """An edition's year: 1 to 4 ASCII digits, else `invalid`."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        year = year_or_none(value)
        if year is None:
            raise ValidationError(_("Enter a year: at most four ASCII digits."), code="invalid")
        return year


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.Filter):
    field_class = YearField


class BoundedDateField(forms.DateField):
    """A date (YYYY-MM-DD) within wic.inputs.YEARS (`out_of_range`): the day's bounds are computed
    in Beijing time, which overflows near year 1 or 9999."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and not within_years(parsed):
            raise ValidationError(out_of_range_message(), code="out_of_range")
        return parsed


@extend_schema_field(OpenApiTypes.DATE)
class DayFilter(django_filters.Filter):
    """Rows whose time field falls on the Beijing calendar day given."""

    field_class = BoundedDateField

    def filter(self, queryset, value):
        if value is None:
            return queryset
        start = timezone.make_aware(datetime.combine(value, time.min))
        return queryset.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": start + timedelta(days=1)})


class ProgrammeFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="edition__year", label=_("Edition (year)"))

    class Meta:
        model = Programme
        fields = ["edition"]


class VolunteerFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="programme__edition__year", label=_("Edition (year)"))
    programme = AsciiIdFilter(field_name="programme_id", label=_("Programme (id)"))
    status = django_filters.ChoiceFilter(choices=VolunteerStatus.choices, label=_("Status"))
    team = AsciiIdFilter(field_name="team_id", label=_("Team (id)"))

    class Meta:
        model = Volunteer
        fields = ["edition", "programme", "status", "team"]


class TeamFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="programme__edition__year", label=_("Edition (year)"))
    programme = AsciiIdFilter(field_name="programme_id", label=_("Programme (id)"))

    class Meta:
        model = Team
        fields = ["edition", "programme"]


class PostFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="programme__edition__year", label=_("Edition (year)"))
    programme = AsciiIdFilter(field_name="programme_id", label=_("Programme (id)"))
    kind = django_filters.ChoiceFilter(choices=PostKind.choices, label=_("Kind"))

    class Meta:
        model = Post
        fields = ["edition", "programme", "kind"]


class ModuleFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="programme__edition__year", label=_("Edition (year)"))
    programme = AsciiIdFilter(field_name="programme_id", label=_("Programme (id)"))

    class Meta:
        model = TrainingModule
        fields = ["edition", "programme"]


class ShiftFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="post__programme__edition__year", label=_("Edition (year)"))
    programme = AsciiIdFilter(field_name="post__programme_id", label=_("Programme (id)"))
    day = DayFilter(field_name="starts_at", label=_("Day the shift starts (YYYY-MM-DD, Beijing time)"))
    post = AsciiIdFilter(field_name="post_id", label=_("Post (id)"))
    team = AsciiIdFilter(method="filter_team", label=_("Team (id): the shifts of the post it serves"))

    class Meta:
        model = Shift
        fields = ["edition", "programme", "day", "post", "team"]

    def filter_team(self, queryset, name, value):
        if value is None:
            return queryset
        # A subquery, not a join: the list counts the shift's assignments in the same query.
        return queryset.filter(post_id__in=Team.objects.filter(pk=value).values("post_id"))


class AssignmentFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="shift__post__programme__edition__year", label=_("Edition (year)"))
    day = DayFilter(field_name="shift__starts_at", label=_("Day the shift starts (YYYY-MM-DD, Beijing time)"))
    shift = AsciiIdFilter(field_name="shift_id", label=_("Shift (id)"))
    post = AsciiIdFilter(field_name="shift__post_id", label=_("Post (id)"))
    team = AsciiIdFilter(field_name="volunteer__team_id", label=_("Team (id) of the volunteer"))
    volunteer = AsciiIdFilter(field_name="volunteer_id", label=_("Volunteer (id)"))
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("Status"))

    class Meta:
        model = Assignment
        fields = ["edition", "day", "shift", "post", "team", "volunteer", "status"]


class OfferFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="shift__post__programme__edition__year", label=_("Edition (year)"))
    shift = AsciiIdFilter(field_name="shift_id", label=_("Shift (id)"))
    status = django_filters.ChoiceFilter(choices=OfferStatus.choices, label=_("Status"))

    class Meta:
        model = StandbyOffer
        fields = ["edition", "shift", "status"]


class ChangeRequestFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="assignment__shift__post__programme__edition__year", label=_("Edition (year)"))
    status = django_filters.ChoiceFilter(choices=ChangeStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label=_("Kind"))
    team = AsciiIdFilter(field_name="assignment__volunteer__team_id", label=_("Team (id) of the volunteer"))

    class Meta:
        model = ChangeRequest
        fields = ["edition", "status", "kind", "team"]


class NoticeFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Not dismissed yet"))

    class Meta:
        model = ShiftNotice
        fields = ["unread"]


class HoursFilter(django_filters.FilterSet):
    edition = YearFilter(field_name="programme__edition__year", label=_("Edition (year)"))
    programme = AsciiIdFilter(field_name="programme_id", label=_("Programme (id)"))
    team = AsciiIdFilter(field_name="team_id", label=_("Team (id)"))

    class Meta:
        model = Volunteer
        fields = ["edition", "programme", "team"]
