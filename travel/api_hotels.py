"""Hotels and the guests' stays in the API (issue 24), for organizers, calling travel.hotels as the
admin does.

- `/hotels/` (filter edition) and `/room-blocks/` (filters edition, hotel): read only, as the
  summit's contracts with the hotels are entered in the admin; `GET /hotels/<id>/occupancy/` and
  `GET /room-blocks/<id>/occupancy/`: rooms used and held per night (hotels.occupancy, one query).
- `/room-stays/`: list (filters edition, hotel, block, registration, night, shares_room) and
  retrieve with the roommates; `POST` gives a guest a room (hotels.stay_allocate), `DELETE`
  cancels the stay (hotels.stay_cancel), `POST /room-stays/<id>/move/` changes its nights
  (hotels.stay_move), `POST /room-stays/<id>/share/` records whether the guest agrees to share
  (hotels.stay_agree_to_share). Each change is in the audit trail under the organizer's name,
  which the hotel's change log reads.

A guest's stay is personal data: anyone but an organizer gets 401 / 403 `permission_denied`."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.api_base import IsOrganizer, PATH_ID_REGEX, described_errors

from . import hotels
from .filters import HotelFilter, RoomBlockFilter, RoomStayFilter
from .models import Hotel, RoomBlock, RoomStay
from .serializers_hotels import (
    BlockOccupancySerializer,
    HotelOccupancySerializer,
    HotelSerializer,
    RoomBlockSerializer,
    RoomStaySerializer,
    StayAllocateSerializer,
    StayMoveSerializer,
    StayShareSerializer,
)


def hotels_for_api():
    return Hotel.objects.select_related("edition").prefetch_related("blocks").order_by("edition__year", "name_zh", "pk")


def blocks_for_api():
    return RoomBlock.objects.order_by("hotel_id", "first_night", "pk")


def stays_for_api():
    return RoomStay.objects.select_related("block__hotel__edition", "registration").order_by("block__hotel_id", "block_id", "room_number", "first_night", "pk")


ID_REGEX = PATH_ID_REGEX


_errors = described_errors


ORGANIZER_ERRORS = _errors(**{
    "401": "Not authenticated (`not_authenticated`)",
    "403": "Organizers only (`permission_denied`)",
    "404": "No such hotel, block or stay (`not_found`)",
})
FILTER_ERRORS = _errors(**{"400": "`invalid` or `out_of_range` filter"})
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The object's id")


@extend_schema_view(
    list=extend_schema(summary="Hotels with their room blocks (organizers)", description="Filter by edition (year).",
                       responses={200: HotelSerializer(many=True), **FILTER_ERRORS, **ORGANIZER_ERRORS}),
    retrieve=extend_schema(summary="One hotel with its room blocks (organizers)", parameters=[ID], responses={200: HotelSerializer, **ORGANIZER_ERRORS}),
)
class HotelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HotelSerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = HotelFilter
    queryset = Hotel.objects.none()

    def get_queryset(self):
        return hotels_for_api()

    @extend_schema(
        summary="A hotel's occupancy (organizers)",
        description="hotels.occupancy: rooms used (a bed taken) and held per night, per block and summed over the hotel's blocks. One query.",
        parameters=[ID], responses={200: HotelOccupancySerializer, **ORGANIZER_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def occupancy(self, request, pk=None):
        hotel = self.get_object()
        found = hotels.by_hotel(hotels.occupancy(hotel=hotel))
        summed = found[0] if found else None
        body = {
            "hotel": hotel.pk, "name_zh": hotel.name_zh, "name_en": hotel.name_en,
            "nights": summed.nights if summed else [], "blocks": summed.blocks if summed else [],
        }
        return Response(HotelOccupancySerializer(body).data)


@extend_schema_view(
    list=extend_schema(summary="Room blocks (organizers)", description="Filter by edition (year) and hotel.",
                       responses={200: RoomBlockSerializer(many=True), **FILTER_ERRORS, **ORGANIZER_ERRORS}),
    retrieve=extend_schema(summary="One room block (organizers)", parameters=[ID], responses={200: RoomBlockSerializer, **ORGANIZER_ERRORS}),
)
class RoomBlockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoomBlockSerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = RoomBlockFilter
    queryset = RoomBlock.objects.none()

    def get_queryset(self):
        return blocks_for_api()

    @extend_schema(
        summary="A room block's occupancy (organizers)", description="hotels.occupancy of the block: rooms used and held per night. One query.",
        parameters=[ID], responses={200: BlockOccupancySerializer, **ORGANIZER_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def occupancy(self, request, pk=None):
        block = self.get_object()
        return Response(BlockOccupancySerializer(hotels.occupancy(block=block)[0]).data)


STAY_409 = ("`not_eligible` (not an approved guest of the hotel's edition), `already_staying` (a room elsewhere on one of the nights), "
            "`room_full`, `share_not_agreed`, `share_with_not_staying`")


@extend_schema_view(
    list=extend_schema(
        summary="Hotel stays (organizers)",
        description="By hotel, block, room and first night. Filter by edition (year), hotel, block, registration, night (stays holding it), "
        "shares_room.",
        responses={200: RoomStaySerializer(many=True), **FILTER_ERRORS, **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="One hotel stay (organizers)", parameters=[ID], responses={200: RoomStaySerializer, **ORGANIZER_ERRORS}),
    create=extend_schema(
        summary="Give a guest a room (organizers)",
        description="hotels.stay_allocate: the lowest-numbered room of the block with a free bed every night that the guest may have (alone, "
        "or beside guests who agreed to share when they agreed too), or the room of `share_with`. The nights default to the guest's "
        "travel (arrival's night to the night before the departure).",
        request=StayAllocateSerializer,
        responses={201: RoomStaySerializer, **_errors(**{"400": "`invalid`, `nights_required`, `nights_out_of_order`, `nights_outside_block`",
                                                         "409": STAY_409}), **ORGANIZER_ERRORS},
    ),
    destroy=extend_schema(
        summary="Cancel a hotel stay (organizers)", description="hotels.stay_cancel: the beds are free again.",
        parameters=[ID], responses={204: None, **ORGANIZER_ERRORS},
    ),
)
class RoomStayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = RoomStaySerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = RoomStayFilter
    queryset = RoomStay.objects.none()

    def get_queryset(self):
        return stays_for_api()

    def get_serializer_class(self):
        return {"create": StayAllocateSerializer, "move": StayMoveSerializer, "share": StayShareSerializer}.get(self.action, RoomStaySerializer)

    def _stays(self, stays, **kwargs):
        stays = list(stays)
        return RoomStaySerializer(stays, context={"roommates": hotels.roommates(stays)}, **kwargs).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._stays(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._stays([self.get_object()], many=True)[0])

    def _stay(self, stay, code=status.HTTP_200_OK) -> Response:
        return Response(self._stays([stays_for_api().get(pk=stay.pk)], many=True)[0], status=code)

    def create(self, request, *args, **kwargs):
        serializer = StayAllocateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stay = hotels.stay_allocate(
            data["block"], data["registration"], first_night=data["first_night"], last_night=data["last_night"], share_with=data["share_with"],
            shares_room=data["shares_room"], actor=request.user,
        )
        return self._stay(stay, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        hotels.stay_cancel(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Change a stay's nights (organizers)",
        description="hotels.stay_move: the same room when it still has a free bed every night, else the lowest other room that fits.",
        parameters=[ID], request=StayMoveSerializer,
        responses={200: RoomStaySerializer, **_errors(**{"400": "`invalid`, `nights_out_of_order`, `nights_outside_block`",
                                                         "409": "`already_staying`, `room_full`, `stay_gone`"}), **ORGANIZER_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        stay = self.get_object()
        serializer = StayMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._stay(hotels.stay_move(stay, first_night=data["first_night"], last_night=data["last_night"], actor=request.user))

    @extend_schema(
        summary="Record whether the guest agrees to share the room (organizers)",
        description="hotels.stay_agree_to_share; the agreement is not withdrawn while someone else sleeps in the room (`room_shared`).",
        parameters=[ID], request=StayShareSerializer,
        responses={200: RoomStaySerializer, **_errors(**{"400": "`invalid`", "409": "`room_shared`, `stay_gone`"}), **ORGANIZER_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        stay = self.get_object()
        serializer = StayShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._stay(hotels.stay_agree_to_share(stay, shares_room=serializer.validated_data["shares_room"], actor=request.user))


ROUTES = [
    ("hotels", HotelViewSet, "hotel"),
    ("room-blocks", RoomBlockViewSet, "room-block"),
    ("room-stays", RoomStayViewSet, "room-stay"),
]
PATHS: list = []
