"""The agenda in the API.

Public reads, as before: editions, sessions and halls (and, issue 28, venues). Their GETs keep the
API's default permission, so a read costs no query for the role check, and their querysets.

Organizers' writes (issue 28), each calling the agenda.services function the seed and the admin's
records are written by: venues (`venue_upsert`), halls (`hall_upsert`), boards (`board_upsert`),
sessions (`session_upsert` with `session_set_organizations`; `place` through `session_place`;
`publish` and `unpublish`), outcomes (`outcome_upsert`). Boards and outcomes are organizers' lists
(the public reads them inside editions and sessions). A write saves the records, and the agenda's
signals give the edition (or, for a venue or hall, every edition) a new cache version, exactly as
a save in the admin does (agenda.signals, agenda.cache): the pages and exports show the change at
once. A change of a starred published session's day, time, hall or publication opens its change
alert as in the admin (`change_alert_due_at` says when the attendees are told).

POST creates; a record whose key exists already is refused (409 `<kind>_exists`, naming it): it is
changed by PATCH on its id, where its key stays (`key_fixed`). Nothing is deleted through the API:
a published session that attendees starred must be unpublished first so that they are told
(agenda.admin.SessionAdmin.get_deleted_objects), and deleting stays the admin's, which applies
that rule.

ROUTES: (prefix, viewset, basename) for wic/urls.py's router."""
import django_filters
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from people.selectors import appearances_prefetch
from wic.api_base import IsOrganizer
from wic.errors import ConflictError

from . import services
from .enums import OutcomeKind, VenueKind
from .filters import AsciiIdFilter, SessionFilter
from .models import Board, Hall, Outcome, Session, SessionOrganization, Venue
from .selectors import editions_for_api, halls_for_listing, sessions_for_listing
from .serializers import (
    BoardSerializer,
    BoardWriteSerializer,
    EditionSerializer,
    HallSerializer,
    HallWriteSerializer,
    OrganizerHallSerializer,
    OrganizerOutcomeSerializer,
    OrganizerSessionSerializer,
    OutcomeWriteSerializer,
    PlacementSerializer,
    SessionSerializer,
    SessionWriteSerializer,
    VenueSerializer,
    VenueWriteSerializer,
    session_arguments,
)

READS = ("list", "retrieve", "metadata")


class OrganizerWrites:
    # Reads keep the API's default permission (anyone reads; no query); every other action, and a
    # method the viewset does not offer, is the organizers' (`wic.api_base.IsOrganizer`: 401 for
    # the anonymous, 403 for anyone else). A comment, not a docstring: the schema would show a
    # docstring as the description of the public reads.

    def get_permissions(self):
        if self.action in READS:
            return super().get_permissions()
        return [IsOrganizer()]


def create_once(model, make, refusal):
    """Create a record through its upsert service, which finds a record by its key and changes it
    when it is there: a record found there (its id not newer than every id before the call) is
    rolled back and refused with `refusal(record)`, a ConflictError naming it."""
    with transaction.atomic():
        newest = model.objects.aggregate(newest=Max("pk"))["newest"] or 0
        record = make()
        if record.pk <= newest:
            raise refusal(record)
    return record


def _exists(code: str, what: str, record, path: str) -> ConflictError:
    return ConflictError(
        code,
        _("%(what)s exists already (id %(id)s); change it with PATCH /api/v1/%(path)s/%(id)s/.") % {"what": what, "id": record.pk, "path": path},
    )


def _errors(**descriptions) -> dict:
    return {int(code): OpenApiResponse(description=text) for code, text in descriptions.items()}


ORGANIZERS = _errors(**{"401": "Not authenticated (`not_authenticated`)", "403": "Organizers only (`permission_denied`)"})
INVALID = "Invalid input (`invalid`, per field: `required`, `does_not_exist`, `invalid_choice`, `key_fixed`...)"


def _pk(what: str) -> OpenApiParameter:
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"The {what}'s id")


# -- sessions ----------------------------------------------------------------------------------------


def sessions_for_organizers() -> QuerySet[Session]:
    """Sessions of any edition, published or not, with what OrganizerSessionSerializer shows (as
    sessions_for_listing, in a fixed number of queries)."""
    return Session.objects.select_related("edition", "hall__venue", "board").prefetch_related(
        Prefetch("organization_roles", queryset=SessionOrganization.objects.select_related("organization").order_by("sort_order", "id")),
        Prefetch("outcomes", queryset=Outcome.objects.order_by("sort_order", "id")),
        appearances_prefetch(),
    )


SESSION_RULES = (
    "`session_upsert`'s refusals (400): `session_time_incomplete`, `session_ends_before_start`, `session_period_with_time`, "
    "`session_time_without_date`, `session_outside_edition`, `pre_event_not_before_edition`, `closed_door_open`, `board_not_in_edition`, "
    "`invalid_choice`; `duplicate_organization_role`"
)
SESSION_ID = _pk("session")


@extend_schema_view(
    list=extend_schema(summary="Agenda sessions", description=(
        "Filter by edition (year), date, hall, board, kind, access, host, organization and search. Times are ISO 8601 "
        "in Beijing time (+08:00). `date` is null for an item the texts place in the edition without a day. "
        "Access: `access=not_stated` finds the items whose texts state no rule (unknown, never matched by `open`); "
        "`access=closed_door` the closed-door ones and `access=invited_only` those attended by invitation, a "
        "closed-door meeting attended by invitation matching both (see `access_rules`)."
    )),
    retrieve=extend_schema(summary="One agenda session"),
    create=extend_schema(
        summary="Create a session (organizers)",
        description="`agenda.services.session_upsert`, then `session_set_organizations` when `organizations` is sent. The session waits "
        "unpublished until it is placed (`place`) or published (`publish`). Times are Beijing wall-clock times.",
        request=SessionWriteSerializer,
        responses={201: OrganizerSessionSerializer, **ORGANIZERS, **_errors(**{
            "400": f"{INVALID}, or {SESSION_RULES}",
            "409": "The edition has a session of that key (`session_exists`, naming it)",
        })},
    ),
    partial_update=extend_schema(
        summary="Change a session (organizers)",
        description="The fields sent change; the others, the hall and whether it is published stay. `organizations`, when sent, replace "
        "the list. A placed session (a hall and a clock time) moves only through `place` (`session_placed`, 409). Unpublished "
        "sessions too (the public reads show published sessions only).",
        parameters=[SESSION_ID],
        request=SessionWriteSerializer,
        responses={200: OrganizerSessionSerializer, **ORGANIZERS, **_errors(**{
            "400": f"{INVALID}, or {SESSION_RULES}",
            "404": "No such session (`not_found`)",
            "409": "A placed session's day or times sent: move it with `place` (`session_placed`)",
        })},
    ),
)
class SessionViewSet(OrganizerWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    queryset = sessions_for_listing()

    def get_queryset(self):
        if self.action in READS:
            return sessions_for_listing()
        return Session.objects.select_related("edition", "hall__venue", "board")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return SessionWriteSerializer
        if self.action == "place":
            return PlacementSerializer
        return SessionSerializer

    def _item(self, session: Session, status_code=status.HTTP_200_OK) -> Response:
        fresh = sessions_for_organizers().get(pk=session.pk)
        fresh.open_change_alert = getattr(session, "open_change_alert", None)  # what the save opened (agenda.session_alerts)
        return Response(OrganizerSessionSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @staticmethod
    def _save(arguments: dict, organizations) -> Session:
        with transaction.atomic():
            session = services.session_upsert(**arguments)
            if organizations is not None:
                services.session_set_organizations(session=session, roles=organizations)
        return session

    def create(self, request, *args, **kwargs):
        serializer = SessionWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        arguments, organizations = serializer.service_arguments()
        refusal = lambda s: _exists("session_exists", _("Session %(key)s of %(year)s") % {"key": s.key, "year": s.edition.year}, s, "sessions")  # noqa: E731
        session = create_once(Session, lambda: self._save(arguments, organizations), refusal)
        return self._item(session, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        serializer = SessionWriteSerializer(session, data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        arguments, organizations = serializer.service_arguments()
        return self._item(self._save(arguments, organizations))

    @extend_schema(
        summary="Place a session in a hall and a time slot, and publish it (organizers)",
        description="`agenda.services.session_place`, as the forums' placement page: refused when the slot overlaps another session in "
        "the hall (`slot_conflict`, 409, naming it; touching slots do not overlap), falls outside the edition's days "
        "(`slot_outside_edition`) or ends before it starts (`session_ends_before_start`). Placing a placed session moves it.",
        parameters=[SESSION_ID],
        request=PlacementSerializer,
        responses={200: OrganizerSessionSerializer, **ORGANIZERS, **_errors(**{
            "400": f"{INVALID}, or `slot_outside_edition`, `session_ends_before_start`",
            "404": "No such session (`not_found`)",
            "409": "The hall is taken then (`slot_conflict`, naming the session there)",
        })},
    )
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None):
        session = self.get_object()
        serializer = PlacementSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        placed = services.session_place(session=session, hall=data["hall"], date=data["date"], start_time=data["start_time"], end_time=data["end_time"])
        return self._item(placed)

    def _published(self, published: bool) -> Response:
        session = self.get_object()
        return self._item(services.session_upsert(**{**session_arguments(session), "is_published": published}))

    @extend_schema(
        summary="Publish a session as it is (organizers)",
        description="`agenda.services.session_upsert` with the session's values, published: for an item without a hall or clock time, or "
        "one unpublished before (its slot stayed taken). Publishing a published session changes nothing.",
        parameters=[SESSION_ID],
        request=None,
        responses={200: OrganizerSessionSerializer, **ORGANIZERS, **_errors(**{"400": SESSION_RULES, "404": "No such session (`not_found`)"})},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._published(True)

    @extend_schema(
        summary="Unpublish a session (organizers)",
        description="As unticking “published” in the admin: the session leaves the public pages, exports and API; attendees who starred "
        "it are told (`change_alert_due_at`). Its hall and slot stay taken. Unpublishing is also the way to a deletion (in the admin) "
        "of a session attendees starred.",
        parameters=[SESSION_ID],
        request=None,
        responses={200: OrganizerSessionSerializer, **ORGANIZERS, **_errors(**{"400": SESSION_RULES, "404": "No such session (`not_found`)"})},
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        return self._published(False)


# -- halls and venues ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Halls of every venue"),
    retrieve=extend_schema(summary="One hall"),
    create=extend_schema(
        summary="Create a hall (organizers)",
        description="`agenda.services.hall_upsert`: a hall of a venue, by its Chinese name (unique within the venue).",
        request=HallWriteSerializer,
        responses={201: OrganizerHallSerializer, **ORGANIZERS, **_errors(**{"400": INVALID, "409": "The venue has a hall of that name (`hall_exists`)"})},
    ),
    partial_update=extend_schema(
        summary="Change a hall (organizers)",
        description="Its English name, room and order; its venue and Chinese name stay (`key_fixed`). Every edition's pages are renewed.",
        parameters=[_pk("hall")],
        request=HallWriteSerializer,
        responses={200: OrganizerHallSerializer, **ORGANIZERS, **_errors(**{"400": INVALID, "404": "No such hall (`not_found`)"})},
    ),
)
class HallViewSet(OrganizerWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HallSerializer
    queryset = halls_for_listing()
    filterset_fields = ["venue"]

    def get_queryset(self):
        return halls_for_listing()

    def get_serializer_class(self):
        return HallWriteSerializer if self.action in ("create", "partial_update") else HallSerializer

    def _item(self, hall, status_code=status.HTTP_200_OK):
        return Response(OrganizerHallSerializer(halls_for_listing().get(pk=hall.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = HallWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        refusal = lambda h: _exists("hall_exists", _("Hall %(hall)s") % {"hall": h}, h, "halls")  # noqa: E731
        hall = create_once(Hall, lambda: services.hall_upsert(**arguments), refusal)
        return self._item(hall, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = HallWriteSerializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._item(services.hall_upsert(**serializer.service_arguments()))


class VenueFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=VenueKind.choices, label=gettext_lazy("Kind"))

    class Meta:
        model = Venue
        fields = ["kind"]


@extend_schema_view(
    list=extend_schema(summary="Venues", description="Every venue (the convention center, hotels, the theatre...), by Chinese name. Filter by kind."),
    retrieve=extend_schema(summary="One venue", parameters=[_pk("venue")]),
    create=extend_schema(
        summary="Create a venue (organizers)",
        description="`agenda.services.venue_upsert`: a venue by its Chinese name (unique).",
        request=VenueWriteSerializer,
        responses={201: VenueSerializer, **ORGANIZERS, **_errors(**{"400": INVALID, "409": "A venue has that name (`venue_exists`)"})},
    ),
    partial_update=extend_schema(
        summary="Change a venue (organizers)",
        description="Its English name, kind and source; its Chinese name stays (`key_fixed`). Every edition's pages are renewed.",
        parameters=[_pk("venue")],
        request=VenueWriteSerializer,
        responses={200: VenueSerializer, **ORGANIZERS, **_errors(**{"400": INVALID, "404": "No such venue (`not_found`)"})},
    ),
)
class VenueViewSet(OrganizerWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    queryset = Venue.objects.order_by("name_zh", "id")

    def get_queryset(self):
        return Venue.objects.order_by("name_zh", "id")

    def get_serializer_class(self):
        return VenueWriteSerializer if self.action in ("create", "partial_update") else VenueSerializer

    def create(self, request, *args, **kwargs):
        serializer = VenueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        refusal = lambda v: _exists("venue_exists", _("Venue %(name)s") % {"name": v.name_zh}, v, "venues")  # noqa: E731
        venue = create_once(Venue, lambda: services.venue_upsert(**arguments), refusal)
        return Response(VenueSerializer(venue).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = VenueWriteSerializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(VenueSerializer(services.venue_upsert(**serializer.service_arguments())).data)


# -- boards and outcomes (organizers) --------------------------------------------------------------------


class BoardFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(method="filter_edition", label=gettext_lazy("Edition (year)"))

    class Meta:
        model = Board
        fields = ["edition"]

    def filter_edition(self, queryset, name, value):
        return queryset.filter(edition__year=value) if value is not None else queryset


@extend_schema_view(
    list=extend_schema(summary="Boards of every edition (organizers)", description="By edition (newest first), number and key. Filter by edition (year).",
                       responses={200: BoardSerializer(many=True), **ORGANIZERS}),
    retrieve=extend_schema(summary="One board (organizers)", parameters=[_pk("board")], responses={200: BoardSerializer, **ORGANIZERS}),
    create=extend_schema(
        summary="Create a board (organizers)",
        description="`agenda.services.board_upsert`: a board (track) of an edition, by its key.",
        request=BoardWriteSerializer,
        responses={201: BoardSerializer, **ORGANIZERS, **_errors(**{"400": INVALID, "409": "The edition has a board of that key (`board_exists`)"})},
    ),
    partial_update=extend_schema(
        summary="Change a board (organizers)",
        description="Its names, number, taglines and source; its edition and key stay (`key_fixed`).",
        parameters=[_pk("board")],
        request=BoardWriteSerializer,
        responses={200: BoardSerializer, **ORGANIZERS, **_errors(**{"400": INVALID, "404": "No such board (`not_found`)"})},
    ),
)
class BoardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BoardSerializer
    permission_classes = [IsOrganizer]
    filterset_class = BoardFilter
    queryset = Board.objects.none()

    def get_queryset(self):
        return Board.objects.select_related("edition").order_by("-edition__year", "number", "key", "id")

    def get_serializer_class(self):
        return BoardWriteSerializer if self.action in ("create", "partial_update") else BoardSerializer

    def _item(self, board, status_code=status.HTTP_200_OK):
        return Response(BoardSerializer(self.get_queryset().get(pk=board.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = BoardWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        refusal = lambda b: _exists("board_exists", _("Board %(key)s of %(year)s") % {"key": b.key, "year": b.edition.year}, b, "boards")  # noqa: E731
        board = create_once(Board, lambda: services.board_upsert(**arguments), refusal)
        return self._item(board, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = BoardWriteSerializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._item(services.board_upsert(**serializer.service_arguments()))


class OutcomeFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(method="filter_edition", label=gettext_lazy("Edition (year)"))
    session = AsciiIdFilter(field_name="session_id", label=gettext_lazy("Session (id)"))
    kind = django_filters.ChoiceFilter(choices=OutcomeKind.choices, label=gettext_lazy("Kind"))

    class Meta:
        model = Outcome
        fields = ["edition", "session", "kind"]

    def filter_edition(self, queryset, name, value):
        return queryset.filter(edition__year=value) if value is not None else queryset


@extend_schema_view(
    list=extend_schema(
        summary="Outcomes of every edition (organizers)",
        description="Reports, initiatives and documents released, unpublished sessions' too. Filter by edition (year), session (id) and kind.",
        responses={200: OrganizerOutcomeSerializer(many=True), **ORGANIZERS},
    ),
    retrieve=extend_schema(summary="One outcome (organizers)", parameters=[_pk("outcome")], responses={200: OrganizerOutcomeSerializer, **ORGANIZERS}),
    create=extend_schema(
        summary="Create an outcome (organizers)",
        description="`agenda.services.outcome_upsert`: an outcome of an edition, or of one of its sessions (`session`), by its Chinese title "
        "(《》 taken off).",
        request=OutcomeWriteSerializer,
        responses={201: OrganizerOutcomeSerializer, **ORGANIZERS, **_errors(**{
            "400": f"{INVALID}, `session_not_in_edition`",
            "409": "The edition (or session) has an outcome of that title (`outcome_exists`)",
        })},
    ),
    partial_update=extend_schema(
        summary="Change an outcome (organizers)",
        description="Its English title, kind, source and order; its edition, session and Chinese title stay (`key_fixed`).",
        parameters=[_pk("outcome")],
        request=OutcomeWriteSerializer,
        responses={200: OrganizerOutcomeSerializer, **ORGANIZERS, **_errors(**{"400": INVALID, "404": "No such outcome (`not_found`)"})},
    ),
)
class OutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OrganizerOutcomeSerializer
    permission_classes = [IsOrganizer]
    filterset_class = OutcomeFilter
    queryset = Outcome.objects.none()

    def get_queryset(self):
        return Outcome.objects.select_related("edition").order_by("-edition__year", "session_id", "sort_order", "id")

    def get_serializer_class(self):
        return OutcomeWriteSerializer if self.action in ("create", "partial_update") else OrganizerOutcomeSerializer

    def _item(self, outcome, status_code=status.HTTP_200_OK):
        return Response(OrganizerOutcomeSerializer(self.get_queryset().get(pk=outcome.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = OutcomeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        refusal = lambda o: _exists("outcome_exists", _("Outcome “%(title)s”") % {"title": o.title_zh}, o, "outcomes")  # noqa: E731
        outcome = create_once(Outcome, lambda: services.outcome_upsert(**arguments), refusal)
        return self._item(outcome, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = OutcomeWriteSerializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._item(services.outcome_upsert(**serializer.service_arguments()))


# -- editions ------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Editions of the summit, newest first"),
    retrieve=extend_schema(
        summary="One edition, by year",
        parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH, description="The edition's year, e.g. 2017")],
    ),
)
class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EditionSerializer
    lookup_field = "year"
    lookup_value_regex = "[^/]+"
    queryset = editions_for_api()
    filterset_fields = ["is_demo"]

    def get_queryset(self):
        return editions_for_api()

    def get_object(self):
        from wic.inputs import year_or_none

        raw = self.kwargs["year"]
        year = year_or_none(raw)
        if year is None:
            raise exceptions.NotFound(_("There is no edition for year %(year)s.") % {"year": raw})
        try:
            return self.get_queryset().get(year=year)
        except self.get_queryset().model.DoesNotExist:
            raise exceptions.NotFound(_("There is no edition for year %(year)s.") % {"year": raw}) from None


ROUTES = [
    ("editions", EditionViewSet, "edition"),
    ("sessions", SessionViewSet, "session"),
    ("halls", HallViewSet, "hall"),
    ("venues", VenueViewSet, "venue"),
    ("boards", BoardViewSet, "board"),
    ("outcomes", OutcomeViewSet, "outcome"),
]
