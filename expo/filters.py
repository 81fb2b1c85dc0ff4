"""Who sees what of the expo in the API, and the filters of its lists.

Visibility follows the pages (expo.permissions): the directory, the zone map, the stage and the
recruitment list are public for a published edition; an entry outside the public directory, a
cancelled launch and a closed opening exist only for the exhibitor's representatives and the
organizers; a meeting request only for its guest, the exhibitor's representatives and the
organizers. Anything else is answered as if it did not exist (404, or `does_not_exist` where a
body names it)."""
import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import BooleanFilter

from agenda.filters import AsciiIdFilter
from wic.roles import is_organizer

from . import selectors
from .enums import ExhibitorStatus, ExpoField, MeetingStatus, ZoneKind
from .models import Booth, BoothAllotment, Exhibitor, Launch, MeetingRequest, TalentListing, Zone

PUBLIC_EXHIBITOR = Q(status=ExhibitorStatus.APPROVED, edition__is_published=True)
PUBLIC_LAUNCH = Q(cancelled_at__isnull=True, edition__is_published=True) & (Q(exhibitor__isnull=True) | Q(exhibitor__status=ExhibitorStatus.APPROVED))
PUBLIC_OPENING = Q(is_open=True, exhibitor__status=ExhibitorStatus.APPROVED, exhibitor__edition__is_published=True)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def represented_by(user, exhibitor_path: str = "pk") -> Exists:
    """The rows whose exhibitor (`exhibitor_path` from the row) the user represents."""
    return Exists(Exhibitor.representatives.through.objects.filter(exhibitor_id=OuterRef(exhibitor_path), user_id=user.pk))


def exhibitors_visible_to(user, queryset: QuerySet[Exhibitor] | None = None) -> QuerySet[Exhibitor]:
    """The public directory, the entries the user represents, every entry for organizers."""
    queryset = Exhibitor.objects.all() if queryset is None else queryset
    if is_organizer(user):
        return queryset
    if not _signed_in(user):
        return queryset.filter(PUBLIC_EXHIBITOR)
    return queryset.filter(PUBLIC_EXHIBITOR | represented_by(user))


def exhibitors_represented_by(user, queryset: QuerySet[Exhibitor]) -> QuerySet[Exhibitor]:
    """Whatever their status: the entries the user represents; every entry for organizers."""
    if is_organizer(user):
        return queryset
    if not _signed_in(user):
        return queryset.none()
    return queryset.filter(represented_by(user))


def published_for(user, queryset: QuerySet, edition_path: str = "edition") -> QuerySet:
    """Zones and booths: those of published editions; every one for organizers."""
    return queryset if is_organizer(user) else queryset.filter(**{f"{edition_path}__is_published": True})


def launches_visible_to(user, queryset: QuerySet[Launch]) -> QuerySet[Launch]:
    """The stage's launches of published editions; the representatives' own, cancelled too; all for organizers."""
    if is_organizer(user):
        return queryset
    if not _signed_in(user):
        return queryset.filter(PUBLIC_LAUNCH)
    return queryset.filter(PUBLIC_LAUNCH | represented_by(user, "exhibitor_id"))


def openings_visible_to(user, queryset: QuerySet[TalentListing]) -> QuerySet[TalentListing]:
    """The open openings of the public directory; the representatives' own, closed too; all for organizers."""
    if is_organizer(user):
        return queryset
    if not _signed_in(user):
        return queryset.filter(PUBLIC_OPENING)
    return queryset.filter(PUBLIC_OPENING | represented_by(user, "exhibitor_id"))


def meetings_visible_to(user, queryset: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    """The requests the user made, those to the exhibitors they represent; all for organizers."""
    if is_organizer(user):
        return queryset
    if not _signed_in(user):
        return queryset.none()
    return queryset.filter(Q(guest_id=user.pk) | represented_by(user, "exhibitor_id"))


def _current(booth_path: str = "pk") -> Exists:
    return Exists(BoothAllotment.objects.filter(booth_id=OuterRef(booth_path), released_at__isnull=True))


# -- filters --------------------------------------------------------------------------------------


class ApplicationFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))
    status = django_filters.ChoiceFilter(choices=ExhibitorStatus.choices, label=_("Status"))
    search = django_filters.CharFilter(method="filter_search", label=_("Search in Chinese or English"))

    class Meta:
        model = Exhibitor
        fields = ["edition", "status", "search"]

    def filter_search(self, queryset, name, value):
        return selectors.exhibitors_filtered(queryset, search=value)


class ZoneFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))
    kind = django_filters.ChoiceFilter(choices=ZoneKind.choices, label=_("Kind"))

    class Meta:
        model = Zone
        fields = ["edition", "kind"]


class BoothFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))
    zone = AsciiIdFilter(field_name="zone_id", label=_("Zone (id)"))
    free = BooleanFilter(method="filter_free", label=_("Free (true) or taken (false)"))
    exhibitor = AsciiIdFilter(method="filter_exhibitor", label=_("Exhibitor (id): the booths it holds now"))

    class Meta:
        model = Booth
        fields = ["edition", "zone", "free", "exhibitor"]

    def filter_free(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(_current()) if value else queryset.filter(_current())

    def filter_exhibitor(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(BoothAllotment.objects.filter(booth_id=OuterRef("pk"), released_at__isnull=True, exhibitor_id=value)))


class LaunchFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="edition__year", label=_("Edition (year)"))
    exhibitor = AsciiIdFilter(field_name="exhibitor_id", label=_("Exhibitor (id)"))
    date = django_filters.DateFilter(field_name="start", lookup_expr="date", label=_("Day (YYYY-MM-DD, Beijing time)"))
    cancelled = BooleanFilter(field_name="cancelled_at", lookup_expr="isnull", exclude=True, label=_("Cancelled"))

    class Meta:
        model = Launch
        fields = ["edition", "exhibitor", "date", "cancelled"]


class OpeningFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="exhibitor__edition__year", label=_("Edition (year)"))
    exhibitor = AsciiIdFilter(field_name="exhibitor_id", label=_("Exhibitor (id)"))
    field = django_filters.ChoiceFilter(choices=ExpoField.choices, label=_("Field"))
    city = django_filters.CharFilter(method="filter_city", label=_("City (part of its name)"))
    open = BooleanFilter(field_name="is_open", label=_("Open"))

    class Meta:
        model = TalentListing
        fields = ["edition", "exhibitor", "field", "city", "open"]

    def filter_city(self, queryset, name, value):
        value = (value or "").strip()[: selectors.SEARCH_LIMIT]
        return queryset.filter(city__icontains=value) if value else queryset


SIDES = [("asked", _("Asked by me")), ("received", _("Asked of the exhibitors I represent"))]


class MeetingFilter(django_filters.FilterSet):
    edition = AsciiIdFilter(field_name="exhibitor__edition__year", label=_("Edition (year)"))
    exhibitor = AsciiIdFilter(field_name="exhibitor_id", label=_("Exhibitor (id)"))
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, label=_("Status"))
    side = django_filters.ChoiceFilter(choices=SIDES, method="filter_side", label=_("My side of the request"))
    date = django_filters.DateFilter(field_name="start", lookup_expr="date", label=_("Day (YYYY-MM-DD, Beijing time)"))

    class Meta:
        model = MeetingRequest
        fields = ["edition", "exhibitor", "status", "side", "date"]

    def filter_side(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or not _signed_in(user):
            return queryset
        return queryset.filter(guest_id=user.pk) if value == "asked" else queryset.filter(represented_by(user, "exhibitor_id"))
