"""Arrivals, departures and pickups in the API (issue 24), for organizers, calling travel.arrivals
as the admin and the guest's travel page do. A guest's travel is personal data: every endpoint
here is the organizers' (anyone else: 401 / 403 `permission_denied`).

- `/travel-legs/`: list (filters edition, registration, direction, mode, hub, needs_pickup,
  planned, day), retrieve; `POST` enters a guest's arrival or departure and `PUT`/`PATCH`
  corrects one (arrivals.leg_save: one of each direction per registration, a second replaces the
  first); `POST /travel-legs/<id>/report-delay/` reports a planned arrival's new time
  (arrivals.report_delay: the pickup is re-planned, pickups.replan_delay, and only the guests
  whose pickup changed are emailed).
- `/pickup-runs/`: list (filters edition, hub, vip, day) and retrieve with their seats;
  `GET /pickup-runs/<id>/manifest/` the driver's manifest as JSON (arrivals.manifest_rows, what
  the admin's CSV holds); `DELETE` a run nobody is seated in any more (arrivals.run_delete,
  `run_not_empty` otherwise: plan again instead).
- `POST /pickup-plans/`: plan the edition's pickups (arrivals.plan_pickups: replaces its runs;
  `plan_started` once anyone boarded).

Boarding a run is scanned through `POST /api/v1/checkins/` (the run's boarding list, a check-in
list of the "roster" kind: travel.boarding), not here."""
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.api_base import IsOrganizer, PATH_ID_REGEX, described_errors

from . import arrivals
from .filters import PickupRunFilter, TravelLegFilter
from .models import PickupRun, PickupSeat, TravelLeg
from .pickups import MANIFEST_COLUMNS
from .serializers_arrivals import (
    DelayInputSerializer,
    DelayResultSerializer,
    LegCreateSerializer,
    LegFieldsSerializer,
    ManifestSerializer,
    PickupRunSerializer,
    PlanInputSerializer,
    PlanResultSerializer,
    TravelLegSerializer,
)


def legs_for_api():
    return TravelLeg.objects.select_related("registration__edition", "pickup__run").order_by("scheduled_at", "pk")


def runs_for_api():
    """Runs with their seats, guests and delegations: two queries for a page whatever its length."""
    seats = PickupSeat.objects.select_related("leg__registration__delegation_membership__delegation").order_by("leg__scheduled_at", "leg_id")
    return PickupRun.objects.select_related("edition").prefetch_related(Prefetch("seats", queryset=seats)).order_by("edition__year", "departs_at", "number")


ID_REGEX = PATH_ID_REGEX


_errors = described_errors


ORGANIZER_ERRORS = _errors(**{
    "401": "Not authenticated (`not_authenticated`)",
    "403": "Organizers only (`permission_denied`)",
    "404": "No such arrival, departure or run (`not_found`)",
})
LEG_400 = ("`invalid`, `unknown_direction`, `unknown_mode`, `number_required`, `invalid_number`, `unknown_hub`, `wrong_hub`, `out_of_range`, "
           "`invalid_seats`, `arrival_after_departure`, `time_passed` (a new time before now)")
LEG_409 = ("`not_eligible` (the registration is not approved to attend in Wuzhen), `edition_has_no_dates`, `pickup_planned` (the arrival is "
           "in a run: only its number may change; report a delay instead)")
LEG_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The arrival's or departure's id")
RUN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The run's id")


@extend_schema_view(
    list=extend_schema(
        summary="Arrivals and departures (organizers)",
        description="By scheduled time. Filter by edition (year), registration, direction, mode, hub, needs_pickup, planned (in a run), "
        "day (Beijing time). Times are Beijing time.",
        responses={200: TravelLegSerializer(many=True), **_errors(**{"400": "`invalid` or `out_of_range` filter"}), **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="One arrival or departure (organizers)", parameters=[LEG_ID], responses={200: TravelLegSerializer, **ORGANIZER_ERRORS}),
    create=extend_schema(
        summary="Enter a guest's arrival or departure (organizers)",
        description="arrivals.leg_save, as the guest's page and the admin: one arrival and one departure per registration; sending a "
        "direction the guest has already replaces it (200), a new one answers 201.",
        request=LegCreateSerializer,
        responses={200: TravelLegSerializer, 201: TravelLegSerializer, **_errors(**{"400": LEG_400, "409": LEG_409}), **ORGANIZER_ERRORS},
    ),
    update=extend_schema(
        summary="Replace an arrival's or departure's values (organizers)", description="arrivals.leg_save; the registration and the direction stay.",
        parameters=[LEG_ID], request=LegFieldsSerializer,
        responses={200: TravelLegSerializer, **_errors(**{"400": LEG_400, "409": LEG_409}), **ORGANIZER_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of an arrival's or departure's values (organizers)", description="Fields not sent keep their values (arrivals.leg_save).",
        parameters=[LEG_ID], request=LegFieldsSerializer,
        responses={200: TravelLegSerializer, **_errors(**{"400": LEG_400, "409": LEG_409}), **ORGANIZER_ERRORS},
    ),
)
class TravelLegViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = TravelLegSerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = TravelLegFilter
    queryset = TravelLeg.objects.none()

    def get_queryset(self):
        return legs_for_api()

    def get_serializer_class(self):
        if self.action == "create":
            return LegCreateSerializer
        if self.action in ("update", "partial_update"):
            return LegFieldsSerializer
        if self.action == "report_delay":
            return DelayInputSerializer
        return TravelLegSerializer

    def _leg(self, leg, code=status.HTTP_200_OK) -> Response:
        return Response(TravelLegSerializer(legs_for_api().get(pk=leg.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = LegCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        registration = data.pop("registration")
        existed = TravelLeg.objects.filter(registration=registration, direction=data["direction"]).exists()
        leg = arrivals.leg_save(registration, **data)
        return self._leg(leg, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        leg = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = LegFieldsSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = {"mode": leg.mode, "number": leg.number, "hub": leg.hub, "scheduled_at": leg.scheduled_at, "seats": leg.seats, "needs_pickup": leg.needs_pickup}
        values.update(serializer.validated_data)
        saved = arrivals.leg_save(leg.registration, direction=leg.direction, **values)
        return self._leg(saved)

    @extend_schema(
        summary="Report a planned arrival's new time (organizers)",
        description="arrivals.report_delay, as the guest's page: the guest's pickup is re-planned on the stored runs (every run keeps its "
        "number; a run left empty goes, a new one takes the next number) and only the guests whose pickup (run, departure, vehicle) "
        "changed are emailed: `told` lists their registrations.",
        parameters=[LEG_ID], request=DelayInputSerializer,
        responses={
            200: DelayResultSerializer,
            **_errors(**{
                "400": "`invalid`, `out_of_range`, `not_an_arrival` (a departure), `arrival_after_departure`",
                "409": "`not_eligible`, `edition_has_no_dates`, `not_planned` (the arrival is in no run: change it instead), `already_boarded`, "
                "`plan_settings_changed`",
            }),
            **ORGANIZER_ERRORS,
        },
    )
    @action(detail=True, methods=["post"], url_path="report-delay")
    def report_delay(self, request, pk=None):
        leg = self.get_object()
        serializer = DelayInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        told = arrivals.report_delay(leg, serializer.validated_data["delayed_to"])
        body = {"leg": legs_for_api().get(pk=leg.pk), "told": sorted(registration.pk for registration in told)}
        return Response(DelayResultSerializer(body).data)


@extend_schema_view(
    list=extend_schema(
        summary="Pickup runs (organizers)",
        description="By edition, departure and number, each with its guests (seats). Filter by edition (year), hub, vip, day (Beijing time).",
        responses={200: PickupRunSerializer(many=True), **_errors(**{"400": "`invalid` or `out_of_range` filter"}), **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="One pickup run with its guests (organizers)", parameters=[RUN_ID], responses={200: PickupRunSerializer, **ORGANIZER_ERRORS}),
    destroy=extend_schema(
        summary="Delete a run nobody is seated in (organizers)",
        description="arrivals.run_delete: a run whose guests' arrivals were deleted since the plan goes, with its boarding list. A run with "
        "a guest is refused: plan again instead, so nobody is left without a car.",
        parameters=[RUN_ID], responses={204: None, **_errors(**{"409": "`run_not_empty`"}), **ORGANIZER_ERRORS},
    ),
)
class PickupRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = PickupRunSerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = PickupRunFilter
    queryset = PickupRun.objects.none()

    def get_queryset(self):
        return runs_for_api()

    def destroy(self, request, *args, **kwargs):
        arrivals.run_delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="A run's manifest (organizers)",
        description="arrivals.manifest_rows: one row per guest in arrival order, what the admin's manifest (CSV) holds, names of the hub and "
        "the vehicle in the request's language, times Beijing time.",
        parameters=[RUN_ID], responses={200: ManifestSerializer, **ORGANIZER_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def manifest(self, request, pk=None):
        run = self.get_object()
        rows = [dict(zip(MANIFEST_COLUMNS, row)) for row in arrivals.manifest_rows(run)]
        body = {"run": run.pk, "number": run.number, "meeting_point": str(arrivals.meeting_point(run)), "rows": rows}
        return Response(ManifestSerializer(body).data)


class PickupPlanViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Planning an edition's pickups, as the admin's "Plan pickups" button."""

    serializer_class = PlanInputSerializer
    permission_classes = [IsOrganizer]
    queryset = PickupRun.objects.none()

    @extend_schema(
        summary="Plan an edition's pickups (organizers)",
        description="arrivals.plan_pickups: every approved guest's arrival by flight or train needing a pickup and still to come is planned "
        "(per hub, a party together, a delegation's head alone, nobody waiting more than 45 minutes, the smallest vehicle that holds "
        "them) and the edition's runs are replaced, numbered 1, 2, ... Refused once a guest has boarded (`plan_started`): from then on "
        "only delays change the runs.",
        request=PlanInputSerializer,
        responses={
            201: PlanResultSerializer,
            **_errors(**{
                "400": "`invalid` (no such edition)",
                "401": "Not authenticated (`not_authenticated`)",
                "403": "Organizers only (`permission_denied`)",
                "409": "`plan_started` (someone has boarded), or the planner's refusal of the vehicles (`too_many_seats`...)",
            }),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edition = serializer.validated_data["edition"]
        runs = arrivals.plan_pickups(edition)
        fresh = list(runs_for_api().filter(pk__in=[run.pk for run in runs]))
        body = {"edition": edition.year, "guests": sum(len(run.seats.all()) for run in fresh), "runs": fresh}
        return Response(PlanResultSerializer(body).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("travel-legs", TravelLegViewSet, "travel-leg"),
    ("pickup-runs", PickupRunViewSet, "pickup-run"),
    ("pickup-plans", PickupPlanViewSet, "pickup-plan"),
]
PATHS: list = []
