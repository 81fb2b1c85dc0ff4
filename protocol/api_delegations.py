"""Delegations in the API (issue 23), for organizers: list, read, create, change; add, change
(interpreter mark, principal, order) and remove members; choose or release the liaison; a new
private link for the head; the itinerary. Every rule is protocol.delegations'; its refusals come
back as `{code, message, errors}` with their status. ROUTES: (prefix, viewset, basename) for the
router; PATHS: none."""
import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wic.api_base import IsOrganizer
from wic.errors import DomainError
from wic.models import Edition

from . import delegations
from .enums import DelegationKind
from .models import Delegation, DelegationMember
from .serializers_delegations import (
    DelegationSerializer,
    DelegationWriteSerializer,
    HeadLinkSerializer,
    ItineraryItemSerializer,
    MemberInputSerializer,
    MemberUpdateSerializer,
)


def delegations_for_api() -> QuerySet[Delegation]:
    """Delegations with everything an item shows, in a fixed number of queries whatever their number."""
    return (
        Delegation.objects.select_related("edition", "liaison")
        .prefetch_related(Prefetch("members", queryset=DelegationMember.objects.select_related("registration").order_by("sort_order", "id")))
        .order_by("edition__year", "precedence", "name_zh", "id")
    )


class DelegationFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(field_name="edition", queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)"))
    kind = django_filters.ChoiceFilter(choices=DelegationKind.choices, label=_("Kind"))

    class Meta:
        model = Delegation
        fields = ["edition", "kind"]


ERRORS = {
    400: OpenApiResponse(description="Invalid input or refused by a rule (`name_required`, `unknown_kind`, `unknown_language`, `unknown_country`, "
                         "`bad_days`, `bad_precedence`, `too_long`, `wrong_edition`, `registration_not_active`, `principal_not_member`, "
                         "`principal_needs_interpreter`): `{code, message[, errors]}`"),
    401: OpenApiResponse(description="Not authenticated (`not_authenticated`)"),
    403: OpenApiResponse(description="Organizers only (`permission_denied`)"),
    404: OpenApiResponse(description="No such delegation (or member)"),
    409: OpenApiResponse(description="Conflict: `already_in_delegation` (naming the delegation), `head_not_member`, `duplicate_name`, "
                         "`liaison_assigned`, `liaison_already_assigned`, `no_liaison_available` (saying why), `liaison_on_duty`"),
}
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The delegation's id")
MEMBER = OpenApiParameter("member", int, OpenApiParameter.QUERY, required=True, description="The member's id")


def _responses(ok, ok_status=200, *codes):
    return {ok_status: ok, **{code: ERRORS[code] for code in codes}}


@extend_schema_view(
    list=extend_schema(
        summary="Delegations (organizers)", description="By edition and precedence (lower first). Filter by edition (year) and kind.",
        responses=_responses(DelegationSerializer(many=True), 200, 400, 401, 403),
    ),
    retrieve=extend_schema(summary="One delegation (organizers)", parameters=[ID], responses=_responses(DelegationSerializer, 200, 401, 403, 404)),
    create=extend_schema(
        summary="Create a delegation", description="A head in no delegation yet joins it as its first member.",
        request=DelegationWriteSerializer, responses=_responses(DelegationSerializer, 201, 400, 401, 403, 409),
    ),
    update=extend_schema(
        summary="Replace a delegation's fields", description="The edition stays. Days and languages stay while a liaison serves (`liaison_assigned`).",
        parameters=[ID], request=DelegationWriteSerializer, responses=_responses(DelegationSerializer, 200, 400, 401, 403, 404, 409),
    ),
    partial_update=extend_schema(
        summary="Change some of a delegation's fields", description="Fields not sent keep their values; the edition stays.",
        parameters=[ID], request=DelegationWriteSerializer, responses=_responses(DelegationSerializer, 200, 400, 401, 403, 404, 409),
    ),
)
class DelegationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = DelegationSerializer
    permission_classes = [IsOrganizer]
    filterset_class = DelegationFilter
    queryset = delegations_for_api()

    def get_queryset(self):
        return delegations_for_api()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return DelegationWriteSerializer
        if self.action == "members":
            return MemberInputSerializer
        return DelegationSerializer

    def _item(self, delegation: Delegation, status_code=status.HTTP_200_OK) -> Response:
        fresh = delegations_for_api().get(pk=delegation.pk)
        return Response(DelegationSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def _member(self, delegation: Delegation, request) -> DelegationMember:
        """The delegation's member named by `?member=` (1 to 18 ASCII digits), or `no_such_member` (404)."""
        raw = request.query_params.get("member", "")
        member = DelegationMember.objects.select_related("principal").filter(delegation=delegation, pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
        if member is None:
            raise DomainError("no_such_member", _("%(delegation)s has no member %(id)s.") % {"delegation": delegation.name_zh, "id": raw[:20]}, status=404, field="member")
        return member

    def create(self, request, *args, **kwargs):
        serializer = DelegationWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        delegation = delegations.delegation_save(**serializer.service_arguments(), actor=request.user)
        return self._item(delegation, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        delegation = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = DelegationWriteSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        if not partial:
            serializer.fields["edition"].required = False
        serializer.is_valid(raise_exception=True)
        delegation = delegations.delegation_save(**serializer.service_arguments(delegation), actor=request.user, delegation=delegation)
        return self._item(delegation)

    @extend_schema(
        methods=["POST"], summary="Add a member",
        description="A registration of the delegation's edition, in no other delegation (`already_in_delegation`, 409, naming it). "
        "An interpreter may name the member they interpret for (`principal`). Answers with the delegation.",
        parameters=[ID], request=MemberInputSerializer, responses=_responses(DelegationSerializer, 201, 400, 401, 403, 404, 409),
    )
    @extend_schema(
        methods=["PATCH"], summary="Change a member",
        description="`?member=<member id>`: the interpreter mark, the member they interpret for (`principal`, another member of this "
        "delegation; null for nobody) and the place in the list (`sort_order`), as the admin's inline changes them "
        "(protocol.delegations.member_update). Fields not sent keep their values: removing the interpreter mark of a member who "
        "interprets for someone needs `principal: null` as well (`principal_needs_interpreter` otherwise). Refused: "
        "`principal_needs_interpreter`, `principal_not_member` (400), `does_not_exist` (400, no member with that id), "
        "`no_such_member` (404). Answers with the delegation.",
        parameters=[ID, MEMBER], request=MemberUpdateSerializer, responses=_responses(DelegationSerializer, 200, 400, 401, 403, 404),
    )
    @extend_schema(
        methods=["DELETE"], summary="Remove a member", description="`?member=<member id>`. A head stops being the head. Answers with the delegation.",
        parameters=[ID, MEMBER], request=None, responses=_responses(DelegationSerializer, 200, 401, 403, 404),
    )
    @action(detail=True, methods=["post", "patch", "delete"])
    def members(self, request, pk=None):
        delegation = self.get_object()
        if request.method == "DELETE":
            delegations.member_remove(self._member(delegation, request), actor=request.user)
            return self._item(delegation)
        if request.method == "PATCH":
            serializer = MemberUpdateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)  # the body first: a malformed one is 400 whatever the member
            data = serializer.validated_data
            member = self._member(delegation, request)
            principal = member.principal
            if "principal" in data:
                principal = None
                if data["principal"] is not None:
                    principal = DelegationMember.objects.select_related("registration").filter(pk=data["principal"]).first()
                    if principal is None:
                        raise DomainError("does_not_exist", _("There is no delegation member %(id)s.") % {"id": data["principal"]}, field="principal")
            delegations.member_update(
                member, is_interpreter=data.get("is_interpreter", member.is_interpreter), principal=principal, sort_order=data.get("sort_order"),
                actor=request.user,
            )
            return self._item(delegation)
        serializer = MemberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        delegations.member_add(delegation, data["registration"], is_interpreter=data["is_interpreter"], principal=data["principal"], actor=request.user)
        return self._item(delegation, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["POST"], summary="Choose the liaison",
        description="A volunteer of the guest-liaison post chosen by the roster's rules (trained, speaking every language, available on every day, "
        "on no overlapping shift, fewest hours first) and rostered on the delegation's days 08:00-21:00 Beijing time. "
        "`no_liaison_available` (409) says why nobody fits; nothing is written then.",
        parameters=[ID], request=None, responses=_responses(DelegationSerializer, 200, 401, 403, 404, 409),
    )
    @extend_schema(
        methods=["DELETE"], summary="Release the liaison", description="The liaison's shifts are removed (`liaison_on_duty` once checked in).",
        parameters=[ID], request=None, responses=_responses(DelegationSerializer, 200, 401, 403, 404, 409),
    )
    @action(detail=True, methods=["post", "delete"])
    def liaison(self, request, pk=None):
        delegation = self.get_object()
        if request.method == "DELETE":
            delegations.liaison_release(delegation, actor=request.user)
        else:
            delegations.liaison_assign(delegation, actor=request.user)
        return self._item(delegation)

    @extend_schema(
        summary="A new private link for the head",
        description="The link to the delegation's page for its head (no account needed). Every older link stops working (`link_used`).",
        parameters=[ID], request=None, responses=_responses(HeadLinkSerializer, 200, 401, 403, 404),
    )
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        delegation = self.get_object()
        url = delegations.head_link_url(delegations.head_link_token(delegation))
        return Response(HeadLinkSerializer({"url": url, "valid_days": delegations.link_max_age().days}).data)

    @extend_schema(
        summary="The delegation's itinerary",
        description="Agenda items where members speak (public appearances, matched by email) and their invitation cards with replies and seats, "
        "by day. Times are ISO 8601 in Beijing time (+08:00).",
        parameters=[ID], responses=_responses(ItineraryItemSerializer(many=True), 200, 401, 403, 404),
    )
    @action(detail=True, methods=["get"], pagination_class=None)  # one delegation's days: not paginated, as the schema says
    def itinerary(self, request, pk=None):
        delegation = self.get_object()
        view = delegations.delegation_view(delegation.pk)
        items = [item for day in view.days for item in day.items]
        return Response(ItineraryItemSerializer(items, many=True).data)


ROUTES = [("delegations", DelegationViewSet, "delegation")]
PATHS: list = []
