"""Guest registrations in the API: anyone registers (throttled); organizers (staff) read.

The serializer checks the shape of the input; every rule (the edition being open, consent, one
registration per email and edition) is registration.services'. Decisions are made in the admin;
the API neither edits nor deletes a registration."""
import django_filters
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from wic.api_base import IsOrganizer
from wic.models import Edition

from . import services
from .enums import RegistrationStatus
from .models import Registration
from .serializers import RegistrationCreatedSerializer, RegistrationInputSerializer, RegistrationSerializer


def registrations_for_api() -> QuerySet[Registration]:
    return Registration.objects.select_related("edition").order_by("-created", "-id")


class RegistrationRateThrottle(AnonRateThrottle):
    """Anonymous registrations per client address; the rate is set here, not in settings."""

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
    409: OpenApiResponse(description="The email is already registered for the edition (`duplicate_registration`; its page link is mailed to the registered address)"),
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
        description="Open to anyone, throttled per address. Refused when the edition is over (`registration_closed`), "
        "without consent (`consent_required`) or when the email is already registered for the edition "
        "(`duplicate_registration`, 409). Answers with the reference and the guest's own page.",
        request=RegistrationInputSerializer,
        responses={201: RegistrationCreatedSerializer, 400: ERRORS[400], 409: ERRORS[409], 429: ERRORS[429]},
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
        registration = services.registration_create(
            edition=edition, data=data, user=request.user, language=getattr(request, "LANGUAGE_CODE", None) or get_language()
        )
        return Response(RegistrationCreatedSerializer(registration, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)
