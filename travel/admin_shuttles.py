"""The admin of shuttle loops (issue 24): a loop with its stops inline (a hotel of the edition, a
venue, or a place named in Chinese and English; the minutes after the departure), and on its page
the timetable of its first day as the guests will read it.

Every rule is travel.shuttles': the loop's form calls loop_check (days, times, interval), the
stops' formset stops_check (at least two stops, each one place, the first at 0 minutes and the
minutes increasing with the order, the edition's hotels), each refusal shown as the service's
sentence (the code in the error's `code`). So no database constraint ever refuses what a form
accepted: the form checks first, the stops' order is changed in two steps (moved stops park
outside the order, then take their places), and the loop's row is locked while its stops are
checked and saved, so two organizers editing one loop are served in turn.

The list: the name in the admin's language, the days, the hours, the interval and the number of
stops (counted in the list's query)."""
from django import forms
from django.contrib import admin
from django.db.models import Count, Max
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wic.errors import DomainError
from wic.i18n import pick
from wic.page_errors import form_add_domain_error

from . import shuttles
from .models import Hotel, ShuttleLoop, ShuttleStop

LOOP_FIELDS = ("first_day", "last_day", "first_departure", "last_departure", "every_minutes")


class ShuttleLoopForm(forms.ModelForm):
    class Meta:
        model = ShuttleLoop
        fields = ["edition", "name_zh", "name_en", *LOOP_FIELDS]
        widgets = {
            "every_minutes": forms.NumberInput(attrs={"min": shuttles.MIN_EVERY, "max": shuttles.MAX_EVERY}),
            "first_departure": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "last_departure": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "first_departure": _("Beijing time, from the first stop."),
            "last_departure": _("Beijing time, from the first stop: the last bus leaves then, or before it if the interval does not reach it."),
        }

    def clean(self):
        data = super().clean()
        if self._errors or any(data.get(name) is None for name in ("edition", *LOOP_FIELDS)):
            return data  # a field is missing or malformed: its own error says so
        try:
            shuttles.loop_check(data["edition"], **{name: data[name] for name in LOOP_FIELDS})
        except DomainError as error:
            form_add_domain_error(self, error)
        return data

    def validate_constraints(self):
        # loop_check has checked what the constraints check, and said it better; they run only
        # when it found nothing (so they never repeat its refusal in the database's words).
        if not self._errors:
            super().validate_constraints()


class ShuttleStopForm(forms.ModelForm):
    class Meta:
        model = ShuttleStop
        fields = ["position", "minutes", "hotel", "venue", "name_zh", "name_en"]

    # The formset checks the stops together (stops_check): the order is unique among the stops as
    # they will be, not as they are in the database (two stops may swap places), and each stop is
    # one place. The per-row checks against the database would refuse a swap.
    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass


class ShuttleStopFormSet(BaseInlineFormSet):
    def kept_forms(self) -> list:
        """The forms of the stops the loop will have: filled in and not marked for deletion."""
        return [
            form for form in self.forms
            if getattr(form, "cleaned_data", None) and not (self.can_delete and self._should_delete_form(form))
        ]

    def clean(self):
        # Not BaseModelFormSet.clean: its uniqueness check is stops_check's, in the service's words.
        if any(self.errors):
            return
        loop = self.instance
        try:
            if loop.pk:
                self._lock_and_compare(loop)
            drafts = [
                ShuttleStop(
                    loop=loop, position=form.cleaned_data["position"], minutes=form.cleaned_data["minutes"], hotel=form.cleaned_data.get("hotel"),
                    venue=form.cleaned_data.get("venue"), name_zh=form.cleaned_data.get("name_zh", ""), name_en=form.cleaned_data.get("name_en", ""),
                )
                for form in self.kept_forms()
            ]
            shuttles.stops_check(drafts, edition=loop.edition if loop.edition_id else None)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def _lock_and_compare(self, loop) -> None:
        """Lock the loop's row for the rest of the request (the admin's change page is one
        transaction) and refuse if its stops changed since the page was drawn."""
        ShuttleLoop.objects.select_for_update().filter(pk=loop.pk).first()
        stored = set(ShuttleStop.objects.filter(loop=loop).values_list("pk", flat=True))
        drawn = {form.instance.pk for form in self.initial_forms}
        if stored != drawn:
            raise DomainError(
                "stops_changed", gettext("Someone changed this loop's stops meanwhile: reload the page and make your changes again."), status=409, field="stops",
            )

    def save(self, commit=True):
        """The stops that move or go first leave the order (to positions after every other), so
        no two stops ever hold one position, whatever the order in which the rows are saved."""
        if commit and self.instance.pk:
            moving = [
                form.instance.pk for form in self.initial_forms
                if form.instance.pk and (self._should_delete_form(form) or "position" in form.changed_data)
            ]
            if moving:
                highest = ShuttleStop.objects.filter(loop=self.instance).aggregate(top=Max("position"))["top"] or 0
                highest = max([highest, *(form.cleaned_data["position"] for form in self.kept_forms())])
                for offset, pk in enumerate(moving, start=1):
                    ShuttleStop.objects.filter(pk=pk).update(position=highest + offset)
        return super().save(commit)


class ShuttleStopInline(admin.TabularInline):
    model = ShuttleStop
    form = ShuttleStopForm
    formset = ShuttleStopFormSet
    fields = ("position", "minutes", "hotel", "venue", "name_zh", "name_en")
    # A plain select, not an autocomplete: select2's combobox in a tabular inline has no name
    # (axe aria-input-field-name, found by the crawler), and an edition has a few venues.
    extra = 2
    min_num = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        hotel = formset.form.base_fields["hotel"]
        hotels = Hotel.objects.select_related("edition").order_by("-edition__year", "name_zh")
        hotel.queryset = hotels.filter(edition=obj.edition_id) if obj is not None else hotels
        hotel.label_from_instance = lambda h: f"{pick(h, 'name')} ({h.edition.year})"
        return formset


@admin.register(ShuttleLoop)
class ShuttleLoopAdmin(admin.ModelAdmin):
    form = ShuttleLoopForm
    inlines = [ShuttleStopInline]
    list_display = ("loop_name", "edition_year", "days", "hours", "every", "stop_count")
    list_display_links = ("loop_name",)
    list_filter = ("edition",)
    list_select_related = ("edition",)
    search_fields = ("name_zh", "name_en")
    fields = ("edition", "name_zh", "name_en", *LOOP_FIELDS, "first_day_timetable")
    readonly_fields = ("first_day_timetable",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_stops=Count("stops"))

    @admin.display(description=_("shuttle loop"), ordering="name_zh")
    def loop_name(self, obj):
        return pick(obj, "name")

    @admin.display(description=_("edition"), ordering="edition__year")
    def edition_year(self, obj):
        return obj.edition.year

    @admin.display(description=_("days"), ordering="first_day")
    def days(self, obj):
        return obj.first_day.isoformat() if obj.first_day == obj.last_day else f"{obj.first_day.isoformat()} – {obj.last_day.isoformat()}"

    @admin.display(description=_("hours (Beijing time)"), ordering="first_departure")
    def hours(self, obj):
        return f"{shuttles.hhmm(obj.first_departure)}–{shuttles.hhmm(shuttles.last_departure(obj))}"

    @admin.display(description=_("every"), ordering="every_minutes")
    def every(self, obj):
        return gettext("%(minutes)d min") % {"minutes": obj.every_minutes}

    @admin.display(description=_("stops"), ordering="_stops")
    def stop_count(self, obj):
        return obj._stops

    @admin.display(description=_("timetable of the first day"))
    def first_day_timetable(self, obj):
        if obj is None or not obj.pk:
            return "-"
        stops = shuttles.ordered_stops(obj, ShuttleStop.objects.filter(loop=obj).select_related("hotel", "venue"))
        departures = shuttles.timetable(obj, obj.first_day, stops)
        at_stops = [(stop, [departure.calls[index].at for departure in departures]) for index, stop in enumerate(stops)]
        return render_to_string("admin/travel/shuttleloop/timetable.html", {"loop": obj, "departures": departures, "at_stops": at_stops})
