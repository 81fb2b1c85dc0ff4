"""The organizers' admin of arrivals, departures and pickup runs (issue 24).

Arrivals and departures: the list by hub, direction, day and edition, searched by flight or train
number and by the guest's name or reference. An organizer may enter or correct a guest's leg (a
guest who wrote to the secretariat): the form checks it with travel.arrivals.leg_check (the
refusal beside its field, with its code) and saves it through leg_save, as the guest's page does.

Pickup runs: the list with each run's guests, seats taken and guests boarded (one query for the
page), its guests inline (read only), and per run "Manifest (CSV)" and "Manifest (PDF)". The button
"Plan pickups" (above the list) asks for the edition and calls travel.arrivals.plan_pickups, which
replaces that edition's runs (refused once someone has boarded). Runs are never added or deleted
here: the planner makes them; only the meeting point may be typed on a run."""
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from wic.display import BEIJING, beijing_text
from wic.errors import DomainError
from wic.models import Edition
from wic.page_errors import form_add_domain_error

from . import arrivals
from .models import PickupRun, PickupSeat, TravelLeg

# -- arrivals and departures ------------------------------------------------------------------------


class TravelLegForm(forms.ModelForm):
    class Meta:
        model = TravelLeg
        fields = ["registration", "direction", "mode", "number", "hub", "scheduled_at", "seats", "needs_pickup"]

    def clean(self):
        data = super().clean()
        registration = data.get("registration") or getattr(self.instance, "registration", None)
        if self.errors or registration is None:
            return data
        try:
            cleaned = arrivals.leg_check(
                registration, direction=data.get("direction") or self.instance.direction, mode=data.get("mode"), number=data.get("number", ""),
                hub=data.get("hub"), scheduled_at=data.get("scheduled_at"), seats=data.get("seats"), needs_pickup=data.get("needs_pickup"),
            )
        except DomainError as error:
            form_add_domain_error(self, error)
        else:
            data.update(cleaned)
        return data


class DayFilter(admin.SimpleListFilter):
    """The days (Beijing time) anyone arrives or leaves, newest edition's first: the summit's
    travel days, not Django's "past 7 days" (one query for the choices)."""

    title = _("day (Beijing time)")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = (
            TravelLeg.objects.annotate(day=TruncDate("scheduled_at", tzinfo=BEIJING)).values_list("day", flat=True).distinct().order_by("-day")[:60]
        )
        return [(day.isoformat(), day.isoformat()) for day in days]

    def queryset(self, request, queryset):
        value = self.value()
        try:
            day = date.fromisoformat(value) if value else None
        except ValueError:
            return queryset.none()
        return queryset.filter(scheduled_at__date=day) if day else queryset


@admin.register(TravelLeg)
class TravelLegAdmin(admin.ModelAdmin):
    form = TravelLegForm
    list_display = ("guest", "direction", "mode", "number", "hub", "scheduled", "expected", "seats", "needs_pickup", "run")
    list_display_links = ("guest",)
    list_filter = ("direction", "hub", DayFilter, "mode", "needs_pickup", "registration__edition")
    list_select_related = ("registration", "pickup__run")
    search_fields = ("number", "registration__name", "registration__name_zh", "registration__reference")
    raw_id_fields = ("registration",)
    readonly_fields = ("delayed_to", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "registration", "direction") if obj is not None else self.readonly_fields

    @admin.display(description=_("guest"), ordering="registration__name")
    def guest(self, obj):
        return f"{obj.registration.name} ({obj.registration.reference})"

    @admin.display(description=_("scheduled (Beijing time)"), ordering="scheduled_at")
    def scheduled(self, obj):
        return beijing_text(obj.scheduled_at)

    @admin.display(description=_("reported new time (Beijing time)"), ordering="delayed_to")
    def expected(self, obj):
        return beijing_text(obj.delayed_to) if obj.delayed_to else "—"

    @admin.display(description=_("pickup run"))
    def run(self, obj):
        seat = getattr(obj, "pickup", None) if arrivals.is_planned(obj) else None
        if seat is None:
            return "—"
        return format_html('<a href="{}">#{}</a>', reverse("admin:travel_pickuprun_change", args=[seat.run_id]), seat.run.number)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = arrivals.leg_save(
            obj.registration, direction=obj.direction, mode=data["mode"], number=data.get("number", ""), hub=data["hub"],
            scheduled_at=data["scheduled_at"], seats=data["seats"], needs_pickup=data["needs_pickup"],
        )
        obj.pk = saved.pk
        obj._state.adding = False


# -- pickup runs ---------------------------------------------------------------------------------------


class PickupSeatInline(admin.TabularInline):
    model = PickupSeat
    extra = 0
    can_delete = False
    fields = ("guest", "number", "arrives", "seats", "boarded_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("leg__registration").order_by("leg__scheduled_at", "leg_id")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("guest"))
    def guest(self, seat):
        return f"{seat.leg.registration.name} ({seat.leg.registration.reference})"

    @admin.display(description=_("flight or train"))
    def number(self, seat):
        return seat.leg.number or seat.leg.get_mode_display()

    @admin.display(description=_("arrives (Beijing time)"))
    def arrives(self, seat):
        return beijing_text(seat.leg.expected_at)

    @admin.display(description=_("seats"))
    def seats(self, seat):
        return seat.leg.seats


class PlanForm(forms.Form):
    edition = forms.ModelChoiceField(label=_("Edition"), queryset=Edition.objects.none(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.filter(start_date__isnull=False).order_by("-year")


@admin.register(PickupRun)
class PickupRunAdmin(admin.ModelAdmin):
    list_display = ("number", "hub", "departs", "vehicle_name", "vip", "guests", "seats_taken", "boarded", "manifests", "boarding")
    list_display_links = ("number",)
    list_filter = ("edition", "hub", "vip")
    fields = ("edition", "number", "hub", "departs", "vehicle_name", "vip", "meeting_point", "manifests", "boarding")
    readonly_fields = ("edition", "number", "hub", "departs", "vehicle_name", "vip", "manifests", "boarding")
    inlines = [PickupSeatInline]
    change_list_template = "travel/arrivals_admin_runs.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _guests=Count("seats"), _seats=Sum("seats__leg__seats"), _boarded=Count("seats", filter=Q(seats__boarded_at__isnull=False)),
        )

    def has_add_permission(self, request):
        return False  # travel.arrivals.plan_pickups makes the runs

    def has_delete_permission(self, request, obj=None):
        return False  # plan again instead: a deleted run would leave its guests without a car

    @admin.display(description=_("departs (Beijing time)"), ordering="departs_at")
    def departs(self, obj):
        return beijing_text(obj.departs_at)

    @admin.display(description=_("vehicle"), ordering="vehicle")
    def vehicle_name(self, obj):
        return f"{arrivals.vehicle_label(obj.vehicle)} ({obj.capacity})"

    @admin.display(description=_("guests"), ordering="_guests")
    def guests(self, obj):
        return getattr(obj, "_guests", None)

    @admin.display(description=_("seats taken"), ordering="_seats")
    def seats_taken(self, obj):
        return getattr(obj, "_seats", None) or 0

    @admin.display(description=_("boarded"), ordering="_boarded")
    def boarded(self, obj):
        return getattr(obj, "_boarded", None)

    @admin.display(description=_("manifest"))
    def manifests(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" data-manifest="csv">{}</a> · <a href="{}" data-manifest="pdf">{}</a>',
            reverse("admin:travel_pickuprun_manifest", args=[obj.pk, "csv"]), gettext("CSV"),
            reverse("admin:travel_pickuprun_manifest", args=[obj.pk, "pdf"]), gettext("PDF"),
        )

    @admin.display(description=_("boarding"))
    def boarding(self, obj):
        """The run's boarding scan (travel.boarding: the check-in page on the run's list)."""
        if obj is None or not obj.pk:
            return "—"
        return format_html('<a href="{}" data-link="boarding">{}</a>', reverse("travel:boarding-scan", args=[obj.pk]), gettext("Scan boarding"))

    def get_urls(self):
        return [
            path("plan/", self.admin_site.admin_view(self.plan_view), name="travel_pickuprun_plan"),
            path("<int:object_id>/manifest.<str:kind>", self.admin_site.admin_view(self.manifest_view), name="travel_pickuprun_manifest"),
        ] + super().get_urls()

    def manifest_view(self, request, object_id, kind):
        """The run's manifest: CSV (in the reader's language, times in Beijing time) or PDF (both languages)."""
        run = get_object_or_404(PickupRun.objects.select_related("edition"), pk=object_id)
        if not self.has_view_permission(request, run) or kind not in ("csv", "pdf"):
            raise PermissionDenied
        name = f"pickup-{run.edition.year}-run-{run.number}"
        if kind == "csv":
            response = HttpResponse(arrivals.manifest_csv(run), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(arrivals.manifest_pdf(run), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response

    def plan_view(self, request):
        """Plan the chosen edition's pickups (travel.arrivals.plan_pickups); a refusal beside the field."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        chosen = request.GET.get("edition__id__exact", "")
        form = PlanForm(request.POST or None, initial={"edition": chosen} if chosen.isdigit() else None)
        if request.method == "POST" and form.is_valid():
            edition = form.cleaned_data["edition"]
            try:
                runs = arrivals.plan_pickups(edition)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                guests = PickupSeat.objects.filter(run__edition=edition).count()
                self.message_user(
                    request,
                    ngettext("%(runs)d pickup run planned for %(guests)d guests of %(year)s.", "%(runs)d pickup runs planned for %(guests)d guests of %(year)s.", len(runs))
                    % {"runs": len(runs), "guests": guests, "year": edition.year},
                    messages.SUCCESS,
                )
                return redirect(f"{reverse('admin:travel_pickuprun_changelist')}?edition__id__exact={edition.pk}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Plan pickups"),
            "form": form,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "travel/arrivals_admin_plan.html", context)
