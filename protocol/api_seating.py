"""Seating plans in the API (organizers only): the plans, a new plan with its tables or rows, the
seats of a plan, auto-seating and manual moves. Every rule is protocol.seating's; refusals answer
`{code, message}`: `plan_exists` (409), `bad_block`, `plan_too_large`, `unknown_layout`,
`bad_capacity` (400, a new plan), `seat_taken` (409), `not_accepted` (409), `seating_changed`
(409), `no_such_seat` (400), `does_not_exist` (400, a card not of the plan's item, or no such item).

ROUTES: (prefix, viewset, basename) for the API router; PATHS: plain url patterns under /api/v1/."""
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.api_base import IsOrganizer
from wic.errors import DomainError

from . import seating
from .models import InvitationCard, InvitationItem, SeatBlock, SeatingPlan
from .serializers_seating import (
    ClearInputSerializer,
    MovedSerializer,
    MoveInputSerializer,
    PlanCreateSerializer,
    PlanSeatsSerializer,
    SeatingPlanSerializer,
    SeatingReportSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input, or a seat that does not exist (`no_such_seat`), or a card not of the plan's item (`does_not_exist`): `{code, message[, errors]}`"),
    401: OpenApiResponse(description="Not authenticated"),
    403: OpenApiResponse(description="Organizers only (`permission_denied`)"),
    404: OpenApiResponse(description="No such seating plan"),
    409: OpenApiResponse(description="Conflict: the seat is taken (`seat_taken`, naming who sits there), the card is not accepted (`not_accepted`), the seating changed while auto-seating (`seating_changed`)"),
}
CREATE_ERRORS = {
    400: OpenApiResponse(description="Invalid input (`invalid`), no such invitation-only item (`does_not_exist`), or refused by "
                         "protocol.seating.plan_create: `unknown_layout`, `bad_block` (no table or row, more than 500, an empty or too long "
                         "label, seats outside 1-40 at a table or 1-200 in a row, a label twice), `plan_too_large` (more seats than the "
                         "hall's capacity), `bad_capacity`: `{code, message, errors}`"),
    409: OpenApiResponse(description="The item has a seating plan already (`plan_exists`): change that one"),
}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The seating plan's id")


def plans_for_api():
    return (
        SeatingPlan.objects.select_related("item__session")
        .prefetch_related(Prefetch("blocks", queryset=SeatBlock.objects.order_by("sort_order", "pk")))
        .annotate(seated=Count("assignments", distinct=True))
        .order_by("-item__session__start", "pk")
    )


def _guest_card(plan, card_id) -> InvitationCard:
    card = InvitationCard.objects.filter(pk=card_id, item_id=plan.item_id).first()
    if card is None:
        raise DomainError("does_not_exist", _("There is no invitation card %(card)s for this item.") % {"card": card_id}, field="card")
    return card


@extend_schema_view(
    list=extend_schema(summary="Seating plans (organizers)", description="Every item's seating plan with its tables or rows and how many seats are given."),
    retrieve=extend_schema(summary="One seating plan (organizers)", parameters=[ID], responses={200: SeatingPlanSerializer, **{c: ERRORS[c] for c in (401, 403, 404)}}),
    create=extend_schema(
        summary="Create a seating plan (organizers)",
        description="The seating plan of an invitation-only item (one per item) with its tables or rows, in order: "
        "protocol.seating.plan_create (its tables or rows checked by blocks_check, the rule the admin's form applies). "
        "Answers 201 with the plan; audited with the organizer as actor.",
        request=PlanCreateSerializer, responses={201: SeatingPlanSerializer, **CREATE_ERRORS, **{c: ERRORS[c] for c in (401, 403)}},
    ),
)
class SeatingPlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SeatingPlanSerializer
    permission_classes = [IsOrganizer]
    queryset = plans_for_api()

    def get_queryset(self):
        return plans_for_api()

    def get_serializer_class(self):
        return PlanCreateSerializer if self.action == "create" else SeatingPlanSerializer

    def create(self, request, *args, **kwargs):
        serializer = PlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = InvitationItem.objects.filter(pk=data["item"]).first()
        if item is None:
            raise DomainError("does_not_exist", _("There is no invitation-only item %(item)s.") % {"item": data["item"]}, field="item")
        blocks = [(block["label"], block["seats"], block["is_head"]) for block in data["blocks"]]
        plan = seating.plan_create(item, layout=data["layout"], blocks=blocks, capacity=data["capacity"], actor=request.user)
        return Response(SeatingPlanSerializer(plans_for_api().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)

    def _plan(self) -> SeatingPlan:
        return self.get_object()

    @extend_schema(
        summary="Who sits where (organizers)",
        description="Every seat given (table or row, number, the guest's names in both scripts, delegation) and the accepted guests without a seat, in rank order. Not paginated: one plan's seats.",
        parameters=[ID], responses={200: PlanSeatsSerializer, **{c: ERRORS[c] for c in (401, 403, 404)}},
    )
    @action(detail=True, methods=["get"])
    def seats(self, request, pk=None):
        plan = self._plan()
        data = seating.plan_seating(plan)
        seats = [
            {"block": row.block, "number": n, "label": seating.label_of(plan, row.block.label, n), "guest": guest}
            for row in data.blocks for n, guest in enumerate(row.seats, start=1) if guest is not None
        ]
        body = {"plan": plan.pk, "layout": plan.layout, "seats": seats, "unseated": data.unseated}
        return Response(PlanSeatsSerializer(body).data)

    @extend_schema(
        summary="Auto-seat (organizers)",
        description="Seats every accepted guest without a seat, keeping the seats given: head tables or rows first by precedence, "
        "a delegation at one table or row where it fits, interpreters beside their principal. Answers what was done and what could not be.",
        parameters=[ID], request=None, responses={200: SeatingReportSerializer, **{c: ERRORS[c] for c in (401, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"], url_path="auto-seat")
    def auto_seat(self, request, pk=None):
        report = seating.auto_seat(self._plan(), actor=request.user)
        body = {
            "seated": report.seated,
            "unseated": [{"card": card, "code": code} for card, code in sorted(report.unseated.items())],
            "interpreters_apart": report.interpreters_apart,
            "delegations_split": report.delegations_split,
            "messages": [{"code": code, "message": message} for code, message in report.messages()],
        }
        return Response(SeatingReportSerializer(body).data)

    @extend_schema(
        summary="Move a guest to a seat (organizers)",
        description="Refused: `seat_taken` (409, naming who sits there; also when another organizer took it at the same moment), "
        "`not_accepted` (409), `no_such_seat` (400: a number outside 1..seats, or a table or row of another plan).",
        parameters=[ID], request=MoveInputSerializer, responses={200: MovedSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 404, 409)}},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        plan = self._plan()
        serializer = MoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        card = _guest_card(plan, data["card"])
        block = SeatBlock.objects.filter(pk=data["block"]).first()
        if block is None:
            raise DomainError("no_such_seat", _("There is no table or row %(block)s.") % {"block": data["block"]}, field="block")
        seat = seating.seat_move(card, block=block, number=data["number"], actor=request.user)
        body = {"card": card.pk, "block": seat.block_id, "block_label": seat.block.label, "number": seat.number, "label": seating.label_of(plan, seat.block.label, seat.number)}
        return Response(MovedSerializer(body).data)

    @extend_schema(
        summary="Clear a guest's seat (organizers)", description="The guest loses their seat (nothing happens without one).",
        parameters=[ID], request=ClearInputSerializer, responses={204: None, **{c: ERRORS[c] for c in (400, 401, 403, 404)}},
    )
    @action(detail=True, methods=["post"])
    def clear(self, request, pk=None):
        plan = self._plan()
        serializer = ClearInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seating.seat_clear(_guest_card(plan, serializer.validated_data["card"]), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


ROUTES: list = [("seating-plans", SeatingPlanViewSet, "seating-plan")]
PATHS: list = []
