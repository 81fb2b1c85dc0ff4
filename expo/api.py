"""The expo in the API. Every rule is expo.services', called as the pages and the admin call it;
who sees what is expo.filters' (as the pages: someone else's object outside the public views is
404). ROUTES: (prefix, viewset, basename) for wic/urls.py's router.

- `/exhibitors/`: anyone reads the approved ones; a signed-in user applies; a representative (or
  an organizer) edits their own entry.
- `/exhibitor-applications/`: the entries, whatever their status, for their representatives and
  the organizers; organizers decide one (`decide`); `/exhibitor-decisions/` decides several.
- `/expo-zones/`, `/expo-booths/`: anyone reads (a booth with its current exhibitor); organizers
  allot and release booths.
- `/expo-launches/`: the expo stage, public; representatives and organizers schedule and cancel.
- `/expo-openings/`: the recruitment list, public; representatives post and close openings.
- `/expo-meetings/`: a signed-in guest asks an exhibitor; its representatives accept or decline;
  the guest cancels. Each side lists its own, organizers all.

Times are ISO 8601 in Beijing time (+08:00); a time sent without an offset is Beijing time."""
import django_filters
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.api_base import IsOrganizer
from wic.models import Edition
from wic.roles import is_organizer

from . import filters, selectors, services
from .enums import ExhibitorStatus, ExpoField
from .models import Booth, BoothAllotment, Exhibitor, Launch, MeetingRequest, TalentListing, Zone
from .serializers import (
    ApplicationInputSerializer,
    BoothAllotInputSerializer,
    ExhibitorApplicationSerializer,
    ExhibitorBulkDecisionInputSerializer,
    ExhibitorBulkDecisionSerializer,
    ExhibitorDecisionInputSerializer,
    ExhibitorDetailSerializer,
    ExhibitorOwnSerializer,
    ExhibitorSerializer,
    ExhibitorUpdateSerializer,
    ExpoBoothSerializer,
    ExpoMeetingInputSerializer,
    ExpoMeetingSerializer,
    ExpoZoneSerializer,
    LaunchInputSerializer,
    LaunchItemSerializer,
    OpeningInputSerializer,
    OpeningItemSerializer,
)


class ExhibitorFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(field_name="edition", queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)"))
    zone = django_filters.ModelChoiceFilter(field_name="preferred_zone", queryset=Zone.objects.all(), method="filter_zone", label=_("Zone (id) of the exhibitor's booth"))
    field = django_filters.ChoiceFilter(choices=ExpoField.choices, method="filter_field", label=_("Field"))
    country = django_filters.CharFilter(method="filter_country", label=_("Country or region (ISO 3166-1 alpha-2)"))
    search = django_filters.CharFilter(method="filter_search", label=_("Search in Chinese or English"))

    class Meta:
        model = Exhibitor
        fields = ["edition", "zone", "field", "country", "search"]

    def filter_zone(self, queryset, name, value):
        return selectors.exhibitors_filtered(queryset, zone=value.pk)

    def filter_field(self, queryset, name, value):
        return selectors.exhibitors_filtered(queryset, field=value)

    def filter_country(self, queryset, name, value):
        return selectors.exhibitors_filtered(queryset, country=value)

    def filter_search(self, queryset, name, value):
        return selectors.exhibitors_filtered(queryset, search=value)


ERRORS = {
    400: OpenApiResponse(description="Invalid input or refused by a rule (`missing_field`, `invalid_field`, `unknown_country`, `invalid_choice`, `invalid_zone`, `applications_closed`): `{code, message[, errors]}`"),
    401: OpenApiResponse(description="Not authenticated (`not_authenticated`)"),
    403: OpenApiResponse(description="Not a representative of this exhibitor (`not_your_exhibitor`)"),
    404: OpenApiResponse(description="No such approved exhibitor"),
    409: OpenApiResponse(description="The organization has already applied to this edition (`duplicate_exhibitor`)"),
}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The exhibitor's id")


def exhibitors_for_detail() -> QuerySet[Exhibitor]:
    return selectors.exhibitors_public().prefetch_related(
        Prefetch("launches", queryset=Launch.objects.filter(cancelled_at__isnull=True).order_by("start"), to_attr="stage_launches"),
        Prefetch("openings", queryset=TalentListing.objects.filter(is_open=True).order_by("-created", "-id"), to_attr="open_openings"),
        "exhibits",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Exhibitors of the expo",
        description="Approved exhibitors, by organization name. Filter by edition (year), zone (id), field, country and a search in Chinese or English.",
        responses={200: ExhibitorSerializer(many=True), 400: ERRORS[400]},
        auth=[],
    ),
    retrieve=extend_schema(
        summary="One exhibitor, with its launches, openings and exhibits",
        parameters=[ID],
        responses={200: ExhibitorDetailSerializer, 404: ERRORS[404]},
        auth=[],
    ),
    create=extend_schema(
        summary="Apply to exhibit",
        description="Signed-in users only; the user becomes the entry's representative. The organizers approve or decline (an email tells the applicant).",
        request=ApplicationInputSerializer,
        responses={201: ExhibitorOwnSerializer, 400: ERRORS[400], 401: ERRORS[401], 409: ERRORS[409]},
    ),
    partial_update=extend_schema(
        summary="Edit one's own entry",
        description="Representatives of the exhibitor and organizers only (`not_your_exhibitor`, 403).",
        parameters=[ID],
        request=ExhibitorUpdateSerializer,
        responses={200: ExhibitorOwnSerializer, 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    ),
)
class ExhibitorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = ExhibitorSerializer
    filterset_class = ExhibitorFilter
    queryset = selectors.exhibitors_public()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "retrieve":
            return exhibitors_for_detail()
        if self.action == "partial_update":
            queryset = Exhibitor.objects.select_related("organization", "edition").prefetch_related("field_links", selectors.current_allotments())
            if is_organizer(self.request.user):
                return queryset
            # Entries outside the public directory exist only for their own representatives (404
            # to anyone else); a public entry someone else represents is refused by the service (403).
            represented = Exhibitor.representatives.through.objects.filter(exhibitor_id=OuterRef("pk"), user_id=self.request.user.pk)
            return queryset.filter(Q(status=ExhibitorStatus.APPROVED, edition__is_published=True) | Exists(represented))
        return selectors.exhibitors_public()

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_serializer_class(self):
        return {
            "retrieve": ExhibitorDetailSerializer,
            "create": ApplicationInputSerializer,
            "partial_update": ExhibitorUpdateSerializer,
        }.get(self.action, ExhibitorSerializer)

    def create(self, request, *args, **kwargs):
        serializer = ApplicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edition, data = serializer.service_arguments()
        exhibitor = services.exhibitor_apply(edition=edition, user=request.user, data=data, language=getattr(request, "LANGUAGE_CODE", None) or get_language())
        return Response(ExhibitorOwnSerializer(self._fresh(exhibitor)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        exhibitor = self.get_object()
        serializer = ExhibitorUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.exhibitor_update(exhibitor=exhibitor, actor=request.user, data=dict(serializer.validated_data))
        return Response(ExhibitorOwnSerializer(self._fresh(exhibitor)).data)

    def _fresh(self, exhibitor):
        return Exhibitor.objects.select_related("organization", "edition").prefetch_related("field_links", selectors.current_allotments()).get(pk=exhibitor.pk)


# -- issue 28: decisions, zones, booths, launches, openings, meetings ---------------------------------


def _errors(**described) -> dict:
    return {int(code): OpenApiResponse(description=text) for code, text in described.items()}


def _pk(name: str) -> OpenApiParameter:
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"The {name}'s id")


def _fake(view) -> bool:
    """drf-spectacular builds the schema with a view that has no real request."""
    return getattr(view, "swagger_fake_view", False)


SIGNED_IN = _errors(**{"401": "Not authenticated (`not_authenticated`)"})
ORGANIZERS = _errors(**{"401": "Not authenticated (`not_authenticated`)", "403": "Organizers only (`permission_denied`)"})
NOT_YOURS = "You do not represent the exhibitor (`not_your_exhibitor`)"


def applications_for_api() -> QuerySet[Exhibitor]:
    return (
        Exhibitor.objects.select_related("organization", "edition")
        .prefetch_related("field_links", selectors.current_allotments())
        .order_by("edition__year", "organization__name_zh", "id")
    )


@extend_schema_view(
    list=extend_schema(
        summary="Exhibitor entries, whatever their status (their representatives; organizers all)",
        description="The applications and entries of the exhibitors the user represents, with the contact and the decision; organizers see "
        "every one. By edition, then organization name. Filter by edition (year), status and a search in Chinese or English.",
        responses={200: ExhibitorApplicationSerializer(many=True), **SIGNED_IN},
    ),
    retrieve=extend_schema(
        summary="One exhibitor entry, whatever its status",
        parameters=[_pk("exhibitor")],
        responses={200: ExhibitorApplicationSerializer, **SIGNED_IN, **_errors(**{"404": "No such entry among those the user represents (`not_found`)"})},
    ),
)
class ExhibitorApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ExhibitorApplicationSerializer
    filterset_class = filters.ApplicationFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = Exhibitor.objects.none()

    def get_queryset(self):
        if _fake(self):
            return Exhibitor.objects.none()
        return filters.exhibitors_represented_by(self.request.user, applications_for_api())

    def get_permissions(self):
        return [IsOrganizer()] if self.action == "decide" else super().get_permissions()

    @extend_schema(
        summary="Approve or decline an application (organizers)",
        description="`expo.services.exhibitor_decide`: a pending application becomes approved or declined, and the applicant is emailed "
        "(with `message`, if given). Deciding the same way again changes nothing (200).",
        parameters=[_pk("exhibitor")],
        request=ExhibitorDecisionInputSerializer,
        responses={
            200: ExhibitorApplicationSerializer, **ORGANIZERS,
            **_errors(**{"404": "No such exhibitor (`not_found`)", "409": "Already decided the other way (`invalid_transition`)"}),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        exhibitor = self.get_object()
        serializer = ExhibitorDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.exhibitor_decide(exhibitor=exhibitor, status=data["status"], actor=request.user, message=data["message"])
        return Response(ExhibitorApplicationSerializer(applications_for_api().get(pk=exhibitor.pk)).data)


@extend_schema_view(
    create=extend_schema(
        summary="Approve or decline several applications (organizers)",
        description="`expo.services.exhibitors_decide`, as the admin's actions: each exhibitor on its own. Answers 200 with those decided "
        "(or already decided that way) and those refused, each with its code (`invalid_transition`). An id that does not exist "
        "refuses the whole call (400 `invalid`, `does_not_exist` on `exhibitors`).",
        request=ExhibitorBulkDecisionInputSerializer,
        responses={200: ExhibitorBulkDecisionSerializer, **ORGANIZERS},
    ),
)
class ExhibitorDecisionViewSet(viewsets.GenericViewSet):
    serializer_class = ExhibitorBulkDecisionInputSerializer
    permission_classes = [IsOrganizer]
    queryset = Exhibitor.objects.none()

    def create(self, request, *args, **kwargs):
        serializer = ExhibitorBulkDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed, refused = services.exhibitors_decide(exhibitors=data["exhibitors"], status=data["status"], actor=request.user, message=data["message"])
        order = {exhibitor.pk: index for index, exhibitor in enumerate(changed)}
        fresh = sorted(applications_for_api().filter(pk__in=order), key=lambda exhibitor: order[exhibitor.pk])
        body = {
            "changed": ExhibitorApplicationSerializer(fresh, many=True).data,
            "refused": [{"exhibitor": exhibitor.pk, "code": error.code, "message": error.message} for exhibitor, error in refused],
        }
        return Response(body)


# -- zones and booths -----------------------------------------------------------------------------


def zones_for_api() -> QuerySet[Zone]:
    """Zones with their booths counted, in one query."""
    booths = Booth.objects.filter(zone=OuterRef("pk")).order_by().values("zone").annotate(n=Count("pk")).values("n")
    taken = (
        BoothAllotment.objects.filter(booth__zone=OuterRef("pk"), released_at__isnull=True)
        .order_by().values("booth__zone").annotate(n=Count("booth", distinct=True)).values("n")
    )
    return (
        Zone.objects.select_related("edition")
        .annotate(booth_count=Coalesce(Subquery(booths), 0), taken_count=Coalesce(Subquery(taken), 0))
        .annotate(free_count=F("booth_count") - F("taken_count"))
        .order_by("edition__year", "sort_order", "key", "id")
    )


def booths_for_api() -> QuerySet[Booth]:
    """Booths with their zone and current exhibitor, in two queries."""
    current = BoothAllotment.objects.filter(released_at__isnull=True).select_related("exhibitor__organization")
    return (
        Booth.objects.select_related("edition", "zone")
        .prefetch_related(Prefetch("allotments", queryset=current, to_attr="current"))
        .order_by("edition__year", "zone__sort_order", "zone__key", "sort_order", "code", "id")
    )


@extend_schema_view(
    list=extend_schema(
        summary="Zones of the expo",
        description="Zones of published editions (organizers: every edition), with their booths counted (`free_booths`: no current "
        "exhibitor). Filter by edition (year) and kind.",
        auth=[],
    ),
    retrieve=extend_schema(summary="One zone of the expo", parameters=[_pk("zone")], auth=[]),
)
class ZoneViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExpoZoneSerializer
    filterset_class = filters.ZoneFilter
    permission_classes = [permissions.AllowAny]
    queryset = Zone.objects.none()

    def get_queryset(self):
        if _fake(self):
            return Zone.objects.none()
        return filters.published_for(self.request.user, zones_for_api())


BOOTH_REFUSALS = _errors(**{
    "400": "Refused by a rule: `not_approved` (the exhibitor is not approved), `wrong_edition` (the booth is another edition's); "
    "`invalid` with `does_not_exist` for an exhibitor id that does not exist",
    "404": "No such booth (`not_found`)",
    "409": "The booth is another exhibitor's (`booth_taken`, naming it): release it first",
})


@extend_schema_view(
    list=extend_schema(
        summary="Booths of the expo",
        description="Booths of published editions (organizers: every edition) with their zone and their current exhibitor (`holder`, null "
        "when free). Filter by edition (year), zone (id), free (true: no current exhibitor; false: taken) and exhibitor (id: the booths it holds).",
        auth=[],
    ),
    retrieve=extend_schema(summary="One booth", parameters=[_pk("booth")], auth=[]),
)
class BoothViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExpoBoothSerializer
    filterset_class = filters.BoothFilter
    queryset = Booth.objects.none()

    def get_queryset(self):
        if _fake(self):
            return Booth.objects.none()
        return filters.published_for(self.request.user, booths_for_api())

    def get_permissions(self):
        return [IsOrganizer()] if self.action in ("allot", "release") else [permissions.AllowAny()]

    def _booth(self, booth) -> Response:
        return Response(ExpoBoothSerializer(booths_for_api().get(pk=booth.pk)).data)

    @extend_schema(
        summary="Allot a booth to an exhibitor (organizers)",
        description="`expo.services.booth_allot`, as the admin's \"Allot a booth\": the booth is locked, so two allotments cannot both take it. "
        "Allotting a booth to its own exhibitor again changes nothing.",
        parameters=[_pk("booth")], request=BoothAllotInputSerializer, responses={200: ExpoBoothSerializer, **ORGANIZERS, **BOOTH_REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def allot(self, request, pk=None):
        booth = self.get_object()
        serializer = BoothAllotInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.booth_allot(booth=booth, exhibitor=serializer.validated_data["exhibitor"], actor=request.user)
        return self._booth(booth)

    @extend_schema(
        summary="Release a booth (organizers)",
        description="`expo.services.booth_release`, as the admin's \"Release\": the booth is free again (the allotment is kept, released). "
        "Releasing a free booth changes nothing.",
        parameters=[_pk("booth")], request=None, responses={200: ExpoBoothSerializer, **ORGANIZERS, **_errors(**{"404": "No such booth (`not_found`)"})},
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        booth = self.get_object()
        services.booth_release(booth=booth, actor=request.user)
        return self._booth(booth)


# -- launches on the expo stage ---------------------------------------------------------------------


def launches_for_api() -> QuerySet[Launch]:
    return Launch.objects.select_related("edition", "exhibitor__organization").order_by("start", "id")


LAUNCH_REFUSALS = _errors(**{
    "400": "Invalid input or refused by a rule: `not_approved`, `missing_field` (title_zh), `launch_ends_before_start`, `slot_outside_expo` "
    "(not within one day of the expo); `invalid` with `does_not_exist` for an exhibitor the user cannot see, `out_of_range` for a year "
    "outside 1900-9000",
    "403": NOT_YOURS,
    "409": "The stage is taken at that time (`slot_conflict`, naming the launch there)",
})


@extend_schema_view(
    list=extend_schema(
        summary="Launches on the expo stage",
        description="The stage's launches of published editions, by start (not cancelled; an exhibitor's representatives see its cancelled "
        "ones too, organizers every one). Filter by edition (year), exhibitor (id), date (Beijing time) and cancelled.",
    ),
    retrieve=extend_schema(summary="One launch", parameters=[_pk("launch")]),
    create=extend_schema(
        summary="Put a launch on the expo stage (its representatives, organizers)",
        description="`expo.services.launch_schedule`, as the exhibitor's page: the slot is checked under a lock and the launch is put on the "
        "agenda as a launch item (`session`). Touching slots do not overlap.",
        request=LaunchInputSerializer, responses={201: LaunchItemSerializer, **SIGNED_IN, **LAUNCH_REFUSALS},
    ),
)
class LaunchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = LaunchItemSerializer
    filterset_class = filters.LaunchFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    queryset = Launch.objects.none()

    def get_queryset(self):
        if _fake(self):
            return Launch.objects.none()
        return filters.launches_visible_to(self.request.user, launches_for_api())

    def get_serializer_class(self):
        return LaunchInputSerializer if self.action == "create" else LaunchItemSerializer

    def _launch(self, launch, code=status.HTTP_200_OK) -> Response:
        return Response(LaunchItemSerializer(launches_for_api().get(pk=launch.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = LaunchInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        launch = services.launch_schedule(actor=request.user, **serializer.validated_data)
        return self._launch(launch, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a launch (its representatives, organizers)",
        description="`expo.services.launch_cancel`: the slot is free again and the agenda item unpublished. Cancelling twice changes nothing.",
        parameters=[_pk("launch")], request=None,
        responses={200: LaunchItemSerializer, **SIGNED_IN, **_errors(**{"403": NOT_YOURS, "404": "No such launch among those the user sees (`not_found`)"})},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def cancel(self, request, pk=None):
        return self._launch(services.launch_cancel(launch=self.get_object(), actor=request.user))


# -- talent openings ------------------------------------------------------------------------------


def openings_for_api() -> QuerySet[TalentListing]:
    return TalentListing.objects.select_related("exhibitor__organization", "exhibitor__edition").order_by("-created", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="The recruitment list",
        description="Open openings of the approved exhibitors of published editions, newest first (an exhibitor's representatives see its "
        "closed ones too, organizers every one). Filter by edition (year), exhibitor (id), field, city and open.",
    ),
    retrieve=extend_schema(summary="One opening", parameters=[_pk("opening")]),
    create=extend_schema(
        summary="Post an opening (its representatives, organizers)",
        description="`expo.services.opening_create`, as the exhibitor's page: on the public recruitment list at once.",
        request=OpeningInputSerializer,
        responses={
            201: OpeningItemSerializer, **SIGNED_IN,
            **_errors(**{
                "400": "Invalid input or refused by a rule: `not_approved`, `missing_field` (title_zh, field, city), `invalid_count` (1 to "
                "10000); `invalid` with `invalid_choice` for an unknown field, `does_not_exist` for an exhibitor the user cannot see",
                "403": NOT_YOURS,
            }),
        },
    ),
)
class OpeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = OpeningItemSerializer
    filterset_class = filters.OpeningFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    queryset = TalentListing.objects.none()

    def get_queryset(self):
        if _fake(self):
            return TalentListing.objects.none()
        return filters.openings_visible_to(self.request.user, openings_for_api())

    def get_serializer_class(self):
        return OpeningInputSerializer if self.action == "create" else OpeningItemSerializer

    def _opening(self, listing, code=status.HTTP_200_OK) -> Response:
        return Response(OpeningItemSerializer(openings_for_api().get(pk=listing.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = OpeningInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        listing = services.opening_create(actor=request.user, **serializer.validated_data)
        return self._opening(listing, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Close an opening (its representatives, organizers)",
        description="`expo.services.opening_close`: off the recruitment list. Closing twice changes nothing.",
        parameters=[_pk("opening")], request=None,
        responses={200: OpeningItemSerializer, **SIGNED_IN, **_errors(**{"403": NOT_YOURS, "404": "No such opening among those the user sees (`not_found`)"})},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def close(self, request, pk=None):
        return self._opening(services.opening_close(listing=self.get_object(), actor=request.user))


# -- matchmaking meetings -------------------------------------------------------------------------


def meetings_for_api() -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.select_related("exhibitor__organization", "exhibitor__edition", "guest").order_by("start", "id")


MEETING_NOT_FOUND = "No such meeting request among the user's (`not_found`)"
DECIDE_REFUSALS = _errors(**{
    "403": "Not a representative of the exhibitor asked (`not_your_exhibitor`): the guest cancels instead",
    "404": MEETING_NOT_FOUND,
    "409": "`invalid_transition` (the request is no longer pending); accepting: `guest_busy`, `exhibitor_busy` (an accepted meeting overlaps)",
})


@extend_schema_view(
    list=extend_schema(
        summary="My meeting requests",
        description="The requests the user made as a guest and those to the exhibitors they represent (organizers: every one), by start. "
        "Filter by edition (year), exhibitor (id), status, side (`asked`, `received`) and date (Beijing time).",
        responses={200: ExpoMeetingSerializer(many=True), **SIGNED_IN},
    ),
    retrieve=extend_schema(
        summary="One meeting request", parameters=[_pk("meeting request")],
        responses={200: ExpoMeetingSerializer, **SIGNED_IN, **_errors(**{"404": MEETING_NOT_FOUND})},
    ),
    create=extend_schema(
        summary="Ask an exhibitor for a meeting",
        description="`expo.services.meeting_request`, as the exhibitor's page: a signed-in guest asks an approved exhibitor for a slot of "
        "15, 30, 45 or 60 minutes during the expo; its representatives are emailed.",
        request=ExpoMeetingInputSerializer,
        responses={
            201: ExpoMeetingSerializer, **SIGNED_IN,
            **_errors(**{
                "400": "Invalid input or refused by a rule: `not_approved`, `own_exhibitor` (the user represents it), `invalid_duration`, "
                "`expo_over`, `slot_outside_expo`; `invalid` with `does_not_exist` for an exhibitor the user cannot see, `out_of_range` "
                "for a year outside 1900-9000",
                "409": "`guest_busy`, `exhibitor_busy` (an accepted meeting overlaps), `duplicate_request` (the guest already asked this "
                "exhibitor for an overlapping time)",
            }),
        },
    ),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ExpoMeetingSerializer
    filterset_class = filters.MeetingFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = MeetingRequest.objects.none()

    def get_queryset(self):
        if _fake(self):
            return MeetingRequest.objects.none()
        return filters.meetings_visible_to(self.request.user, meetings_for_api())

    def get_serializer_class(self):
        return ExpoMeetingInputSerializer if self.action == "create" else ExpoMeetingSerializer

    def _meeting(self, meeting, code=status.HTTP_200_OK) -> Response:
        return Response(ExpoMeetingSerializer(meetings_for_api().get(pk=meeting.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = ExpoMeetingInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        language = getattr(request, "LANGUAGE_CODE", None) or get_language()
        meeting = services.meeting_request(guest=request.user, language=language, **serializer.validated_data)
        return self._meeting(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept a meeting request (the exhibitor's representatives, organizers)",
        description="`expo.services.meeting_decide`, as the page of meetings: checked under the locks of both sides; the guest is emailed. "
        "Accepting twice changes nothing.",
        parameters=[_pk("meeting request")], request=None, responses={200: ExpoMeetingSerializer, **SIGNED_IN, **DECIDE_REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._meeting(services.meeting_decide(meeting=self.get_object(), actor=request.user, accept=True))

    @extend_schema(
        summary="Decline a meeting request (the exhibitor's representatives, organizers)",
        description="`expo.services.meeting_decide`: the guest is emailed. Declining twice changes nothing.",
        parameters=[_pk("meeting request")], request=None, responses={200: ExpoMeetingSerializer, **SIGNED_IN, **DECIDE_REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._meeting(services.meeting_decide(meeting=self.get_object(), actor=request.user, accept=False))

    @extend_schema(
        summary="Cancel a meeting request (the guest who asked)",
        description="`expo.services.meeting_cancel`, as the page of meetings: a pending or accepted request is withdrawn. Only the guest who "
        "asked cancels (the exhibitor's side declines). Cancelling twice changes nothing.",
        parameters=[_pk("meeting request")], request=None,
        responses={
            200: ExpoMeetingSerializer, **SIGNED_IN,
            **_errors(**{
                "403": "Not the guest who asked (`not_your_meeting`)", "404": MEETING_NOT_FOUND,
                "409": "`invalid_transition` (a declined request)",
            }),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._meeting(services.meeting_cancel(meeting=self.get_object(), actor=request.user))


ROUTES = [
    ("exhibitors", ExhibitorViewSet, "exhibitor"),
    ("exhibitor-applications", ExhibitorApplicationViewSet, "exhibitor-application"),
    ("exhibitor-decisions", ExhibitorDecisionViewSet, "exhibitor-decision"),
    ("expo-zones", ZoneViewSet, "expo-zone"),
    ("expo-booths", BoothViewSet, "expo-booth"),
    ("expo-launches", LaunchViewSet, "expo-launch"),
    ("expo-openings", OpeningViewSet, "expo-opening"),
    ("expo-meetings", MeetingViewSet, "expo-meeting"),
]
