import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from wic.enums import OrganizationRole
from wic.models import Edition, Organization

from .enums import Access, SessionKind
from .models import Board, Hall, Session, SessionOrganization


class SessionFilter(django_filters.FilterSet):
    """Filters of the agenda, shared by the API and (later) the agenda pages."""

    edition = django_filters.ModelChoiceFilter(
        queryset=Edition.objects.all(), to_field_name="year", label=_("Edition (year)")
    )
    date = django_filters.DateFilter(field_name="date", label=_("Date (YYYY-MM-DD)"))
    hall = django_filters.ModelChoiceFilter(queryset=Hall.objects.all(), label=_("Hall (id)"))
    board = django_filters.ModelChoiceFilter(queryset=Board.objects.all(), label=_("Board (id)"))
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices, label=_("Kind"))
    access = django_filters.ChoiceFilter(choices=Access.choices, label=_("Access"))
    host = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="filter_host", label=_("Host organization (id)")
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="filter_organization", label=_("Organization in any role (id)")
    )
    search = django_filters.CharFilter(method="filter_search", label=_("Search titles, themes and organizations"))

    class Meta:
        model = Session
        fields = ["edition", "date", "hall", "board", "kind", "access", "host", "organization", "search"]

    def filter_host(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(
            Exists(
                SessionOrganization.objects.filter(session=OuterRef("pk"), organization=value, role=OrganizationRole.HOST)
            )
        )

    def filter_organization(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(SessionOrganization.objects.filter(session=OuterRef("pk"), organization=value)))

    def filter_search(self, queryset, name, value):
        terms = value.split()
        for term in terms[:8]:
            org_match = SessionOrganization.objects.filter(session=OuterRef("pk")).filter(
                Q(organization__name_zh__icontains=term)
                | Q(organization__name_en__icontains=term)
                | Q(organization__abbreviation__icontains=term)
            )
            queryset = queryset.filter(
                Q(title_zh__icontains=term)
                | Q(title_en__icontains=term)
                | Q(alt_titles__icontains=term)
                | Q(theme_zh__icontains=term)
                | Q(theme_en__icontains=term)
                | Exists(org_match)
            )
        return queryset
