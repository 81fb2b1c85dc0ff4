"""Meals, the guests' dietary needs and shuttle loops in the API (issue 24), calling travel.meals
and travel.shuttles as the admin and the pages do.

- `/meals/` (organizers): list (filters edition, day, kind, hotel) and retrieve, each meal with
  how many guests eat it by dietary need (meals.counts_for: a fixed number of queries for a
  page); `GET /meals/<id>/kitchen/` the kitchen sheet as JSON (meals.meal_detail: the guests with
  a diet or an allergy, by name, which is why it is the organizers').
- `/diets/` (organizers): each registration's dietary needs (filters edition, diet, special,
  allergies); `PUT`/`PATCH /diets/<registration id>/` records them (meals.diet_save, as the
  guest's page does at their private link: the API offers the organizers' side only).
- `/shuttle-loops/`: the public timetables of one edition (`?edition=<year>`, required),
  as the public page /editions/<year>/shuttles/ shows them (shuttles.edition_timetables), and
  one loop; organizers create a loop with its stops (shuttles.loop_create)."""
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from registration.models import Registration
from wic.api_base import IsOrganizer, PATH_ID_REGEX, described_errors
from wic.models import Edition

from . import meals, shuttles
from .filters import DietFilter, MealFilter, ShuttleLoopFilter
from .models import Meal, ShuttleLoop
from .serializers_meals import (
    DietInputSerializer,
    DietSerializer,
    KitchenSerializer,
    LoopCreateSerializer,
    LoopTimetableSerializer,
    MealSerializer,
)


def meals_for_api():
    return Meal.objects.select_related("edition", "venue", "hotel", "session").order_by("edition__year", "day", "starts_at", "pk")


ID_REGEX = PATH_ID_REGEX


_errors = described_errors


ORGANIZER_ERRORS = _errors(**{
    "401": "Not authenticated (`not_authenticated`)",
    "403": "Organizers only (`permission_denied`)",
    "404": "No such meal or registration (`not_found`)",
})
FILTER_ERRORS = _errors(**{"400": "`invalid` or `out_of_range` filter"})
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The object's id")
REGISTRATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The registration's id")


@extend_schema_view(
    list=extend_schema(
        summary="Meals with their counts (organizers)",
        description="By edition, day and time. Each meal counts its guests by dietary need (travel.meals: a banquet its accepted "
        "invitations, a hotel's meal its sleepers, a venue's meal the guests on site that day). Filter by edition (year), day, kind, hotel.",
        responses={200: MealSerializer(many=True), **FILTER_ERRORS, **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="One meal with its count (organizers)", parameters=[ID], responses={200: MealSerializer, **ORGANIZER_ERRORS}),
)
class MealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MealSerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = MealFilter
    queryset = Meal.objects.none()

    def get_queryset(self):
        return meals_for_api()

    def list(self, request, *args, **kwargs):
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(MealSerializer(page, many=True, context={"counts": meals.counts_for(page)}).data)

    def retrieve(self, request, *args, **kwargs):
        meal = self.get_object()
        return Response(MealSerializer(meal, context={"counts": meals.counts_for([meal])}).data)

    @extend_schema(
        summary="A meal's kitchen sheet (organizers)",
        description="meals.meal_detail: the meal's count and the guests eating it with a special diet or an allergy, by diet then name "
        "(what the admin's kitchen sheet, CSV, holds).",
        parameters=[ID], responses={200: KitchenSerializer, **ORGANIZER_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def kitchen(self, request, pk=None):
        meal = self.get_object()
        count, rows = meals.meal_detail(meal)
        return Response(KitchenSerializer({"meal": meal.pk, "count": count, "rows": rows}).data)


DIET_ERRORS = _errors(**{
    "400": "`invalid`, `unknown_diet`, `too_long` (allergies over 200 characters), `invalid_characters` (a control character)",
    "409": "`not_eligible` (a rejected registration)",
})


@extend_schema_view(
    list=extend_schema(
        summary="The guests' dietary needs (organizers)",
        description="Every registration's diet and food allergies. Filter by edition (year), diet, special (any special diet), allergies (given).",
        responses={200: DietSerializer(many=True), **FILTER_ERRORS, **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="A guest's dietary needs (organizers)", parameters=[REGISTRATION_ID], responses={200: DietSerializer, **ORGANIZER_ERRORS}),
    update=extend_schema(
        summary="Record a guest's dietary needs (organizers)", description="meals.diet_save, as the guest's page: the diet and the allergies.",
        parameters=[REGISTRATION_ID], request=DietInputSerializer, responses={200: DietSerializer, **DIET_ERRORS, **ORGANIZER_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a guest's diet or allergies (organizers)", description="meals.diet_save; a field not sent keeps its value.",
        parameters=[REGISTRATION_ID], request=DietInputSerializer, responses={200: DietSerializer, **DIET_ERRORS, **ORGANIZER_ERRORS},
    ),
)
class DietViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = DietSerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = DietFilter
    queryset = Registration.objects.none()

    def get_queryset(self):
        return Registration.objects.select_related("edition").order_by("edition__year", "name", "pk")

    def get_serializer_class(self):
        return DietInputSerializer if self.action in ("update", "partial_update") else DietSerializer

    def update(self, request, *args, **kwargs):
        registration = self.get_object()
        serializer = DietInputSerializer(data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        values = {"diet": registration.diet, "allergies": registration.allergies, **serializer.validated_data}
        meals.diet_save(registration, diet=values["diet"], allergies=values["allergies"])
        return Response(DietSerializer(self.get_queryset().get(pk=registration.pk)).data)


LOOP_ERRORS = _errors(**{
    "400": "`invalid`, `days_out_of_order`, `days_out_of_range`, `times_out_of_order`, `invalid_interval`, `too_few_stops`, "
    "`stops_out_of_order`, `stop_place_required`, `stop_two_places`, `hotel_of_another_edition`",
    "401": "Not authenticated (`not_authenticated`)",
    "403": "Organizers only (`permission_denied`)",
    "409": "`edition_has_no_dates`",
})


@extend_schema_view(
    list=extend_schema(
        summary="An edition's shuttle loops with their timetables (public)",
        description="shuttles.edition_timetables, as the public page: every loop of the edition (`edition`, required) with its stops, the "
        "days it runs and the first day's departures (every day has the same times), Beijing time.",
        auth=[], responses={200: LoopTimetableSerializer(many=True), **_errors(**{"400": "`invalid`: `edition` missing or not a year"})},
    ),
    retrieve=extend_schema(summary="One shuttle loop with its timetable (public)", parameters=[ID], auth=[],
                           responses={200: LoopTimetableSerializer, **_errors(**{"404": "No such loop (`not_found`)"})}),
    create=extend_schema(
        summary="Create a shuttle loop with its stops (organizers)",
        description="shuttles.loop_create: the days within 7 of the summit's, the times in order, every 5 to 240 minutes, at least two stops "
        "in order (the first at 0 minutes, the minutes increasing), each at a hotel of the edition, a venue, or a named place.",
        request=LoopCreateSerializer, responses={201: LoopTimetableSerializer, **LOOP_ERRORS},
    ),
)
class ShuttleLoopViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = LoopTimetableSerializer
    lookup_value_regex = ID_REGEX
    filterset_class = ShuttleLoopFilter
    queryset = ShuttleLoop.objects.none()

    def get_queryset(self):
        return ShuttleLoop.objects.select_related("edition").order_by("pk")

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [IsOrganizer()]

    def get_serializer_class(self):
        return LoopCreateSerializer if self.action == "create" else LoopTimetableSerializer

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @staticmethod
    def _timetables(edition) -> list:
        found = shuttles.edition_timetables(edition)
        for timetable in found:
            timetable.loop.edition = edition  # known: no query per loop
        return found

    def _timetable(self, loop):
        return next(timetable for timetable in self._timetables(loop.edition) if timetable.loop.pk == loop.pk)

    def list(self, request, *args, **kwargs):
        filterset = ShuttleLoopFilter(request.query_params, queryset=ShuttleLoop.objects.none(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        edition = Edition.objects.filter(year=filterset.form.cleaned_data["edition"]).first()
        page = self.paginate_queryset(self._timetables(edition) if edition is not None else [])
        return self.get_paginated_response(LoopTimetableSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(LoopTimetableSerializer(self._timetable(self.get_object())).data)

    def create(self, request, *args, **kwargs):
        serializer = LoopCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        edition, stops = data.pop("edition"), [dict(stop) for stop in data.pop("stops")]
        loop = shuttles.loop_create(edition, stops=stops, **data)
        loop.edition = edition
        return Response(LoopTimetableSerializer(self._timetable(loop)).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("meals", MealViewSet, "meal"),
    ("diets", DietViewSet, "diet"),
    ("shuttle-loops", ShuttleLoopViewSet, "shuttle-loop"),
]
PATHS: list = []
