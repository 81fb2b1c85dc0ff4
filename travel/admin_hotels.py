"""The organizers' admin of hotels (issue 24): hotels with their room blocks, the blocks with their
occupancy per night, and the guests' stays.

Every stay goes through travel.hotels: adding one is stay_allocate (the add form's clean calls it
and shows its refusal beside the field it names; nothing is saved then), changing its nights is
stay_move, its agreement to share stay_agree_to_share, deleting it stay_cancel. A block cannot
lose a room, a bed or a night its stays hold (check_block_change).

The stays' list exports as CSV or XLSX (wic.admin_export): filtered by a hotel, that is the
hotel's rooming list, linked from the hotel's page, which links its change log too (the stays
created, changed or cancelled since a day, from the audit trail, on a page or as CSV)."""
import csv
from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registration.models import Registration
from wic.admin_export import CHUNK, ExportMixin, formula_safe
from wic.display import BEIJING, beijing_text
from wic.errors import DomainError
from wic.i18n import pick
from wic.page_errors import form_add_domain_error, messages_add_domain_error

from . import hotels
from .models import Hotel, RoomBlock, RoomStay

CHANGES_SINCE = 7  # days: the change log's default start, before today (Beijing)


def occupancy_table(blocks: list) -> str:
    """Rooms used / held per night of `blocks` (hotels.occupancy), as an HTML table."""
    nights = sorted({count.night for block in blocks for count in block.nights})
    rows = []
    for block in blocks:
        counts = {count.night: count for count in block.nights}
        rows.append((block, [counts.get(night) for night in nights]))
    return render_to_string("admin/travel/hotel/occupancy.html", {"rows": rows, "nights": nights})


# -- blocks ------------------------------------------------------------------------------------------


class RoomBlockForm(forms.ModelForm):
    class Meta:
        model = RoomBlock
        fields = ["room_type_zh", "room_type_en", "rooms", "guests_per_room", "first_night", "last_night"]

    def clean(self):
        data = super().clean()
        if self.errors or data.get("DELETE"):
            return data
        try:
            hotels.check_block_change(
                self.instance, rooms=data["rooms"], guests_per_room=data["guests_per_room"], first_night=data["first_night"], last_night=data["last_night"],
            )
        except DomainError as error:
            form_add_domain_error(self, error)
        return data


class RoomBlockInline(admin.TabularInline):
    model = RoomBlock
    form = RoomBlockForm
    extra = 0
    fields = ("room_type_zh", "room_type_en", "rooms", "guests_per_room", "first_night", "last_night")
    show_change_link = True


@admin.register(Hotel)
class HotelAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "edition", "block_count", "rooms_held")
    list_filter = ("edition",)
    list_select_related = ("edition",)
    search_fields = ("name_zh", "name_en", "address")
    fields = ("edition", "name_zh", "name_en", "address", "contact_email", "occupancy")
    readonly_fields = ("occupancy",)
    inlines = [RoomBlockInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_blocks=Count("blocks"), _rooms=Sum("blocks__rooms"))

    @admin.display(description=_("room blocks"), ordering="_blocks")
    def block_count(self, obj):
        return obj._blocks

    @admin.display(description=_("rooms held"), ordering="_rooms")
    def rooms_held(self, obj):
        return obj._rooms or 0

    @admin.display(description=_("rooms used / held per night"))
    def occupancy(self, obj):
        return occupancy_table(hotels.occupancy(hotel=obj)) if obj.pk else "-"

    def get_urls(self):
        changes = path("<path:object_id>/changes/", self.admin_site.admin_view(self.changes_view), name="travel_hotel_changes")
        return [changes, *super().get_urls()]

    def changes_view(self, request, object_id):
        """The hotel's change log: stays created, changed or cancelled since `since` (a day,
        YYYY-MM-DD, Beijing; by default CHANGES_SINCE days ago), as a page or (format=csv) a CSV."""
        hotel = self.get_object(request, object_id)
        if hotel is None:
            raise Http404(gettext("No such hotel."))
        if not self.has_view_permission(request, hotel):
            raise PermissionDenied
        today = timezone.localdate(timezone.now(), BEIJING)
        try:
            since = date.fromisoformat(request.GET.get("since", ""))
        except ValueError:
            since = today - timedelta(days=CHANGES_SINCE)
        changes = hotels.hotel_changes(hotel, since=hotels.start_of_day(since))
        if request.GET.get("format") == "csv":
            return _changes_csv(hotel, since, changes)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Changes to the rooms at %(hotel)s") % {"hotel": pick(hotel, "name")},
            "opts": self.opts, "original": hotel, "hotel": hotel, "since": since, "changes": changes,
            "labels": hotels.ACTION_LABELS,
        }
        return TemplateResponse(request, "admin/travel/hotel/changes.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            stays = reverse("admin:travel_roomstay_export", args=["csv"])
            context.update(
                rooming_csv=f"{stays}?block__hotel__id__exact={obj.pk}",
                rooming_xlsx=f"{reverse('admin:travel_roomstay_export', args=['xlsx'])}?block__hotel__id__exact={obj.pk}",
                changes_url=reverse("admin:travel_hotel_changes", args=[obj.pk]),
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


def _changes_csv(hotel, since, changes) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hotel-{hotel.pk}-changes-{since:%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([gettext("when (Beijing time)"), gettext("change"), gettext("stay"), gettext("guest"), gettext("by"), gettext("details")])
    for change in changes:
        writer.writerow([
            beijing_text(change.at), str(hotels.ACTION_LABELS[change.action]), change.stay_id, formula_safe(change.guest), formula_safe(change.actor),
            formula_safe(change.details),
        ])
    return response


@admin.register(RoomBlock)
class RoomBlockAdmin(admin.ModelAdmin):
    form = RoomBlockForm
    list_display = ("__str__", "rooms", "guests_per_room", "first_night", "last_night")
    list_filter = ("hotel__edition", "hotel")
    list_select_related = ("hotel",)
    search_fields = ("hotel__name_zh", "hotel__name_en", "room_type_zh", "room_type_en")
    fields = ("hotel", "room_type_zh", "room_type_en", "rooms", "guests_per_room", "first_night", "last_night", "occupancy")
    readonly_fields = ("occupancy",)

    def get_readonly_fields(self, request, obj=None):
        return ("hotel", "occupancy") if obj is not None else ("occupancy",)

    @admin.display(description=_("rooms used / held per night"))
    def occupancy(self, obj):
        return occupancy_table(hotels.occupancy(block=obj)) if obj.pk else "-"


# -- stays -------------------------------------------------------------------------------------------


class BlockFilter(admin.SimpleListFilter):
    """The blocks by name ("hotel · room type"), their hotels read in the same query."""

    title = _("room block")
    parameter_name = "block"

    def lookups(self, request, model_admin):
        return [(block.pk, str(block)) for block in RoomBlock.objects.select_related("hotel")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(block_id=value) if value and value.isdigit() else queryset


def _nights_help():
    return _("Leave both empty to take them from the guest's arrival and departure (the night of the arrival up to the night before the departure).")


class StayAddForm(forms.ModelForm):
    """A new stay, made by hotels.stay_allocate in clean(): its refusal is shown on the field it
    names and nothing is saved; the stay it made is the form's instance (the admin saves nothing more)."""

    share_with = forms.ModelChoiceField(
        label=_("share the room of"), queryset=Registration.objects.all(), required=False,
        help_text=_("Another guest staying in this block on those nights, who agreed to share their room."),
    )
    actor = None

    class Meta:
        model = RoomStay
        fields = ["block", "registration", "first_night", "last_night", "shares_room", "share_with"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_night", "last_night"):
            self.fields[name].required = False
        self.fields["first_night"].help_text = _nights_help()

    def clean(self):
        data = super().clean()
        if self.errors or data.get("block") is None or data.get("registration") is None:
            return data
        try:
            stay = hotels.stay_allocate(
                data["block"], data["registration"], first_night=data.get("first_night"), last_night=data.get("last_night"),
                share_with=data.get("share_with"), shares_room=bool(data.get("shares_room")), actor=self.actor,
            )
        except DomainError as error:
            form_add_domain_error(self, error)
            return data
        self.instance = stay
        data.update(first_night=stay.first_night, last_night=stay.last_night)
        return data


class StayChangeForm(forms.ModelForm):
    """A stay's nights (hotels.stay_move) and agreement to share (hotels.stay_agree_to_share), both
    or neither: one transaction, the refusal shown on its field."""

    actor = None

    class Meta:
        model = RoomStay
        fields = ["first_night", "last_night", "shares_room"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        stay = self.instance
        first, last, agreed = data["first_night"], data["last_night"], bool(data.get("shares_room"))
        old = RoomStay.objects.filter(pk=stay.pk).values("first_night", "last_night", "shares_room").first()
        if old is None:
            form_add_domain_error(self, DomainError("stay_gone", gettext("This stay was cancelled meanwhile."), status=409, field="stay"))
            return data
        try:
            with transaction.atomic():
                if agreed and not old["shares_room"]:
                    stay = hotels.stay_agree_to_share(stay, shares_room=True, actor=self.actor)
                if (first, last) != (old["first_night"], old["last_night"]):
                    stay = hotels.stay_move(stay, first_night=first, last_night=last, actor=self.actor)
                if not agreed and old["shares_room"]:
                    stay = hotels.stay_agree_to_share(stay, shares_room=False, actor=self.actor)
        except DomainError as error:
            form_add_domain_error(self, error)
            return data
        self.instance = RoomStay.objects.select_related("block__hotel", "registration").get(pk=stay.pk)
        return data


@admin.register(RoomStay)
class RoomStayAdmin(ExportMixin, admin.ModelAdmin):
    # The rooming list: the export of this list filtered by a hotel (hotels.rooming_rows).
    export_fields = [(header, "") for header in hotels.ROOMING_HEADERS]
    list_display = ("guest", "hotel", "room_type", "room_number", "nights", "shares_room")
    list_display_links = ("guest",)
    list_filter = ("block__hotel__edition", "block__hotel", BlockFilter, "shares_room")
    list_select_related = ("registration", "block__hotel")
    search_fields = ("registration__name", "registration__name_zh", "registration__reference", "registration__email")
    autocomplete_fields = ("registration",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["block", "registration", "first_night", "last_night", "shares_room", "share_with"]
        return ["block", "registration", "room_number", "first_night", "last_night", "shares_room", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ("block", "registration", "room_number", "created_at") if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StayChangeForm if obj is not None else StayAddForm
        kwargs["fields"] = None
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["share_with"].widget = AutocompleteSelect(RoomStay._meta.get_field("registration"), self.admin_site)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "block":
            kwargs["queryset"] = RoomBlock.objects.select_related("hotel")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Nothing to save: the form's clean went through travel.hotels, which saved the stay."""

    def delete_model(self, request, obj):
        hotels.stay_cancel(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for stay in queryset:
            try:
                hotels.stay_cancel(stay, actor=request.user)
            except DomainError as error:  # pragma: no cover - stay_cancel refuses nothing today
                messages_add_domain_error(request, error, subject=str(stay))

    # -- columns ---------------------------------------------------------------------------------------

    @admin.display(description=_("guest"), ordering="registration__name")
    def guest(self, obj):
        return obj.registration.name

    @admin.display(description=_("hotel"), ordering="block__hotel__name_zh")
    def hotel(self, obj):
        return pick(obj.block.hotel, "name")

    @admin.display(description=_("room type"), ordering="block")
    def room_type(self, obj):
        return pick(obj.block, "room_type")

    @admin.display(description=_("nights"), ordering="first_night")
    def nights(self, obj):
        return f"{obj.first_night.isoformat()} – {obj.last_night.isoformat()}"

    # -- the rooming list ------------------------------------------------------------------------------

    def export_rows(self, queryset):
        """The rooming list's rows, a chunk at a time (two queries per chunk: roommates, travel)."""
        chunk = []
        for stay in queryset.iterator(chunk_size=CHUNK):
            chunk.append(stay)
            if len(chunk) == CHUNK:
                yield from hotels.rooming_rows(chunk)
                chunk = []
        if chunk:
            yield from hotels.rooming_rows(chunk)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if obj.room_number:
            self.message_user(
                request, gettext("%(guest)s has room %(room)s of %(block)s.") % {"guest": obj.registration.name, "room": obj.room_number, "block": hotels.block_name(obj.block)},
                messages.INFO,
            )
        return response
