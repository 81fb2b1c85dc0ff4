from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from .filters import SessionFilter
from .selectors import halls_for_listing, sessions_for_listing
from .serializers import HallSerializer, SessionSerializer


@extend_schema_view(
    list=extend_schema(summary="Agenda sessions", description="Filter by edition (year), date, hall, board, kind, access, host, organization and search. Times are ISO 8601 in Beijing time (+08:00)."),
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
