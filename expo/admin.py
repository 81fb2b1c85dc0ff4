"""The organizers' admin of the expo. Decisions, booth allotments, launches, openings and
meetings change only through expo.services (the actions below); the bulk import has its own
page (upload, dry-run preview, confirm)."""
import base64

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wic.admin_export import ExportMixin
from wic.errors import DomainError

from . import services
from .enums import ExhibitorStatus
from .forms import ImportForm
from .models import Booth, BoothAllotment, Exhibit, Exhibitor, ExhibitorField, Expo, Launch, MeetingRequest, Section, TalentListing, Zone

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
IMPORT_SESSION_KEY = "expo_import"


def _report(modeladmin, request, changed: int, refused: list, done: str) -> None:
    """`done` is the success message, already formatted."""
    if changed:
        modeladmin.message_user(request, done, messages.SUCCESS)
    for obj, error in refused:
        modeladmin.message_user(request, gettext("%(object)s was not changed: %(message)s") % {"object": obj, "message": error.message}, messages.ERROR, extra_tags=error.code)


class ExhibitorFieldInline(admin.TabularInline):
    model = ExhibitorField
    extra = 0


@admin.register(Exhibitor)
class ExhibitorAdmin(ExportMixin, admin.ModelAdmin):
    export_fields = [
        (_("edition"), "edition__year"), (_("organization (Chinese)"), "organization__name_zh"),
        (_("organization (English)"), "organization__name_en"), (_("country or region"), "country__code"),
        (_("fields"), lambda e: "; ".join(e.field_codes)),
        (_("booths"), lambda e: "; ".join(a.booth.code for a in e.current_allotments)),
        (_("zones"), lambda e: "; ".join(dict.fromkeys(a.booth.zone.name_zh for a in e.current_allotments if a.booth.zone_id))),
        (_("products to show (Chinese)"), "products_zh"), (_("products to show (English)"), "products_en"),
        (_("booth size asked for"), "booth_size"), (_("preferred zone"), "preferred_zone__name_zh"), (_("status"), "status"),
        (_("contact person"), "contact_name"), (_("contact email"), "contact_email"), (_("contact phone"), "contact_phone"),
        (_("website"), "website"), (_("demo data"), "is_demo"), (_("applied"), "created"), (_("decided"), "decided_at"),
    ]
    list_display = ["organization", "edition_year", "country", "status", "booth_size", "preferred_zone", "is_demo", "created"]
    list_filter = ["edition", "status", "is_demo", "booth_size"]
    search_fields = ["organization__name_zh", "organization__name_en", "organization__abbreviation", "contact_email", "products_zh", "products_en"]
    list_select_related = ["organization", "edition", "preferred_zone__edition"]
    raw_id_fields = ["organization", "representatives"]
    readonly_fields = ["status", "decided_at", "decided_by", "notified_status", "language", "created", "updated"]
    actions = ["approve", "decline", "allot_booth"]
    inlines = [ExhibitorFieldInline]
    change_list_template = "admin/expo/exhibitor/change_list.html"

    @admin.display(description=_("edition"), ordering="edition__year")
    def edition_year(self, obj):
        return obj.edition.year

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "preferred_zone" in form.base_fields:
            zones = Zone.objects.select_related("edition")
            if obj is not None:
                zones = zones.filter(edition_id=obj.edition_id)
            form.base_fields["preferred_zone"].queryset = zones
        return form

    def _decide(self, request, queryset, status):
        exhibitors = list(Exhibitor.objects.filter(pk__in=[o.pk for o in queryset]).select_related("organization", "edition").order_by("pk"))
        changed, refused = services.exhibitors_decide(exhibitors=exhibitors, status=status, actor=request.user)
        done = gettext("%(count)s exhibitors are now %(status)s.") % {"count": len(changed), "status": ExhibitorStatus(status).label}
        _report(self, request, len(changed), refused, done)

    @admin.action(description=_("Approve"), description_plural=_("Approve selected exhibitors"), permissions=["change"], location=BOTH)
    def approve(self, request, queryset):
        self._decide(request, queryset, ExhibitorStatus.APPROVED)

    @admin.action(description=_("Decline"), description_plural=_("Decline selected exhibitors"), permissions=["change"], location=BOTH)
    def decline(self, request, queryset):
        self._decide(request, queryset, ExhibitorStatus.DECLINED)

    @admin.action(description=_("Allot a booth"), description_plural=_("Allot a booth to the selected exhibitor"), permissions=["change"], location=BOTH)
    def allot_booth(self, request, queryset):
        """A confirmation page listing the free booths of the exhibitor's edition, then services.booth_allot."""
        exhibitors = list(queryset.select_related("organization", "edition")[:2])
        if len(exhibitors) != 1:
            self.message_user(request, gettext("Select one exhibitor to allot a booth to."), messages.ERROR)
            return None
        exhibitor = exhibitors[0]
        taken = BoothAllotment.objects.filter(released_at__isnull=True).values("booth_id")
        free = Booth.objects.filter(edition_id=exhibitor.edition_id).exclude(pk__in=taken).select_related("zone").order_by("zone__sort_order", "sort_order", "code")
        if request.POST.get("apply"):
            booth = Booth.objects.filter(pk=request.POST.get("booth") or 0, edition_id=exhibitor.edition_id).first()
            if booth is None:
                self.message_user(request, gettext("Choose a booth."), messages.ERROR)
                return None
            try:
                services.booth_allot(booth=booth, exhibitor=exhibitor, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{error.message}", messages.ERROR, extra_tags=error.code)
            else:
                self.message_user(request, gettext("Booth %(code)s is allotted to %(name)s.") % {"code": booth.code, "name": exhibitor.organization.name_zh}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Allot a booth"),
            "exhibitor": exhibitor,
            "booths": free,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/expo/allot_booth.html", context)

    def export_queryset(self, request):
        from .selectors import current_allotments

        return super().export_queryset(request).prefetch_related("field_links", current_allotments())

    # -- bulk import -------------------------------------------------------------------------

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="expo_exhibitor_import")] + super().get_urls()

    def import_view(self, request):
        """Upload a CSV or XLSX file: a dry run shows each row's errors; confirming imports it
        (every valid row, or nothing at all if "all or nothing" was ticked and a row has an error)."""
        if not self.has_add_permission(request):
            return render(request, "403.html", {"message": gettext("Only organizers import exhibitors.")}, status=403)
        form = ImportForm(request.POST or None, request.FILES or None)
        context = {**self.admin_site.each_context(request), "title": gettext("Import exhibitors"), "opts": self.model._meta, "form": form}
        if request.method == "POST" and request.POST.get("confirm"):
            stored = request.session.get(IMPORT_SESSION_KEY)
            if not stored:
                self.message_user(request, gettext("Upload the file again: the preview has expired."), messages.ERROR)
                return redirect("admin:expo_exhibitor_import")
            from wic.models import Edition

            edition = Edition.objects.get(pk=stored["edition"])
            try:
                result = services.exhibitors_import(
                    edition=edition, content=base64.b64decode(stored["content"]), filename=stored["name"], dry_run=False,
                    atomic_all=stored["atomic_all"], actor=request.user,
                )
            except DomainError as error:
                self.message_user(request, f"{error.message}", messages.ERROR, extra_tags=error.code)
                return redirect("admin:expo_exhibitor_import")
            del request.session[IMPORT_SESSION_KEY]
            level = messages.SUCCESS if result.written else messages.WARNING
            self.message_user(
                request,
                ngettext("%(written)s exhibitor imported; %(invalid)s row refused.", "%(written)s exhibitors imported; %(invalid)s rows refused.", result.written)
                % {"written": result.written, "invalid": result.invalid},
                level,
            )
            return redirect(reverse("admin:expo_exhibitor_changelist") + f"?edition__id__exact={edition.pk}")
        if request.method == "POST" and form.is_valid():
            from .importing import upload_check

            upload = form.cleaned_data["file"]
            edition = form.cleaned_data["edition"]
            try:
                upload_check(filename=upload.name, size=upload.size)  # before a large file is read into memory
                content = upload.read()
                result = services.exhibitors_import(edition=edition, content=content, filename=upload.name, dry_run=True, atomic_all=form.cleaned_data["atomic_all"])
            except DomainError as error:
                form.add_error("file", forms.ValidationError(error.message, code=error.code))
            else:
                request.session[IMPORT_SESSION_KEY] = {
                    "name": upload.name, "content": base64.b64encode(content).decode(), "edition": edition.pk, "atomic_all": form.cleaned_data["atomic_all"],
                }
                context.update({"result": result, "edition": edition, "upload_name": upload.name})
        return render(request, "admin/expo/exhibitor/import.html", context)


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ["code", "zone", "area", "holder"]
    list_filter = ["edition", "zone"]
    search_fields = ["code", "zone__name_zh"]
    list_select_related = ["zone__edition"]
    actions = ["release"]

    def get_queryset(self, request):
        current = BoothAllotment.objects.filter(booth=OuterRef("pk"), released_at__isnull=True).values("exhibitor__organization__name_zh")[:1]
        return super().get_queryset(request).annotate(holder_name=Subquery(current))

    @admin.display(description=_("exhibitor"))
    def holder(self, obj):
        return obj.holder_name or "—"

    @admin.action(description=_("Release"), description_plural=_("Release the selected booths"), permissions=["change"])
    def release(self, request, queryset):
        released = sum(services.booth_release(booth=booth, actor=request.user) for booth in queryset)
        self.message_user(request, ngettext("%(count)s booth released.", "%(count)s booths released.", released) % {"count": released}, messages.SUCCESS)


@admin.register(BoothAllotment)
class BoothAllotmentAdmin(admin.ModelAdmin):
    list_display = ["booth", "exhibitor", "allotted_at", "allotted_by", "released_at"]
    list_filter = ["booth__edition", "booth__zone"]
    search_fields = ["booth__code", "exhibitor__organization__name_zh", "exhibitor__organization__name_en"]
    list_select_related = ["booth", "exhibitor__organization", "exhibitor__edition", "allotted_by"]
    readonly_fields = ["booth", "exhibitor", "allotted_at", "allotted_by", "released_at"]

    def has_add_permission(self, request):
        return False  # booths are allotted with the exhibitors' "Allot a booth" action (services.booth_allot)

    def has_change_permission(self, request, obj=None):
        return False


class LaunchAdminForm(forms.ModelForm):
    class Meta:
        model = Launch
        fields = ["exhibitor", "title_zh", "title_en", "description_zh", "description_en", "start", "end"]


@admin.register(Launch)
class LaunchAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "exhibitor", "start", "end", "session", "cancelled_at"]
    list_filter = ["edition", "cancelled_at"]
    search_fields = ["title_zh", "title_en", "exhibitor__organization__name_zh"]
    list_select_related = ["exhibitor__organization", "exhibitor__edition", "session", "edition"]
    raw_id_fields = ["exhibitor"]
    form = LaunchAdminForm
    actions = ["cancel"]
    date_hierarchy = "start"

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """New launches go through services.launch_schedule (its refusals become the form's errors, see add_view)."""
        launch = services.launch_schedule(
            exhibitor=obj.exhibitor, actor=request.user, title_zh=obj.title_zh, title_en=obj.title_en, start=obj.start, end=obj.end,
            description_zh=obj.description_zh, description_en=obj.description_en,
        )
        obj.pk = launch.pk

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, f"{error.message}", messages.ERROR, extra_tags=error.code)
            return redirect("admin:expo_launch_add")

    @admin.action(description=_("Cancel"), description_plural=_("Cancel the selected launches"), permissions=["change"])
    def cancel(self, request, queryset):
        refused = []
        changed = 0
        for launch in queryset:
            try:
                services.launch_cancel(launch=launch, actor=request.user)
                changed += 1
            except DomainError as error:
                refused.append((launch, error))
        _report(self, request, changed, refused, gettext("%(count)s launches cancelled.") % {"count": changed})


@admin.register(TalentListing)
class TalentListingAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "exhibitor", "field", "city", "count", "is_open", "created"]
    list_filter = ["exhibitor__edition", "field", "is_open"]
    search_fields = ["title_zh", "title_en", "city", "exhibitor__organization__name_zh"]
    list_select_related = ["exhibitor__organization", "exhibitor__edition"]
    raw_id_fields = ["exhibitor"]
    actions = ["close"]

    @admin.action(description=_("Close"), description_plural=_("Close the selected openings"), permissions=["change"])
    def close(self, request, queryset):
        count = 0
        for listing in queryset.select_related("exhibitor__organization"):
            services.opening_close(listing=listing, actor=request.user)
            count += 1
        self.message_user(request, ngettext("%(count)s opening closed.", "%(count)s openings closed.", count) % {"count": count}, messages.SUCCESS)


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ["start", "end", "guest", "exhibitor", "status", "created"]
    list_filter = ["exhibitor__edition", "status"]
    search_fields = ["guest__username", "guest__email", "exhibitor__organization__name_zh"]
    list_select_related = ["guest", "exhibitor__organization", "exhibitor__edition"]
    readonly_fields = ["exhibitor", "guest", "start", "end", "message", "status", "language", "decided_at", "decided_by", "notified_status", "created"]
    actions = ["accept", "decline"]

    def has_add_permission(self, request):
        return False  # guests ask on the exhibitor's page (services.meeting_request)

    def _decide(self, request, queryset, accept):
        changed, refused = 0, []
        for meeting in queryset:
            try:
                services.meeting_decide(meeting=meeting, actor=request.user, accept=accept)
                changed += 1
            except DomainError as error:
                refused.append((meeting, error))
        _report(self, request, changed, refused, gettext("%(count)s meeting requests decided.") % {"count": changed})

    @admin.action(description=_("Accept"), description_plural=_("Accept the selected meeting requests"), permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Decline"), description_plural=_("Decline the selected meeting requests"), permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(Expo)
class ExpoAdmin(admin.ModelAdmin):
    list_display = ["edition", "name_zh", "opens_on", "source"]
    list_select_related = ["edition"]
    search_fields = ["name_zh", "summary_zh"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "edition", "kind", "sort_order", "source"]
    list_filter = ["edition", "kind"]
    search_fields = ["name_zh", "name_en", "key"]
    list_select_related = ["edition"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "edition", "number", "source"]
    list_filter = ["edition"]
    list_select_related = ["edition"]


@admin.register(Exhibit)
class ExhibitAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "kind", "exhibitor", "edition", "source"]
    list_filter = ["edition", "kind"]
    search_fields = ["name_zh", "name_en", "quote_zh"]
    list_select_related = ["edition", "exhibitor__organization", "exhibitor__edition"]
    raw_id_fields = ["exhibitor"]
