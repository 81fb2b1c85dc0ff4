from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets

from .filters import SessionFilter
from .selectors import editions_for_api, halls_for_listing, sessions_for_listing
from .serializers import EditionSerializer, HallSerializer, SessionSerializer


@extend_schema_view(
    list=extend_schema(summary="Agenda sessions", description=(
        "Filter by edition (year), date, hall, board, kind, access, host, organization and search. Times are ISO 8601 "
        "in Beijing time (+08:00). `date` is null for an item the texts place in the edition without a day. "
        "Access: `access=not_stated` finds the items whose texts state no rule (unknown, never matched by `open`); "
        "`access=closed_door` the closed-door ones and `access=invited_only` those attended by invitation, a "
        "closed-door meeting attended by invitation matching both (see `access_rules`)."
    )),
    retrieve=extend_schema(summary="One agenda session"),
)
class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    queryset = sessions_for_listing()

    def get_queryset(self):
        return sessions_for_listing()


@extend_schema_view(list=extend_schema(summary="Halls of every venue"), retrieve=extend_schema(summary="One hall"))
class HallViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HallSerializer
    queryset = halls_for_listing()
    filterset_fields = ["venue"]

    def get_queryset(self):
        return halls_for_listing()


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
