"""/api/v1/people/: the people of the published programme, public fields only.

Organizers (issue 28) add and change people through `people.services.person_upsert`, the seed's
upsert by a person's key: POST with a new `key` (409 `person_exists` for a key taken), PATCH on
the id of a person who has one (people added in the admin have none and are changed there:
`person_has_no_key`, 409). Their answers carry the private contact fields, which the public reads
never show; a person shows in the public reads once they appear in a published agenda item."""
import django_filters
from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from wic.api_base import IsOrganizer
from wic.errors import ConflictError
from wic.inputs import ascii_int, country_code
from wic.models import Edition

from . import services
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


class PersonWriteSerializer(serializers.Serializer):
    """A person as `people.services.person_upsert` takes them. Fields not sent keep their values
    (on creation: empty); `key` is set on creation and stays (`key_fixed`)."""

    key = serializers.SlugField(max_length=80, required=False, help_text=gettext_lazy("The person's stable key (as the seed's): set on creation."))
    name_zh = serializers.CharField(max_length=100, required=False, allow_blank=True)
    name_en = serializers.CharField(max_length=150, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, validators=[country_code], help_text=gettext_lazy("ISO 3166-1 alpha-2."))
    bio_zh = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    bio_en = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    precedence = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, help_text=gettext_lazy("Protocol rank: lower comes first."))
    email = serializers.EmailField(required=False, allow_blank=True, help_text=gettext_lazy("Private: organizers only."))
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text=gettext_lazy("Private: organizers only."))
    assistant = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=gettext_lazy("Private: organizers only."))
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)

    FIELDS = ("name_zh", "name_en", "country", "bio_zh", "bio_en", "precedence", "email", "phone", "assistant", "source")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is None:
            self.fields["key"].required = True

    def validate_key(self, key):
        if self.instance is not None and key != self.instance.key:
            raise serializers.ValidationError(_("The key stays as it was created."), code="key_fixed")
        return key

    def service_arguments(self) -> dict:
        person = self.instance
        current = {name: getattr(person, name) for name in self.FIELDS} if person is not None else {}
        return {**current, **self.validated_data, "key": person.key if person is not None else self.validated_data["key"]}


class OrganizerPersonSerializer(serializers.ModelSerializer):
    """A person as organizers see them: with the private contact fields."""

    class Meta:
        model = Person
        fields = ["id", "key", "name_zh", "name_en", "country", "bio_zh", "bio_en", "precedence", "email", "phone", "assistant", "source"]


PERSON_ERRORS = {
    401: OpenApiResponse(description="Not authenticated (`not_authenticated`)"),
    403: OpenApiResponse(description="Organizers only (`permission_denied`)"),
}
PERSON_RULES = "Invalid input (`invalid`: `required`, `key_fixed`, `unknown_country`...), or refused by person_upsert (`person_has_no_name`, `too_long`)"


@extend_schema_view(
    list=extend_schema(summary="People of the programme", description=(
        "People named in a role in a published agenda item (confirmed or past appearances), public fields only, "
        "sorted by protocol precedence then name. `search` matches the Chinese name, the English name and the "
        "pinyin of the Chinese name, whole (`renxianliang`) or as initials (`rxl`); `edition` and `role` keep the "
        "people with an appearance in that edition or role."
    )),
    retrieve=extend_schema(summary="One person"),
    create=extend_schema(
        summary="Add a person (organizers)",
        description="`people.services.person_upsert` with a new key. Answers with the person, contact fields included.",
        request=PersonWriteSerializer,
        responses={201: OrganizerPersonSerializer, **PERSON_ERRORS, 400: OpenApiResponse(description=PERSON_RULES),
                   409: OpenApiResponse(description="A person has that key (`person_exists`, naming them)")},
    ),
    partial_update=extend_schema(
        summary="Change a person (organizers)",
        description="`people.services.person_upsert` with the person's key: the fields sent change. Also people not in the published "
        "programme yet. A person added in the admin (no key) is changed there (`person_has_no_key`, 409).",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The person's id")],
        request=PersonWriteSerializer,
        responses={200: OrganizerPersonSerializer, **PERSON_ERRORS, 400: OpenApiResponse(description=PERSON_RULES),
                   404: OpenApiResponse(description="No such person (`not_found`)"),
                   409: OpenApiResponse(description="The person has no key (`person_has_no_key`)")},
    ),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    queryset = people_for_api()

    def get_permissions(self):
        # Reads keep the API's default permission (no query); writes are the organizers'.
        if self.action in ("list", "retrieve", "metadata"):
            return super().get_permissions()
        return [IsOrganizer()]

    def get_queryset(self):
        if self.action in ("list", "retrieve", "metadata"):
            return people_for_api()
        return Person.objects.all()

    def get_serializer_class(self):
        return PersonWriteSerializer if self.action in ("create", "partial_update") else PersonSerializer

    def get_object(self):
        raw = self.kwargs["pk"]
        number = ascii_int(raw)
        person = self.get_queryset().filter(pk=number).first() if number is not None else None
        if person is None:
            if self.action == "retrieve":
                raise exceptions.NotFound(_("There is no person %(id)s in the published programme.") % {"id": raw})
            raise exceptions.NotFound(_("There is no person %(id)s.") % {"id": str(raw)[:20]})
        return person

    def create(self, request, *args, **kwargs):
        serializer = PersonWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        existing = Person.objects.filter(key=arguments["key"]).first()
        if existing is not None:
            raise ConflictError(
                "person_exists",
                _("%(person)s has the key %(key)s (id %(id)s); change them with PATCH /api/v1/people/%(id)s/.")
                % {"person": existing, "key": existing.key, "id": existing.pk},
                field="key",
            )
        person = services.person_upsert(**arguments)
        return Response(OrganizerPersonSerializer(person).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        if not person.key:
            raise ConflictError(
                "person_has_no_key",
                _("%(person)s was added in the admin without a key; change them there.") % {"person": person},
            )
        serializer = PersonWriteSerializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(OrganizerPersonSerializer(services.person_upsert(**serializer.service_arguments())).data)
