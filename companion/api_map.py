"""The venue map in the API (issue 25): service points and the places of halls and expo zones on
their venue's plan, as organizers place them in the admin (companion/admin_map.py).

- `/api/v1/service-points/`: everyone reads the points of the published editions (organizers:
  of every edition); filters edition (year), venue, kind. Organizers create, change (PUT, or PATCH:
  fields not sent keep their values) and delete them.
- `/api/v1/plan-shapes/`: everyone reads the places of halls and of the published editions' zones
  (organizers: every place); filters venue, hall, zone. Organizers create, change and delete them.

Every rule is companion.map's, the same checks the admin's forms make: `point_problems`
(venue_required, off_plan, too_long) and `shape_problems` (venue_required, hall_or_zone,
hall_of_another_venue, already_placed, off_plan), with the hall's or zone's row locked while its
place is checked and saved, as the admin does. A refusal answers 400 with the first problem's
`code` and `message` and every problem in `errors`, by field, as the admin's form shows each beside
its field; nothing is saved then. A place that overlaps another of its kind is saved, and its
answer lists them in `overlaps` (companion.map.shape_overlaps: the admin's warning).

Positions are plan units: every venue's plan is 1000 x 1000, (0, 0) top left.
ROUTES: (prefix, viewset, basename) for the router; PATHS: none."""
import django_filters
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from agenda.filters import AsciiIdFilter
from agenda.models import Hall, Venue
from expo.models import Zone
from wic.api_base import IsOrganizer
from wic.errors import DomainError
from wic.i18n import pick
from wic.models import Edition
from wic.roles import is_organizer

from . import map as venue_map
from .enums import ServicePointKind
from .models import PlanShape, ServicePoint

TEXT_MAX = 20_000  # a bound on the shape only: companion.map refuses what a field cannot hold (`too_long`)
COORDINATE = 1_000_000  # likewise: companion.map refuses what is off the plan (`off_plan`)
POINT_TEXTS = ("name_zh", "name_en", "hours_zh", "hours_en")  # the texts point_problems measures, as the admin's form
# The kind as text, not an enum: the schema has other fields named kind with other values.
KIND_HELP = "One of: " + ", ".join(ServicePointKind.values) + "."


class AsciiIdInput(serializers.IntegerField):
    """An id in a body: a number, or ASCII digits (not "١٢"), below 10**18."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10**18 - 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


def _coordinate(help_text: str):
    return serializers.IntegerField(min_value=-COORDINATE, max_value=COORDINATE, help_text=help_text)


# -- serializers ------------------------------------------------------------------------------------

class ServicePointSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True, help_text=gettext_lazy("The edition (year)."))
    venue = serializers.IntegerField(source="venue_id", read_only=True, help_text=gettext_lazy("The venue (id, /api/v1/venues/<id>/)."))
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)

    class Meta:
        model = ServicePoint
        fields = ["id", "edition", "venue", "kind", "name_zh", "name_en", "hours_zh", "hours_en", "note_zh", "note_en", "x", "y"]
        read_only_fields = fields


class ServicePointWriteSerializer(serializers.Serializer):
    """A service point as organizers place it; checked by companion.map.point_problems."""

    edition = AsciiIdInput(max_value=9999, help_text=gettext_lazy("The edition (year)."))
    venue = AsciiIdInput(allow_null=True, help_text=gettext_lazy("The venue (id) whose plan the point is on (`venue_required` when null)."))
    kind = serializers.CharField(max_length=40, help_text=KIND_HELP)
    name_zh = serializers.CharField(max_length=TEXT_MAX, help_text=gettext_lazy("At most 200 characters."))
    name_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    hours_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text=gettext_lazy("Such as 每天 08:00–18:00 (Beijing time)."))
    hours_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    note_zh = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    note_en = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    x = _coordinate(gettext_lazy("Left, in plan units: 0 to 1000."))
    y = _coordinate(gettext_lazy("Top, in plan units: 0 to 1000."))

    def validate_kind(self, kind: str) -> str:
        if kind not in ServicePointKind.values:
            raise serializers.ValidationError(_("“%(kind)s” is not a kind of service point.") % {"kind": kind[:40]}, code="invalid_choice")
        return kind


class PlanShapeSerializer(serializers.ModelSerializer):
    venue = serializers.IntegerField(source="venue_id", read_only=True)
    hall = serializers.IntegerField(source="hall_id", read_only=True, allow_null=True, help_text=gettext_lazy("The hall placed (id), or null for a zone."))
    zone = serializers.IntegerField(source="zone_id", read_only=True, allow_null=True, help_text=gettext_lazy("The expo zone placed (id), or null for a hall."))
    name = serializers.SerializerMethodField(help_text=gettext_lazy("The hall's or zone's name in the request's language."))

    class Meta:
        model = PlanShape
        fields = ["id", "venue", "hall", "zone", "name", "x", "y", "width", "height"]
        read_only_fields = fields

    def get_name(self, shape) -> str:
        return pick(shape.hall or shape.zone, "name")


class OverlapSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=gettext_lazy("The other place (id)."))
    name = serializers.CharField()


class PlanShapeSavedSerializer(PlanShapeSerializer):
    overlaps = serializers.SerializerMethodField(help_text=gettext_lazy("The other places of its kind it overlaps: a warning; it was saved."))

    class Meta(PlanShapeSerializer.Meta):
        fields = [*PlanShapeSerializer.Meta.fields, "overlaps"]
        read_only_fields = fields

    @extend_schema_field(OverlapSerializer(many=True))
    def get_overlaps(self, shape) -> list:
        return [{"id": other.pk, "name": pick(other.hall or other.zone, "name")} for other in venue_map.shape_overlaps(shape)]


class PlanShapeWriteSerializer(serializers.Serializer):
    """A place on a venue's plan; checked by companion.map.shape_problems."""

    venue = AsciiIdInput(allow_null=True, help_text=gettext_lazy("The venue (id) whose plan it is on (`venue_required` when null)."))
    hall = AsciiIdInput(required=False, allow_null=True, default=None, help_text=gettext_lazy("A hall of this venue (id), or else a zone: one of the two."))
    zone = AsciiIdInput(required=False, allow_null=True, default=None, help_text=gettext_lazy("An expo zone (id), or else a hall."))
    x = _coordinate(gettext_lazy("Left, in plan units: 0 to 1000."))
    y = _coordinate(gettext_lazy("Top, in plan units: 0 to 1000."))
    width = _coordinate(gettext_lazy("Plan units, at least 1; the rectangle ends at x + width, at most 1000."))
    height = _coordinate(gettext_lazy("Plan units, at least 1; the rectangle ends at y + height, at most 1000."))


# -- helpers ----------------------------------------------------------------------------------------

def _refused(problems: list[DomainError]) -> Response:
    """companion.map's problems as the API's error body: the first one's code and message, every one by field."""
    first = problems[0]
    errors: dict[str, list] = {}
    for problem in problems:
        errors.setdefault(problem.field or "non_field_errors", []).append({"code": problem.code, "message": problem.message})
    return Response({"code": first.code, "message": first.message, "detail": first.message, "errors": errors}, status=first.status)


def _found(model, pk, name: str, label: str, *, lock: bool = False):
    """The row `pk` of `model` (locked with `lock`), None for None, or `does_not_exist` (400) on field `name`."""
    if pk is None:
        return None
    rows = model.objects.select_for_update() if lock else model.objects
    found = rows.filter(pk=pk).first()
    if found is None:
        raise DomainError("does_not_exist", _("There is no %(what)s %(id)s.") % {"what": label, "id": pk}, field=name)
    return found


def _merged(serializer_class, request, current: dict) -> dict:
    """The validated body (PUT: all of it; PATCH: the fields sent over `current`)."""
    partial = request.method == "PATCH"
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    sent = {name: value for name, value in serializer.validated_data.items() if not partial or name in serializer.initial_data}
    return {**current, **sent} if partial else dict(serializer.validated_data)


POINT_RULES = ("Invalid input (`invalid`), no such edition or venue (`does_not_exist`), or refused by companion.map.point_problems: "
               "`venue_required`, `off_plan` (x or y outside 0-1000), `too_long` (a name or hours over 200 characters): the first "
               "problem's `{code, message}` and every one in `errors`, by field")
SHAPE_RULES = ("Invalid input (`invalid`), no such venue, hall or zone (`does_not_exist`), or refused by companion.map.shape_problems: "
               "`venue_required`, `hall_or_zone` (a hall or a zone, not both, not neither), `hall_of_another_venue`, `already_placed` "
               "(the hall or zone has a place already: change that one), `off_plan` (outside the plan, or less than one unit wide or high): "
               "the first problem's `{code, message}` and every one in `errors`, by field")
WRITE_ERRORS = {401: OpenApiResponse(description="Not authenticated (`not_authenticated`)"), 403: OpenApiResponse(description="Organizers only (`permission_denied`)")}
NOT_FOUND = {404: OpenApiResponse(description="No such object (`not_found`)")}


class MapViewSet(viewsets.ModelViewSet):
    """Reads for everyone (the API's default permission), writes for organizers."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve", "metadata"):
            return super().get_permissions()
        return [IsOrganizer()]

    def shown(self, queryset):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.action in ("list", "retrieve") and not is_organizer(self.request.user):
            queryset = self.shown(queryset)
        return queryset


# -- service points ---------------------------------------------------------------------------------

class ServicePointFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=gettext_lazy("Edition (year)"))
    venue = AsciiIdFilter(field_name="venue_id", label=gettext_lazy("Venue (id)"))
    kind = django_filters.ChoiceFilter(choices=ServicePointKind.choices, label=gettext_lazy("Kind"))

    class Meta:
        model = ServicePoint
        fields = ["edition", "venue", "kind"]


POINT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The service point's id")


@extend_schema_view(
    list=extend_schema(
        summary="Service points",
        description="The service points of the published editions (organizers: of every edition), by edition, venue, kind and name; "
        "positions in plan units (each venue's plan is 1000 x 1000, (0, 0) top left). Filter by edition (year), venue and kind.",
    ),
    retrieve=extend_schema(summary="One service point", parameters=[POINT_ID]),
    create=extend_schema(
        summary="Place a service point (organizers)", description="Checked by companion.map.point_problems, as the admin's form.",
        request=ServicePointWriteSerializer, responses={201: ServicePointSerializer, 400: OpenApiResponse(description=POINT_RULES), **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a service point (organizers)", parameters=[POINT_ID],
        request=ServicePointWriteSerializer, responses={200: ServicePointSerializer, 400: OpenApiResponse(description=POINT_RULES), **WRITE_ERRORS, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Change or move a service point (organizers)", description="Fields not sent keep their values.", parameters=[POINT_ID],
        request=ServicePointWriteSerializer, responses={200: ServicePointSerializer, 400: OpenApiResponse(description=POINT_RULES), **WRITE_ERRORS, **NOT_FOUND},
    ),
    destroy=extend_schema(summary="Remove a service point (organizers)", parameters=[POINT_ID], responses={204: None, **WRITE_ERRORS, **NOT_FOUND}),
)
class ServicePointViewSet(MapViewSet):
    serializer_class = ServicePointSerializer
    filterset_class = ServicePointFilter
    queryset = ServicePoint.objects.none()

    def base_queryset(self) -> QuerySet[ServicePoint]:
        return ServicePoint.objects.select_related("edition").order_by("-edition__year", "venue_id", "kind", "name_zh", "pk")

    def shown(self, queryset):
        return queryset.filter(edition__is_published=True)

    def get_serializer_class(self):
        return ServicePointWriteSerializer if self.action in ("create", "update", "partial_update") else ServicePointSerializer

    def _save(self, request, point: ServicePoint | None) -> Response:
        current = {}
        if point is not None:
            current = {name: getattr(point, name) for name in ("kind", *POINT_TEXTS, "note_zh", "note_en", "x", "y")}
            current.update(edition=point.edition.year, venue=point.venue_id)
        data = _merged(ServicePointWriteSerializer, request, current)
        edition = Edition.objects.filter(year=data["edition"]).first()
        if edition is None:
            raise DomainError("does_not_exist", _("There is no edition %(year)s.") % {"year": data["edition"]}, field="edition")
        venue = _found(Venue, data["venue"], "venue", _("venue"))
        problems = venue_map.point_problems(venue=venue, x=data["x"], y=data["y"], texts={name: data[name] for name in POINT_TEXTS})
        if problems:
            return _refused(problems)
        point = point or ServicePoint()
        point.edition, point.venue = edition, venue
        for name in ("kind", *POINT_TEXTS, "note_zh", "note_en", "x", "y"):
            setattr(point, name, data[name])
        created = point.pk is None
        point.save()
        return Response(ServicePointSerializer(point).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def create(self, request, *args, **kwargs):
        return self._save(request, None)

    def update(self, request, *args, **kwargs):
        return self._save(request, self.get_object())


# -- places of halls and zones ---------------------------------------------------------------------

class PlanShapeFilter(django_filters.FilterSet):
    venue = AsciiIdFilter(field_name="venue_id", label=gettext_lazy("Venue (id)"))
    hall = AsciiIdFilter(field_name="hall_id", label=gettext_lazy("Hall (id)"))
    zone = AsciiIdFilter(field_name="zone_id", label=gettext_lazy("Expo zone (id)"))

    class Meta:
        model = PlanShape
        fields = ["venue", "hall", "zone"]


SHAPE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The place's id")


@extend_schema_view(
    list=extend_schema(
        summary="Places of halls and expo zones on the venues' plans",
        description="The rectangles organizers placed (a hall or zone without one is laid out on a grid by the map). Halls' places, and "
        "the zones' of the published editions (organizers: every place). Filter by venue, hall and zone.",
    ),
    retrieve=extend_schema(summary="One place on a plan", parameters=[SHAPE_ID]),
    create=extend_schema(
        summary="Place a hall or an expo zone (organizers)",
        description="Checked by companion.map.shape_problems with the hall's or zone's row locked, as the admin's form. `overlaps` lists the "
        "other places of its kind it overlaps (saved all the same).",
        request=PlanShapeWriteSerializer, responses={201: PlanShapeSavedSerializer, 400: OpenApiResponse(description=SHAPE_RULES), **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a place (organizers)", parameters=[SHAPE_ID],
        request=PlanShapeWriteSerializer, responses={200: PlanShapeSavedSerializer, 400: OpenApiResponse(description=SHAPE_RULES), **WRITE_ERRORS, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Move or resize a place (organizers)", description="Fields not sent keep their values.", parameters=[SHAPE_ID],
        request=PlanShapeWriteSerializer, responses={200: PlanShapeSavedSerializer, 400: OpenApiResponse(description=SHAPE_RULES), **WRITE_ERRORS, **NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="Remove a place (organizers)", description="The hall or zone is laid out on the grid again.",
        parameters=[SHAPE_ID], responses={204: None, **WRITE_ERRORS, **NOT_FOUND},
    ),
)
class PlanShapeViewSet(MapViewSet):
    serializer_class = PlanShapeSerializer
    filterset_class = PlanShapeFilter
    queryset = PlanShape.objects.none()

    def base_queryset(self) -> QuerySet[PlanShape]:
        return PlanShape.objects.select_related("hall", "zone").order_by("venue_id", "y", "x", "pk")

    def shown(self, queryset):
        return queryset.filter(Q(hall__isnull=False) | Q(zone__edition__is_published=True))

    def get_serializer_class(self):
        return PlanShapeWriteSerializer if self.action in ("create", "update", "partial_update") else PlanShapeSerializer

    def _save(self, request, shape: PlanShape | None) -> Response:
        current = {}
        if shape is not None:
            current = {name: getattr(shape, name) for name in ("x", "y", "width", "height")}
            current.update(venue=shape.venue_id, hall=shape.hall_id, zone=shape.zone_id)
        data = _merged(PlanShapeWriteSerializer, request, current)
        with transaction.atomic():
            venue = _found(Venue, data["venue"], "venue", _("venue"))
            # Two organizers placing one hall at once: the second waits for the first's save, then
            # reads its place (already_placed), as in the admin.
            hall = _found(Hall, data["hall"], "hall", _("hall"), lock=True)
            zone = _found(Zone, data["zone"], "zone", _("expo zone"), lock=True)
            problems = venue_map.shape_problems(
                venue=venue, hall=hall, zone=zone, x=data["x"], y=data["y"], width=data["width"], height=data["height"], shape=shape,
            )
            if problems:
                return _refused(problems)
            created = shape is None
            shape = shape or PlanShape()
            shape.venue, shape.hall, shape.zone = venue, hall, zone
            for name in ("x", "y", "width", "height"):
                setattr(shape, name, data[name])
            shape.save()
        fresh = PlanShape.objects.select_related("hall", "zone__edition").get(pk=shape.pk)
        return Response(PlanShapeSavedSerializer(fresh).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def create(self, request, *args, **kwargs):
        return self._save(request, None)

    def update(self, request, *args, **kwargs):
        return self._save(request, self.get_object())


ROUTES = [
    ("service-points", ServicePointViewSet, "service-point"),
    ("plan-shapes", PlanShapeViewSet, "plan-shape"),
]
PATHS: list = []
