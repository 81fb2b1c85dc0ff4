"""/api/v1/people/: the people of the published programme, public fields only."""
import django_filters
from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, viewsets

from wic.inputs import ascii_int
from wic.models import Edition

from .enums import Role
from .models import Person
from .search import person_search_q
from .selectors import published_appearances
from .serializers import PersonSerializer


def people_for_api():
    """People with at least one published appearance, with those appearances (2 queries a page)."""
    shown = published_appearances().order_by(
        "-session__edition__year", F("session__date").desc(nulls_last=True), "-session__sort_key", "session_id", "sort_order", "pk"
    )
    return (
        Person.objects.filter(Exists(published_appearances().filter(person=OuterRef("pk"))))
        .prefetch_related(Prefetch("appearances", queryset=shown, to_attr="shown_appearances"))
        .order_by("precedence", "sort_name", "pk")
    )


@extend_schema_field(OpenApiTypes.INT)
class EditionYearFilter(django_filters.ModelChoiceFilter):
    """An edition by year (the schema says integer: the filter's method takes the instance)."""


class PersonFilter(django_filters.FilterSet):
    edition = EditionYearFilter(
        queryset=Edition.objects.filter(is_published=True), to_field_name="year", method="filter_edition",
        label=gettext_lazy("Edition (year): people with an appearance in it"),
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, method="filter_role", label=gettext_lazy("Role: people with an appearance in it"))
    search = django_filters.CharFilter(method="filter_search", label=gettext_lazy("Name in Chinese, English or pinyin (full or initials)"))

    class Meta:
        model = Person
        fields = ["edition", "role", "search"]

    def _with(self, queryset, **conditions):
        return queryset.filter(Exists(published_appearances().filter(person=OuterRef("pk"), **conditions)))

    def filter_edition(self, queryset, name, value):
        return self._with(queryset, session__edition=value) if value else queryset

    def filter_role(self, queryset, name, value):
        return self._with(queryset, role=value) if value else queryset

    def filter_search(self, queryset, name, value):
        return queryset.filter(person_search_q(value[:100])) if value else queryset


@extend_schema_view(
    list=extend_schema(summary="People of the programme", description=(
        "People named in a role in a published agenda item (confirmed or past appearances), public fields only, "
        "sorted by protocol precedence then name. `search` matches the Chinese name, the English name and the "
        "pinyin of the Chinese name, whole (`renxianliang`) or as initials (`rxl`); `edition` and `role` keep the "
        "people with an appearance in that edition or role."
    )),
    retrieve=extend_schema(summary="One person"),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    queryset = people_for_api()

    def get_queryset(self):
        return people_for_api()

    def get_object(self):
        raw = self.kwargs["pk"]
        number = ascii_int(raw)
        person = self.get_queryset().filter(pk=number).first() if number is not None else None
        if person is None:
            raise exceptions.NotFound(_("There is no person %(id)s in the published programme.") % {"id": raw})
        return person
