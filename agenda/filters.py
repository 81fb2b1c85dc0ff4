import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from people.selectors import public_appearances
from wic.enums import OrganizationRole
from wic.inputs import ascii_int
from wic.models import Edition, Organization

from .enums import Access, SessionKind
from .models import Board, Hall, Session, SessionOrganization
from .search import phrase_q, search_q


@extend_schema_field(OpenApiTypes.INT)
class OrganizationIdFilter(django_filters.ModelChoiceFilter):
    """An organization by id (the schema says integer: the filter's method takes the instance)."""


class AsciiIdField(forms.CharField):
    """An id from a query string: 1 to 18 ASCII digits (wic.inputs.ascii_int), else `invalid`."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        number = ascii_int(value)
        if number is None:
            raise ValidationError(_("Enter an id: ASCII digits only."), code="invalid")
        return number


@extend_schema_field(OpenApiTypes.INT)
class AsciiIdFilter(django_filters.Filter):
    field_class = AsciiIdField


class SessionFilter(django_filters.FilterSet):
    """Filters of the agenda, shared by the API and (later) the agenda pages."""

    edition = django_filters.ModelChoiceFilter(
        queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)")
    )
    date = django_filters.DateFilter(field_name="date", label=_("Date (YYYY-MM-DD)"))
    hall = django_filters.ModelChoiceFilter(queryset=Hall.objects.all(), label=_("Hall (id)"))
    board = django_filters.ModelChoiceFilter(queryset=Board.objects.all(), label=_("Board (id)"))
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices, label=_("Kind"))
    access = django_filters.ChoiceFilter(
        choices=Access.choices,
        method="filter_access",
        label=_("Access"),
    )
    host = OrganizationIdFilter(
        queryset=Organization.objects.all(), method="filter_host", label=_("Host organization (id)")
    )
    organization = OrganizationIdFilter(
        queryset=Organization.objects.all(), method="filter_organization", label=_("Organization in any role (id)")
    )
    search = django_filters.CharFilter(method="filter_search", label=_("Search titles, themes and organizations"))
    person = AsciiIdFilter(method="filter_person", label=_("Person (id): the items they appear in"))

    class Meta:
        model = Session
        fields = ["edition", "date", "hall", "board", "kind", "access", "host", "organization", "search", "person"]

    def filter_person(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(public_appearances().filter(session=OuterRef("pk"), person_id=value)))

    def filter_host(self, queryset, name, value):
        return sessions_hosted_by(queryset, value)

    def filter_access(self, queryset, name, value):
        return sessions_with_access(queryset, value)

    def filter_organization(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(SessionOrganization.objects.filter(session=OuterRef("pk"), organization=value)))

    def filter_search(self, queryset, name, value):
        return sessions_matching(queryset, value)


def sessions_hosted_by(queryset, organization):
    """Sessions the organization hosts (主办), by instance or primary key."""
    if organization in (None, ""):
        return queryset
    return queryset.filter(
        Exists(SessionOrganization.objects.filter(session=OuterRef("pk"), organization=organization, role=OrganizationRole.HOST))
    )


def sessions_with_access(queryset, rule: str):
    """Sessions whose texts state `rule`: "closed_door" the closed-door ones, an admission rule
    those with that rule (a closed-door meeting attended by invitation matches both), and
    "not_stated" those the texts say nothing about. "Not stated" is unknown, so "open" never
    matches it."""
    if not rule:
        return queryset
    if rule == Access.CLOSED_DOOR:
        return queryset.filter(closed_door=True)
    if rule == Access.NOT_STATED:
        return queryset.filter(access=Access.NOT_STATED, closed_door=False)
    return queryset.filter(access=rule)


def sessions_matching(queryset, text: str):
    """Every word (at most eight) must match the session's titles, themes, hall, venue, board or
    organizations, in Chinese, English or pinyin (agenda.search): `wuzhen`, `Wuzhen Hall`, `ITU`.
    Several words that some session has together as one name ("Wuzhen Hall") find just those
    sessions (one more query, for any query of several words)."""
    phrase = phrase_q(text)
    if phrase is not None:
        together = queryset.filter(phrase)
        if together.exists():
            return together
    return queryset.filter(search_q(text))


class AgendaFilter(django_filters.FilterSet):
    """The agenda page's filters. Hall, board and host choices come from the edition's own
    sessions (passed in), so validating them costs no query."""

    hall = django_filters.ChoiceFilter(field_name="hall_id", label=_("Hall"), empty_label=_("All halls"))
    board = django_filters.ChoiceFilter(field_name="board_id", label=_("Board"), empty_label=_("All boards"))
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices, label=_("Kind"), empty_label=_("All kinds"))
    access = django_filters.ChoiceFilter(choices=Access.choices, method="filter_access", label=_("Access"), empty_label=_("Any access"))
    host = django_filters.ChoiceFilter(method="filter_host", label=_("Host"), empty_label=_("All hosts"))
    search = django_filters.CharFilter(method="filter_search", label=_("Search"))

    class Meta:
        model = Session
        fields = ["hall", "board", "kind", "access", "host", "search"]

    def __init__(self, data=None, queryset=None, *, halls=(), boards=(), hosts=(), **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["hall"].extra["choices"] = [(str(h.pk), h.t("name") if h.is_whole_venue else f"{h.t('name')}" + (f" ({h.room})" if h.room else "")) for h in halls]
        self.filters["board"].extra["choices"] = [(str(b.pk), b.t("name")) for b in boards]
        self.filters["host"].extra["choices"] = [(str(o.pk), o.t("name")) for o in hosts]

    def filter_host(self, queryset, name, value):
        return sessions_hosted_by(queryset, int(value)) if value else queryset

    def filter_access(self, queryset, name, value):
        return sessions_with_access(queryset, value)

    def filter_search(self, queryset, name, value):
        return sessions_matching(queryset, value)
