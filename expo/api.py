"""Exhibitors in the API: anyone reads the approved ones; a signed-in user applies; a
representative (or an organizer) edits their own entry. Rules are expo.services'."""
import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from wic.models import Edition
from wic.roles import is_organizer

from . import selectors, services
from .enums import ExhibitorStatus, ExpoField
from .models import Exhibitor, Launch, TalentListing, Zone
from .serializers import (
    ApplicationInputSerializer,
    ExhibitorDetailSerializer,
    ExhibitorOwnSerializer,
    ExhibitorSerializer,
    ExhibitorUpdateSerializer,
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
