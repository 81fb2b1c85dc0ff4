"""Visa invitation letters in the API (issue 24), calling travel.letters as the admin and the
guest's page do.

Organizers (the organizer role): `/visa-letters/` (list, retrieve; filters edition, status,
registration), `POST /visa-letters/<id>/decide/` (letters.letter_decide: approve, or refuse with
a reason) and `POST /visa-letters/<id>/revoke/` (letters.letter_revoke, with a reason). The
guest, with no account: `GET/POST /guest-links/<year>/<token>/visa-letter/`, at their private
registration link as the page /editions/<year>/registration/<token>/visa-letter/ is: the same
credential (the page's 158-bit secret, nothing else: no session or token is read, so no CSRF
either), the same rate limit per address on requests (30 an hour), never cached nor indexed. A
link that is not one is 404 `link_invalid`.

The passport number and the date of birth never leave unmasked (letters.masked), for organizers
neither. Errors are `{code, message, errors}` (wic.api_base); the codes are travel.letters'."""
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from wic.api_base import IsOrganizer, PATH_ID_REGEX, described_errors
from wic.errors import DomainError
from wic.security import PUBLIC_FORM_RATE, FailOpenThrottleMixin

from . import guest, letters
from .filters import VisaLetterFilter
from .models import VisaLetter
from .serializers_letters import (
    GuestLetterSectionSerializer,
    LetterDecisionInputSerializer,
    LetterRequestInputSerializer,
    LetterRevokeInputSerializer,
    VisaLetterSerializer,
)


def letters_for_api():
    """Letters with what an item shows, one query for a page whatever its length."""
    return VisaLetter.objects.select_related("registration__edition").order_by("-requested_at", "-pk")


ID_REGEX = PATH_ID_REGEX


_errors = described_errors


ORGANIZER_ERRORS = _errors(**{
    "401": "Not authenticated (`not_authenticated`)",
    "403": "Organizers only (`permission_denied`)",
    "404": "No such letter (`not_found`)",
})
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The letter's id")


@extend_schema_view(
    list=extend_schema(
        summary="Visa invitation letters (organizers)",
        description="Newest request first. Filter by edition (year), status, registration. The passport number and the date of birth are masked.",
        responses={200: VisaLetterSerializer(many=True), **_errors(**{"400": "`invalid` filter"}), **ORGANIZER_ERRORS},
    ),
    retrieve=extend_schema(summary="One visa invitation letter (organizers)", parameters=[ID], responses={200: VisaLetterSerializer, **ORGANIZER_ERRORS}),
)
class VisaLetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VisaLetterSerializer
    lookup_value_regex = ID_REGEX
    permission_classes = [IsOrganizer]
    filterset_class = VisaLetterFilter
    queryset = VisaLetter.objects.none()

    def get_queryset(self):
        return letters_for_api()

    def _letter(self, letter) -> Response:
        return Response(VisaLetterSerializer(letters_for_api().get(pk=letter.pk)).data)

    @extend_schema(
        summary="Approve or refuse a letter (organizers)",
        description="letters.letter_decide, as the admin's actions: an approved letter gets its reference (WIC<year>-VL-<number>) and a "
        "verification code; a refusal needs the reason the guest reads. The guest is emailed.",
        parameters=[ID], request=LetterDecisionInputSerializer,
        responses={
            200: VisaLetterSerializer,
            **_errors(**{
                "400": "`invalid`, `reason_required` (a refusal without its reason)",
                "409": "`not_requested` (the letter is not awaiting a decision), `not_eligible` (the registration is no longer approved: refuse instead)",
            }),
            **ORGANIZER_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        letter = self.get_object()
        serializer = LetterDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._letter(letters.letter_decide(letter, approve=data["approve"], reason=data["reason"], actor=request.user))

    @extend_schema(
        summary="Revoke an approved letter (organizers)",
        description="letters.letter_revoke: its verification page says “revoked” from now on; the guest is emailed with the reason.",
        parameters=[ID], request=LetterRevokeInputSerializer,
        responses={
            200: VisaLetterSerializer,
            **_errors(**{"400": "`invalid`, `reason_required`", "409": "`not_approved` (only an approved letter is revoked)"}),
            **ORGANIZER_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        letter = self.get_object()
        serializer = LetterRevokeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._letter(letters.letter_revoke(letter, reason=serializer.validated_data["reason"], actor=request.user))


# -- the guest, through their private link ---------------------------------------------------------------


class GuestLinkThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Calls to a guest's private link per client address (a guessing brake; the link is a secret)."""

    scope = "travel-guest-link"
    rate = "120/hour"


class LetterRequestThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Letter requests per client address, as the page's form (wic.security.PUBLIC_FORM_RATE)."""

    scope = "travel-letter-request"
    rate = PUBLIC_FORM_RATE


LINK_ERRORS = _errors(**{"404": "`link_invalid`: no registration has this address"})
YEAR = OpenApiParameter("year", str, OpenApiParameter.PATH, description="The edition's year, as in the private link.")
TOKEN = OpenApiParameter("token", str, OpenApiParameter.PATH, description="The secret of the guest's private registration link.")


class GuestLetterView(APIView):
    """The guest's visa letter at their private link: no account, no session (the link is the
    credential), never cached."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    serializer_class = GuestLetterSectionSerializer

    def get_throttles(self):
        if self.request is not None and self.request.method == "POST":
            return [GuestLinkThrottle(), LetterRequestThrottle()]
        return [GuestLinkThrottle()]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
        return response

    @staticmethod
    def _registration(year, token):
        registration = guest.registration_at(year, token)
        if registration is None:
            raise DomainError("link_invalid", _("No registration has this address."), status=404)
        return registration

    @staticmethod
    def _section(registration) -> dict:
        section = guest.letter_section(registration)
        body = GuestLetterSectionSerializer.of(registration, section, guest.request_blocked(registration))
        return GuestLetterSectionSerializer(body).data

    @extend_schema(
        summary="The guest's visa letter (private link)",
        description="Whether the guest may ask for a letter, why not, and their letter (the live one, else the latest refused or revoked), "
        "passport data masked; the PDF's address once approved.",
        parameters=[YEAR, TOKEN], auth=[], responses={200: GuestLetterSectionSerializer, **LINK_ERRORS},
    )
    def get(self, request, year, token):
        return Response(self._section(self._registration(year, token)))

    @extend_schema(
        summary="Ask for a visa invitation letter (private link)",
        description="letters.letter_request, as the guest's page: the name as in the passport, nationality, passport number and expiry, "
        "date of birth, the embassy or consulate, the stay in China (it must include a day of the summit and last at most 90 days). "
        "The secretariat decides; the guest is emailed. Answers with the guest's letter section.",
        parameters=[YEAR, TOKEN], auth=[], request=LetterRequestInputSerializer,
        responses={
            201: GuestLetterSectionSerializer,
            **_errors(**{
                "400": "`invalid`, `required`, `too_long`, `invalid_country`, `invalid_passport_number`, `invalid_date`, `born_in_future`, "
                "`stay_out_of_order`, `stay_out_of_range`, `passport_expires_too_soon`",
                "409": "`not_eligible` (the registration is not approved), `already_requested` (a letter is requested or approved already), "
                "`edition_has_no_dates`",
            }),
            **LINK_ERRORS,
        },
    )
    def post(self, request, year, token):
        registration = self._registration(year, token)
        serializer = LetterRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        letters.letter_request(registration, data=dict(serializer.validated_data), language=get_language())
        return Response(self._section(registration), status=status.HTTP_201_CREATED)


ROUTES = [("visa-letters", VisaLetterViewSet, "visa-letter")]
PATHS = [path("guest-links/<str:year>/<str:token>/visa-letter/", GuestLetterView.as_view(), name="api-travel-guest-letter")]
