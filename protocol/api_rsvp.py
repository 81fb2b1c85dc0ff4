"""Invitation cards in the API (issue 23).

Organizers (the organizer role): `/invitation-items/` (list, retrieve, create: make an agenda item
invitation-only with cards) and `/invitation-cards/` (list, retrieve with filters; POST sends
cards; actions cancel, resend, approve-substitute, refuse-substitute). The invitee, with no
account: `GET/POST /rsvp/<token>/`, the same service as the page (protocol.invitations).

Errors are `{code, message, errors}` (wic.api_base); the codes are protocol.invitations'. A
substitute proposal is not an error: it answers 202 with the card and `code`
`substitute_needs_approval`."""
import django_filters
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from agenda.filters import AsciiIdFilter
from registration.models import Registration
from wic.api_base import IsOrganizer
from wic.security import FailOpenThrottleMixin

from . import invitations
from .enums import CardStatus
from .models import InvitationCard, InvitationItem
from .serializers_rsvp import (
    CardSendSerializer, CardsSentSerializer, InvitationCardSerializer, InvitationItemInputSerializer, InvitationItemSerializer, ResendSerializer,
    RsvpAnswerSerializer, RsvpCardSerializer, RsvpPendingSerializer, SubstituteDecisionSerializer,
)

def items_for_api() -> QuerySet[InvitationItem]:
    return InvitationItem.objects.select_related("session__edition").annotate(**invitations.card_counts()).order_by("session__sort_key", "pk")


def cards_for_api() -> QuerySet[InvitationCard]:
    return InvitationCard.objects.select_related("item", "registration", "person", "substitute_card").order_by("item_id", "pk")


class ItemFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="session__edition__year", label=_("Edition (year)"))
    session = AsciiIdFilter(field_name="session_id", label=_("Agenda item (session id)"))

    class Meta:
        model = InvitationItem
        fields = ["edition", "session"]


class CardFilter(django_filters.FilterSet):
    item = AsciiIdFilter(field_name="item_id", label=_("Invitation-only item (id)"))
    status = django_filters.ChoiceFilter(choices=CardStatus.choices, label=_("Status"))
    edition = AsciiIdFilter(field_name="item__session__edition__year", label=_("Edition (year)"))
    registration = AsciiIdFilter(field_name="registration_id", label=_("Registration (id)"))
    delegation = AsciiIdFilter(field_name="delegation_id", label=_("Delegation (id)"))

    class Meta:
        model = InvitationCard
        fields = ["item", "status", "edition", "registration", "delegation"]


def _errors(**described) -> dict:
    return {code: OpenApiResponse(description=text) for code, text in described.items()}


ORGANIZER_ERRORS = _errors(**{
    "401": "Not authenticated (`not_authenticated`)",
    "403": "Organizers only (`permission_denied`)",
    "404": "No such item or card (`not_found`)",
})
ITEM_CREATE_ERRORS = _errors(**{"400": "`invalid`, `not_invitable` (the agenda item is not invitation-only), `invalid_deadline`"})
SEND_ERRORS = _errors(**{
    "400": "`invalid`, `no_invitees`, `not_invitable` (a guest not approved or of another edition, naming them; an empty delegation), "
    "`no_email` (a person without an email), `unknown_language`, `too_many`",
    "409": "`rsvp_closed`: replies to the item are closed; move the deadline first",
})
ACTION_ERRORS = {
    "cancel": _errors(**{"409": "`already_cancelled`"}),
    "resend": _errors(**{"400": "`unknown_language`", "409": "`already_replaced`, `substitute_pending`"}),
    "approve": _errors(**{
        "400": "`not_invitable` (the substitute's registration is not approved), `substitute_is_invitee`",
        "409": "`no_substitute_proposed`, `substitute_not_registered` (naming the email: register the substitute first), `already_invited`",
    }),
    "refuse": _errors(**{"409": "`no_substitute_proposed`"}),
}


@extend_schema_view(
    list=extend_schema(summary="Invitation-only items (organizers)", description="Items run with invitation cards, by start, with their cards counted by reply.", responses={200: InvitationItemSerializer(many=True), **ORGANIZER_ERRORS}),
    retrieve=extend_schema(summary="One invitation-only item (organizers)", responses={200: InvitationItemSerializer, **ORGANIZER_ERRORS}),
    create=extend_schema(
        summary="Make an agenda item invitation-only with cards (organizers)",
        description="Gets or makes the item of an invitation-only agenda item (by invitation card, invited participants or closed-door), "
        "and its check-in list at the gate. An existing item is returned unchanged (200); a new one answers 201.",
        request=InvitationItemInputSerializer, responses={200: InvitationItemSerializer, 201: InvitationItemSerializer, **ITEM_CREATE_ERRORS, **ORGANIZER_ERRORS},
    ),
)
class InvitationItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationItemSerializer
    filterset_class = ItemFilter
    permission_classes = [IsOrganizer]
    queryset = InvitationItem.objects.none()

    def get_queryset(self):
        return items_for_api()

    def create(self, request, *args, **kwargs):
        serializer = InvitationItemInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = InvitationItem.objects.filter(session=data["session"]).exists()
        item = invitations.item_for_session(data["session"], rsvp_deadline=data["rsvp_deadline"], transferable=data["transferable"])
        body = InvitationItemSerializer(items_for_api().get(pk=item.pk)).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


def _card_action(summary: str, errors: dict, request=None, description: str = ""):
    return extend_schema(summary=summary, description=description, request=request, responses={200: InvitationCardSerializer, **errors, **ORGANIZER_ERRORS})


@extend_schema_view(
    list=extend_schema(
        summary="Invitation cards (organizers)", description="By item, then as sent. Filter by item, status, edition (year), registration, delegation.",
        responses={200: InvitationCardSerializer(many=True), **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="One invitation card (organizers)", responses={200: InvitationCardSerializer, **ORGANIZER_ERRORS}),
    create=extend_schema(
        summary="Send invitation cards (organizers)",
        description="One card per invitee (a delegation: each member and its head), each emailed in the guest's language with a private "
        "RSVP link. An invitee whose card is out (not cancelled) keeps it; a cancelled card is sent again. Answers 201 when at least one "
        "card was sent, 200 when every invitee already had one.",
        request=CardSendSerializer, responses={200: CardsSentSerializer, 201: CardsSentSerializer, **SEND_ERRORS, **ORGANIZER_ERRORS},
    ),
)
class InvitationCardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationCardSerializer
    filterset_class = CardFilter
    permission_classes = [IsOrganizer]
    queryset = InvitationCard.objects.none()

    def get_queryset(self):
        return cards_for_api()

    def _card(self, card, code=status.HTTP_200_OK):
        return Response(InvitationCardSerializer(cards_for_api().get(pk=card.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = CardSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cards = invitations.cards_send(
            data["item"], registrations=data["registrations"], people=data["people"], delegations=data["delegations"], actor=request.user,
            language=data["language"],
        )
        sent = sum(1 for card in cards if card.sent)
        order = {card.pk: index for index, card in enumerate(cards)}
        fresh = sorted(cards_for_api().filter(pk__in=order), key=lambda card: order[card.pk])
        body = {"sent": sent, "cards": InvitationCardSerializer(fresh, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED if sent else status.HTTP_200_OK)

    @_card_action("Cancel a card (organizers)", ACTION_ERRORS["cancel"], description="The link stops working, the seat is given back, the gate refuses the guest.")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._card(invitations.card_cancel(self.get_object(), actor=request.user))

    @_card_action(
        "Send a card again (organizers)", ACTION_ERRORS["resend"], request=ResendSerializer,
        description="Reopens the card: status invited, a new link (older ones stop working), the reply cleared, the email sent again.",
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        serializer = ResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._card(invitations.card_resend(self.get_object(), actor=request.user, language=serializer.validated_data["language"]))

    @_card_action(
        "Approve the proposed substitute (organizers)", ACTION_ERRORS["approve"], request=SubstituteDecisionSerializer,
        description="The card becomes `replaced`; the substitute's registration (given, or the edition's registration with the substitute's "
        "email) gets a card of its own, accepted, which is returned.",
    )
    @action(detail=True, methods=["post"], url_path="approve-substitute")
    def approve_substitute(self, request, pk=None):
        serializer = SubstituteDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        card = self.get_object()
        registration = None
        registration_id = serializer.validated_data["registration"]
        if registration_id is not None:
            registration = Registration.objects.filter(pk=registration_id).first()
            if registration is None:
                raise ValidationError({"registration": [ErrorDetail(gettext("There is no registration %(id)s.") % {"id": registration_id}, code="does_not_exist")]})
        return self._card(invitations.substitute_decide(card, approve=True, actor=request.user, registration=registration))

    @_card_action("Refuse the proposed substitute (organizers)", ACTION_ERRORS["refuse"], description="The card is back to invited, with a new link emailed to the invitee.")
    @action(detail=True, methods=["post"], url_path="refuse-substitute")
    def refuse_substitute(self, request, pk=None):
        return self._card(invitations.substitute_decide(self.get_object(), approve=False, actor=request.user))


# -- the invitee ---------------------------------------------------------------------------------

class RsvpThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Calls to the private RSVP link per client address (a guessing brake; the link is signed)."""

    scope = "rsvp"
    rate = "120/hour"


LINK_ERRORS = _errors(**{
    "404": "`link_invalid`: not a link of ours, or tampered with",
    "410": "`link_expired` (the item is over), `link_used` (a newer card replaced this link), `card_cancelled` (the invitation was withdrawn)",
})
TOKEN = OpenApiParameter("token", str, OpenApiParameter.PATH, description="The token of the private link the invitation email carries.")


class RsvpView(APIView):
    """The invitee's card through their private link: no account, no session (the signed link is
    the credential), so no CSRF token either."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [RsvpThrottle]
    serializer_class = RsvpCardSerializer

    @extend_schema(
        summary="The invitee's card (private link)", parameters=[TOKEN], auth=[],
        responses={200: RsvpCardSerializer, **LINK_ERRORS},
    )
    def get(self, request, token):
        card = invitations.card_for_token(token)
        return Response(RsvpCardSerializer(RsvpCardSerializer.of(card)).data)

    @extend_schema(
        summary="Answer the invitation (private link)",
        description="`accept` or `decline` answer 200 with the card; `substitute` (name, email, title; the item must allow substitutes) "
        "answers 202 with the card, status substitute_proposed, and `code` `substitute_needs_approval`: an organizer must approve the "
        "substitute before they are admitted. A card is answered once.",
        parameters=[TOKEN], auth=[], request=RsvpAnswerSerializer,
        responses={
            200: RsvpCardSerializer, 202: RsvpPendingSerializer,
            **_errors(**{
                "400": "`invalid`, `unknown_answer`, `substitute_name_required`, `invalid_email`, `too_long`, `not_transferable`, `substitute_is_invitee`",
                "409": "`already_answered` (a card answers once; the secretariat can reopen it), `rsvp_closed` (after the deadline, or once the item started)",
            }),
            **LINK_ERRORS,
        },
    )
    def post(self, request, token):
        serializer = RsvpAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitations.rsvp_answer(token, **serializer.validated_data)
        card = invitations.card_for_token(token)  # again, with the seat and the names for the answer
        body = RsvpCardSerializer(RsvpCardSerializer.of(card)).data
        if card.status == CardStatus.SUBSTITUTE_PROPOSED:
            message = gettext("Your substitute is proposed: the secretariat must approve them before they are admitted.")
            return Response({**body, "code": "substitute_needs_approval", "message": message}, status=status.HTTP_202_ACCEPTED)
        return Response(body)


ROUTES = [
    ("invitation-items", InvitationItemViewSet, "invitation-item"),
    ("invitation-cards", InvitationCardViewSet, "invitation-card"),
]
PATHS = [
    path("rsvp/<str:token>/", RsvpView.as_view(), name="api-protocol-rsvp"),
]
