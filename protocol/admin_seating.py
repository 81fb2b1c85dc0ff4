"""The protocol app's admin: seating plans with their tables or rows (checked by the same rule as
protocol.seating.plan_create), and the seats as a read-only list: seats are given on the plan
screen (/protocol/plans/<id>/) through protocol.seating, which keeps the gate's copy in step."""
from django import forms
from django.contrib import admin
from django.db.models import Max
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wic.errors import DomainError

from .models import InvitationItem, SeatAssignment, SeatBlock, SeatingPlan
from .seating import blocks_check


class SeatBlockFormSet(forms.BaseInlineFormSet):
    """The blocks as a whole: seats per table (1-40) or row (1-200), labels once, no more seats
    than the hall's capacity, and no block made smaller than a seat already given in it."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        layout = self.data.get("layout") or getattr(self.instance, "layout", "")
        raw_capacity = (self.data.get("capacity") or "").strip()
        capacity = int(raw_capacity) if raw_capacity.isascii() and raw_capacity.isdigit() else None
        try:
            blocks_check(layout, [(f.cleaned_data.get("label", ""), f.cleaned_data.get("seats"), f.cleaned_data.get("is_head", False)) for f in kept], capacity)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        if self.instance.pk:
            highest = dict(SeatAssignment.objects.filter(plan=self.instance).values("block").annotate(n=Max("number")).values_list("block", "n"))
            for f in kept:
                block = f.instance
                if block.pk and highest.get(block.pk, 0) > (f.cleaned_data.get("seats") or 0):
                    raise forms.ValidationError(
                        _("%(label)s has a guest at seat %(number)s: clear that seat before making it smaller.") % {"label": block.label, "number": highest[block.pk]},
                        code="bad_block",
                    )
        for f in self.deleted_forms:
            if f.instance.pk and SeatAssignment.objects.filter(block=f.instance).exists():
                raise forms.ValidationError(_("%(label)s has guests seated: clear their seats before removing it.") % {"label": f.instance.label}, code="bad_block")


class SeatBlockInline(admin.TabularInline):
    model = SeatBlock
    formset = SeatBlockFormSet
    fields = ["label", "seats", "is_head", "sort_order"]
    extra = 3


@admin.register(SeatingPlan)
class SeatingPlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "layout", "capacity", "plan_screen"]
    list_filter = ["layout"]
    list_select_related = ["item__session"]
    fields = ["item", "layout", "capacity", "plan_screen"]
    readonly_fields = ["plan_screen"]
    inlines = [SeatBlockInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item__session")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            kwargs["queryset"] = InvitationItem.objects.select_related("session").order_by("-session__start")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("plan screen"))
    def plan_screen(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("protocol:seating-plan", args=[obj.pk]), _("Seat the guests"))


@admin.register(SeatAssignment)
class SeatAssignmentAdmin(admin.ModelAdmin):
    """Read only: a seat changes on the plan screen, which also updates what the gate shows."""

    list_display = ["plan", "block", "number", "card"]
    list_filter = ["plan"]
    list_select_related = ["plan__item__session", "block", "card__registration", "card__person", "card__item__session"]
    search_fields = ["card__registration__name", "card__registration__name_zh", "card__person__name_zh", "card__person__name_en", "block__label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
