"""The organizers' admin of meals (issue 24).

The list: day, meal, name, place (the venue or the hotel, in the admin's language), time, and how
many guests eat it: in all, halal, vegetarian, vegan, no pork, with an allergy. The counts are
travel.meals' (its module docstring says who counts), computed once for the whole page by
counts_for (MealChangeList), never a query per row. Filters: edition, day (the days meals are
served), kind. The action "Meal counts (CSV)" exports the selected meals, one row each.

A meal's page shows its breakdown by dietary need and the kitchen list (the guests with a diet or
an allergy), and links the kitchen sheet (CSV). Its form checks the meal with travel.meals.meal_check
in clean(): a meal at both a venue and a hotel, a banquet at a hotel, a day more than 7 days outside
the edition's dates... are refused beside their field, before the database's check constraint
could refuse the row (an IntegrityError never reaches the organizer)."""
import csv
from datetime import date

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from registration.enums import Diet
from wic import inputs  # noqa: F401  (registers the <id:...> path converter: ASCII digits, bounded)
from wic.admin_export import formula_safe
from wic.errors import DomainError
from wic.i18n import pick
from wic.page_errors import form_add_domain_error

from . import meals
from .models import Meal

MEAL_FIELDS = ("edition", "day", "kind", "name_zh", "name_en", "starts_at", "ends_at", "venue", "hotel", "session")


class MealForm(forms.ModelForm):
    class Meta:
        model = Meal
        fields = list(MEAL_FIELDS)

    def clean(self):
        data = super().clean()
        if any(data.get(name) is None for name in ("edition", "day", "kind")):
            return data  # the field's own error is shown; the meal is checked once they are given
        try:
            meals.meal_check(
                edition=data["edition"], day=data["day"], kind=data["kind"], venue=data.get("venue"), hotel=data.get("hotel"),
                session=data.get("session"), starts_at=data.get("starts_at"), ends_at=data.get("ends_at"),
            )
        except DomainError as error:
            form_add_domain_error(self, error)
        return data

    def validate_constraints(self, exclude=None):
        """meal_check refuses everything the check constraint would, naming the field; the
        constraint's own sentence ("Constraint … is violated") would only repeat it."""


class MealDayFilter(admin.SimpleListFilter):
    """The days meals are served (of the edition chosen in the edition filter, if one is), newest
    first: not Django's "past 7 days". One query for the choices."""

    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = Meal.objects.all()
        edition = request.GET.get("edition__id__exact", "")
        if edition.isascii() and edition.isdigit() and len(edition) < 19:
            days = days.filter(edition_id=int(edition))
        return [(day.isoformat(), day.isoformat()) for day in days.values_list("day", flat=True).distinct().order_by("-day")[:60]]

    def queryset(self, request, queryset):
        value = self.value()
        try:
            day = date.fromisoformat(value) if value else None
        except ValueError:
            return queryset.none()
        return queryset.filter(day=day) if day else queryset


class MealChangeList(ChangeList):
    def get_results(self, request):
        """The page's meals, each with its count (`meal.count`), in three queries more at most."""
        super().get_results(request)
        counts = meals.counts_for(self.result_list)
        for meal in self.result_list:
            meal.count = counts[meal.pk]


def _count(meal):
    count = getattr(meal, "count", None)
    if count is None:  # a page other than the list (never in the list: MealChangeList sets it)
        count = meal.count = meals.counts_for([meal])[meal.pk]
    return count


def counts_csv_rows(counts) -> list[list]:
    """The "Meal counts (CSV)" rows: a header in the reader's language, then one row per meal."""
    header = [
        gettext("day"), gettext("time (Beijing time)"), gettext("meal"), pgettext("a meal's", "name"), pgettext("where a meal is served", "place"), gettext("guests"),
        *[str(label) for _value, label in Diet.choices], gettext("with a food allergy"),
    ]
    rows = [header]
    for count in counts:
        meal = count.meal
        rows.append([
            meal.day.isoformat(), meals.time_text(meal), str(meal.get_kind_display()), formula_safe(pick(meal, "name")), formula_safe(meals.place_name(meal)),
            count.total, *[count.diets[value] for value in Diet.values], count.allergies,
        ])
    return rows


def kitchen_csv_rows(rows) -> list[list]:
    header = [gettext("name"), gettext("name in Chinese"), gettext("organization"), gettext("dietary needs"), gettext("food allergies")]
    return [header, *[[formula_safe(row.name), formula_safe(row.name_zh), formula_safe(row.organization), row.diet_label, formula_safe(row.allergies)] for row in rows]]


def _csv_response(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a BOM: spreadsheet programs then read the Chinese as UTF-8
    csv.writer(response).writerows(rows)
    return response


@admin.register(Meal)
class MealAdmin(admin.ModelAdmin):
    form = MealForm
    list_display = ("meal_day", "kind", "meal_name", "place", "time", "total", "halal", "vegetarian", "vegan", "no_pork", "allergies")
    list_display_links = ("meal_name",)
    list_filter = ("edition", MealDayFilter, "kind")
    list_select_related = ("edition", "venue", "hotel", "session")
    search_fields = ("name_zh", "name_en")
    autocomplete_fields = ("venue", "hotel", "session")
    actions = ["counts_csv"]

    def get_changelist(self, request, **kwargs):
        return MealChangeList

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["edition", "day", "kind", "name_zh", "name_en", "starts_at", "ends_at"]}),
            (_("Where"), {"fields": ["venue", "hotel", "session"], "description": _(
                "A meal is served at a venue or at a hotel. A hotel's meal is for the guests sleeping there (a breakfast: the night before); "
                "a banquet (a venue's meal with an invitation-only agenda item) for the guests who accepted their invitation; "
                "any other venue's meal for every approved guest in Wuzhen that day."
            )}),
        ]
        if obj is not None:
            fieldsets.append((_("Who eats"), {"fields": ["breakdown", "kitchen_list"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ("breakdown", "kitchen_list") if obj is not None else ()

    # -- columns ---------------------------------------------------------------------------------------

    @admin.display(description=_("day"), ordering="day")
    def meal_day(self, obj):
        return obj.day.isoformat()

    @admin.display(description=pgettext_lazy("a meal's", "name"), ordering="name_zh")
    def meal_name(self, obj):
        return pick(obj, "name")

    @admin.display(description=pgettext_lazy("where a meal is served", "place"))
    def place(self, obj):
        return meals.place_name(obj)

    @admin.display(description=_("time (Beijing time)"), ordering="starts_at")
    def time(self, obj):
        return meals.time_text(obj) or "—"

    @admin.display(description=_("guests"))
    def total(self, obj):
        return _count(obj).total

    @admin.display(description=Diet.HALAL.label)
    def halal(self, obj):
        return _count(obj).halal

    @admin.display(description=Diet.VEGETARIAN.label)
    def vegetarian(self, obj):
        return _count(obj).vegetarian

    @admin.display(description=Diet.VEGAN.label)
    def vegan(self, obj):
        return _count(obj).vegan

    @admin.display(description=Diet.NO_PORK.label)
    def no_pork(self, obj):
        return _count(obj).no_pork

    @admin.display(description=_("allergies"))
    def allergies(self, obj):
        return _count(obj).allergies

    # -- the meal's page ------------------------------------------------------------------------------

    def _detail(self, obj):
        if not hasattr(obj, "_detail"):
            obj._detail = meals.meal_detail(obj)
        return obj._detail

    @admin.display(description=_("guests by dietary need"))
    def breakdown(self, obj):
        count, _rows = self._detail(obj)
        diets = [(value or "none", label, count.diets[value]) for value, label in Diet.choices]
        return render_to_string("admin/travel/meal/breakdown.html", {"count": count, "diets": diets})

    @admin.display(description=_("kitchen list"))
    def kitchen_list(self, obj):
        rows = self._detail(obj)[1]
        return render_to_string("admin/travel/meal/kitchen.html", {"rows": rows})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["kitchen_csv"] = reverse("admin:travel_meal_kitchen", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_urls(self):
        kitchen = path("<id:object_id>/kitchen.csv", self.admin_site.admin_view(self.kitchen_view), name="travel_meal_kitchen")
        return [kitchen, *super().get_urls()]

    def kitchen_view(self, request, object_id):
        """The kitchen sheet of one meal: the guests with a diet or an allergy (CSV, the reader's language)."""
        meal = get_object_or_404(Meal.objects.select_related("edition", "venue", "hotel", "session"), pk=object_id)
        if not self.has_view_permission(request, meal):
            raise PermissionDenied
        return _csv_response(kitchen_csv_rows(meals.kitchen_rows(meal)), f"kitchen-{meal.day.isoformat()}-{meal.kind}-{meal.pk}.csv")

    # -- actions ----------------------------------------------------------------------------------------

    @admin.action(description=_("Meal counts (CSV)"), permissions=["view"])
    def counts_csv(self, request, queryset):
        chosen = sorted(queryset.select_related("edition", "venue", "hotel", "session"), key=meals.meal_order)
        counts = meals.counts_for(chosen)
        return _csv_response(counts_csv_rows(counts[meal.pk] for meal in chosen), "meal-counts.csv")
