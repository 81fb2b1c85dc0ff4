"""Guest registrations in the API: anyone registers (throttled); organizers (staff) read.

The serializer checks the shape of the input; every rule (the edition being open, consent, one
registration per email and edition) is registration.services'. Decisions are made in the admin;
the API neither edits nor deletes a registration."""
import django_filters
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from wic.api_base import IsOrganizer
from wic.security import FailOpenThrottleMixin
from wic.models import Edition

from . import services
from .enums import RegistrationStatus
from .models import Registration
from .serializers import RegistrationInputSerializer, RegistrationReceivedSerializer, RegistrationSerializer


def registrations_for_api() -> QuerySet[Registration]:
    return Registration.objects.select_related("edition").order_by("-created", "-id")


class RegistrationRateThrottle(FailOpenThrottleMixin, AnonRateThrottle):
    """Anonymous registrations per client address; the rate is set here, not in settings. Open
    when the cache cannot count (wic.security.FailOpenThrottleMixin)."""

    scope = "registration"
    rate = "30/hour"


class RegistrationFilter(django_filters.FilterSet):
    edition = django_filters.ModelChoiceFilter(
        field_name="edition", queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)")
    )
    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices, label=_("Status"))

    class Meta:
        model = Registration
        fields = ["edition", "status"]


ERRORS = {
    400: OpenApiResponse(description="Invalid input or refused by a rule (`registration_closed`, `consent_required`): `{code, message[, errors]}`"),
    401: OpenApiResponse(description="Not authenticated (`not_authenticated`)"),
    403: OpenApiResponse(description="Organizers only (`permission_denied`)"),
    404: OpenApiResponse(description="No such registration"),
    429: OpenApiResponse(description="Too many registrations from this address (`throttled`)"),
}


@extend_schema_view(
    list=extend_schema(
        summary="Guest registrations (organizers)",
        description="Newest first. Filter by edition (year) and status. Staff only.",
        responses={200: RegistrationSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403]},
    ),
    retrieve=extend_schema(
        summary="One guest registration (organizers)",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The registration's id")],
        responses={200: RegistrationSerializer, 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
    ),
    create=extend_schema(
        summary="Register as a guest",
        description="Open to anyone, throttled per address. Refused when the edition is over (`registration_closed`) "
        "or without consent (`consent_required`). Answers 202 the same whether the address was new or already registered "
        "for the edition, so the answer tells nobody who registered: the link to the guest's own page (with the reference "
        "and the status) is mailed to the address, at most once an hour.",
        request=RegistrationInputSerializer,
        responses={202: RegistrationReceivedSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        auth=[],
    ),
)
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    queryset = registrations_for_api()

    def get_queryset(self):
        return registrations_for_api()

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [IsOrganizer()]

    def get_throttles(self):
        if self.action == "create":
            return [RegistrationRateThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):
        if self.action == "create":
            return RegistrationInputSerializer
        return RegistrationSerializer

    def create(self, request, *args, **kwargs):
        serializer = RegistrationInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        edition, data = serializer.service_arguments()
        services.registration_request(edition=edition, data=data, user=request.user, language=getattr(request, "LANGUAGE_CODE", None) or get_language())
        received = {"edition": edition.year, "email": data["email"].strip(), "message": gettext("We have sent the link to the registration's page to this address.")}
        return Response(RegistrationReceivedSerializer(received).data, status=status.HTTP_202_ACCEPTED)
