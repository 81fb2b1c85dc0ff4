"""The admin of the venue map (issue 25): service points, and the places of halls and expo zones on
their venue's plan (standalone: the agenda's VenueAdmin is the agenda's).

A service point's list: its name in the admin's language, kind, venue, hours, edition; filters by
edition, venue and kind. A place's list: the venue, the hall or zone, its rectangle; filter by
venue. Both change forms draw the venue's plan (companion/map.py venue_plan, the public map's SVG)
with the point or the rectangle being edited; a click on the plan sets left (x) and top (y)
(static/companion/admin_map.js), and the fields can be typed as well. The plan is the one of the
venue the form names (as saved, as sent, or `?venue=<id>&edition=<id>` on an add form).

Every rule is companion.map's, checked in the form's clean() and shown beside its field with its
code (`point_problems`: venue_required, off_plan, too_long; `shape_problems`: venue_required,
hall_or_zone, hall_of_another_venue, already_placed, off_plan), so the database's constraints
never refuse what a form accepted: no IntegrityError reaches an organizer (the hall's or zone's row
is locked while its place is checked and saved, so two organizers placing it at once are served
in turn, the second told `already_placed`). A place that overlaps
another of its kind (hall on hall, zone on a zone of the same edition) is saved, with a warning
naming the others: an overlap may be a slip, or how the venue is."""
from django import forms
from django.contrib import admin, messages
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agenda.models import Hall, Venue
from expo.models import Zone
from wic.i18n import pick
from wic.inputs import ascii_int
from wic.models import Edition
from wic.page_errors import form_add_domain_error

from . import map as venue_map
from .models import PLAN_SIZE, PlanShape, ServicePoint

POINT_TEXTS = ("name_zh", "name_en", "hours_zh", "hours_en")
PLAN_HELP = _("Plan units, 0 to 1000 from the plan's top left corner; a click on the plan below sets it.")
CHANGE_FORM = "admin/companion/plan_change_form.html"


def _coordinate(label) -> forms.IntegerField:
    # No min/max on the field: companion.map's check refuses a value off the plan as `off_plan`,
    # in its words; the browser's own limits help while typing.
    return forms.IntegerField(label=label, help_text=PLAN_HELP, widget=forms.NumberInput(attrs={"min": 0, "max": PLAN_SIZE}))


class PlanForm(forms.ModelForm):
    """What both forms share: the checks' refusals beside their fields, the constraints only after."""

    def add_problems(self, problems) -> None:
        for error in problems:
            if error.field not in self.errors:
                form_add_domain_error(self, error)

    def validate_constraints(self):
        # companion.map's checks refuse all the constraints would, and say it better; the
        # constraints run only when they found nothing (never an IntegrityError later).
        if not self._errors:
            super().validate_constraints()


class ServicePointForm(PlanForm):
    x = _coordinate(_("left (x)"))
    y = _coordinate(_("top (y)"))

    class Meta:
        model = ServicePoint
        fields = ["edition", "venue", "kind", "name_zh", "name_en", "hours_zh", "hours_en", "note_zh", "note_en", "x", "y"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].required = False  # venue_required, in companion.map's words
        self.fields["venue"].label_from_instance = lambda venue: pick(venue, "name")
        for name in POINT_TEXTS:  # too_long, in companion.map's words (the widget keeps its maxlength)
            field = self.fields[name]
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]

    def clean(self):
        data = super().clean()
        texts = {name: data.get(name) or "" for name in POINT_TEXTS if name not in self.errors}
        self.add_problems(venue_map.point_problems(venue=data.get("venue"), x=data.get("x"), y=data.get("y"), texts=texts))
        return data


class PlanShapeForm(PlanForm):
    x = _coordinate(_("left (x)"))
    y = _coordinate(_("top (y)"))
    width = forms.IntegerField(label=_("width"), help_text=_("Plan units; the rectangle ends at left + width, at most 1000."), widget=forms.NumberInput(attrs={"min": 1, "max": PLAN_SIZE}))
    height = forms.IntegerField(label=_("height"), help_text=_("Plan units; the rectangle ends at top + height, at most 1000."), widget=forms.NumberInput(attrs={"min": 1, "max": PLAN_SIZE}))

    class Meta:
        model = PlanShape
        fields = ["venue", "hall", "zone", "x", "y", "width", "height"]
        help_texts = {"hall": _("A hall of this venue, or else an expo zone: one of the two.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].required = False  # venue_required, in companion.map's words
        self.fields["venue"].label_from_instance = lambda venue: pick(venue, "name")
        self.fields["hall"].queryset = Hall.objects.select_related("venue").order_by("venue__name_zh", "sort_order", "name_zh")
        self.fields["hall"].label_from_instance = lambda hall: f"{pick(hall.venue, 'name')} · {pick(hall, 'name')}" + (f" ({hall.room})" if hall.room else "")
        self.fields["zone"].queryset = Zone.objects.select_related("edition").order_by("-edition__year", "sort_order", "key")
        self.fields["zone"].label_from_instance = lambda zone: f"{zone.edition.year} · {pick(zone, 'name')}"

    def clean(self):
        data = super().clean()
        for name, model in (("hall", Hall), ("zone", Zone)):
            if data.get(name) is not None:
                # Two organizers placing one hall at once: the second waits for the first's save (the
                # admin's change view is one transaction), then reads its place (already_placed).
                list(model.objects.select_for_update().filter(pk=data[name].pk).values_list("pk", flat=True))
        self.add_problems(venue_map.shape_problems(
            venue=data.get("venue"), hall=data.get("hall"), zone=data.get("zone"), x=data.get("x"), y=data.get("y"),
            width=data.get("width"), height=data.get("height"), shape=self.instance if self.instance.pk else None,
        ))
        return data

    def validate_unique(self):
        pass  # already_placed, in companion.map's words (shape_problems)


def _form_id(form, obj, name: str) -> int | None:
    """The id the form names for the foreign key `name`: as sent, else as saved or given initially."""
    if form.is_bound:
        raw = form.data.get(name)
    else:
        raw = form.initial.get(name)
        if raw in (None, "") and obj is not None:
            raw = getattr(obj, f"{name}_id", None)
    return ascii_int(str(raw)) if raw not in (None, "") else None


def _form_number(form, obj, name: str, default: int) -> int:
    """A coordinate to draw: as sent (or given initially) when it is a number on the plan, else as
    saved, else `default`."""
    raw = form.data.get(name) if form.is_bound else form.initial.get(name)
    value = ascii_int(str(raw)) if raw not in (None, "") else None
    if value is not None and value <= PLAN_SIZE:
        return value
    saved = getattr(obj, name, None) if obj is not None else None
    return saved if saved is not None else default


class PlanChangeForm:
    """The change form's plan (templates/admin/companion/plan_change_form.html)."""

    change_form_template = CHANGE_FORM

    class Media:
        css = {"all": ["companion/map.css"]}
        js = ["companion/admin_map.js"]

    def plan_context(self, form, obj) -> dict:
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.plan_context(context["adminform"].form, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


@admin.register(ServicePoint)
class ServicePointAdmin(PlanChangeForm, admin.ModelAdmin):
    form = ServicePointForm
    list_display = ("point_name", "kind", "venue_name", "point_hours", "edition_year")
    list_display_links = ("point_name",)
    list_filter = ("edition", "venue", "kind")
    list_select_related = ("edition", "venue")
    search_fields = ("name_zh", "name_en")
    fieldsets = (
        (None, {"fields": ("edition", "venue", "kind")}),
        (_("Name"), {"fields": ("name_zh", "name_en")}),
        (_("Hours, as guests read them (Beijing time)"), {"fields": ("hours_zh", "hours_en")}),
        (_("Note"), {"fields": ("note_zh", "note_en")}),
        (_("Position on the venue's plan"), {"fields": ("x", "y")}),
    )

    @admin.display(description=_("service point"), ordering="name_zh")
    def point_name(self, obj):
        return pick(obj, "name")

    @admin.display(description=_("venue"), ordering="venue__name_zh")
    def venue_name(self, obj):
        return pick(obj.venue, "name")

    @admin.display(description=_("hours"))
    def point_hours(self, obj):
        return pick(obj, "hours")

    @admin.display(description=_("edition"), ordering="edition__year")
    def edition_year(self, obj):
        return obj.edition.year

    def view_on_site(self, obj):
        return reverse("companion:point", args=[obj.edition.year, obj.pk])

    def plan_context(self, form, obj) -> dict:
        venue_id, edition_id = _form_id(form, obj, "venue"), _form_id(form, obj, "edition")
        venue = Venue.objects.filter(pk=venue_id).first() if venue_id else None
        edition = Edition.objects.filter(pk=edition_id).first() if edition_id else None
        context = {"plan_kind": "point", "plan_venues": [] if venue else list(Venue.objects.order_by("name_zh")), "plan_edition_id": edition_id}
        if venue is not None:
            context.update({
                "plan": venue_map.venue_plan(venue, edition),
                "edition": edition,
                "current": {"x": _form_number(form, obj, "x", PLAN_SIZE // 2), "y": _form_number(form, obj, "y", PLAN_SIZE // 2)},
                "skip": {"kind": "point", "pk": obj.pk} if obj is not None else None,
            })
        return context


@admin.register(PlanShape)
class PlanShapeAdmin(PlanChangeForm, admin.ModelAdmin):
    form = PlanShapeForm
    list_display = ("__str__", "venue_name", "what", "x", "y", "width", "height")
    list_filter = ("venue",)
    list_select_related = ("venue", "hall__venue", "zone__edition")
    fieldsets = (
        (None, {"fields": ("venue", "hall", "zone")}),
        (_("Rectangle on the venue's plan"), {"fields": ("x", "y", "width", "height")}),
    )

    @admin.display(description=_("venue"), ordering="venue__name_zh")
    def venue_name(self, obj):
        return pick(obj.venue, "name")

    @admin.display(description=_("hall or expo zone"))
    def what(self, obj):
        if obj.hall_id:
            return gettext("Hall: %(name)s") % {"name": pick(obj.hall, "name")}
        return gettext("Expo zone %(year)s: %(name)s") % {"year": obj.zone.edition.year, "name": pick(obj.zone, "name")}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        others = venue_map.shape_overlaps(obj)
        if others:
            names = gettext(", ").join(pick(other.hall or other.zone, "name") for other in others)
            messages.warning(request, gettext("Saved, but it overlaps %(names)s on the plan: move one of them if that is a slip.") % {"names": names}, extra_tags="overlaps")

    def plan_context(self, form, obj) -> dict:
        venue_id, zone_id = _form_id(form, obj, "venue"), _form_id(form, obj, "zone")
        venue = Venue.objects.filter(pk=venue_id).first() if venue_id else None
        zone = Zone.objects.select_related("edition").filter(pk=zone_id).first() if zone_id else None
        edition = zone.edition if zone is not None else None
        context = {"plan_kind": "shape", "plan_venues": [] if venue else list(Venue.objects.order_by("name_zh"))}
        if venue is not None:
            skip = None
            if obj is not None:
                skip = {"kind": "hall", "pk": obj.hall_id} if obj.hall_id else {"kind": "zone", "pk": obj.zone_id}
            x, y = _form_number(form, obj, "x", 100), _form_number(form, obj, "y", 100)
            context.update({
                "plan": venue_map.venue_plan(venue, edition),
                "edition": edition,
                "current": {"x": x, "y": y, "width": max(1, min(_form_number(form, obj, "width", 200), PLAN_SIZE - x) or 1), "height": max(1, min(_form_number(form, obj, "height", 200), PLAN_SIZE - y) or 1)},
                "skip": skip,
            })
        return context
