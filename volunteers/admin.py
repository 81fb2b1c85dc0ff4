"""The organizers' admin of the volunteer programme. Decisions, interviews, attendance and
assignments go through volunteers.services (bulk actions and inlines call them), so the rules and
the emails are the same as on the site."""
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wic.admin_export import ExportMixin
from wic.display import beijing_text
from wic.errors import DomainError

from . import selectors, services
from .enums import AssignmentStatus, VolunteerStatus
from .models import (
    Assignment,
    ChangeRequest,
    Interview,
    Post,
    Programme,
    Shift,
    ShiftChangeAlert,
    ShiftCheck,
    ShiftNotice,
    StandbyOffer,
    Team,
    TrainingAttendance,
    TrainingModule,
    Volunteer,
    VolunteerLanguage,
)
from .roster import roster_auto

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def _hours_csv_response(volunteers, filename: str) -> HttpResponse:
    response = HttpResponse(selectors.worked_hours_csv(selectors.worked_hours(volunteers)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "edition", "target_headcount", "standby_size", "applications_close_at", "reported_accepted", "reported_standby", "send_off_on"]
    list_filter = ["is_demo"]
    search_fields = ["name_zh", "name_en", "edition__year"]
    list_select_related = ["edition"]
    actions = ["auto_roster", "export_hours"]
    fieldsets = [
        (None, {"fields": ["edition", "name_zh", "name_en", "nickname_zh", "nickname_en", "is_demo"]}),
        (_("Recruitment"), {"fields": ["target_headcount", "standby_size", "applications_open_at", "applications_close_at", "interview_rounds"]}),
        (_("Rules"), {"fields": [
            "team_size_min", "team_size_max", "swap_cutoff_hours", "checkin_opens_minutes", "checkin_closes_minutes", "on_time_margin_minutes",
            "checkout_closes_minutes", "no_show_after_minutes", "standby_offers_per_place",
        ]}),
        (_("History the texts report"), {"fields": [
            "reported_applicants", "reported_applicants_qualifier", "reported_accepted", "reported_standby", "reported_universities",
            "reported_includes_local", "reported_region_zh", "reported_languages", "reported_languages_named", "send_off_on", "quotes_zh", "source",
        ]}),
    ]

    @admin.action(description=_("Auto-roster: fill open shifts"), permissions=["change"])
    def auto_roster(self, request, queryset):
        for programme in queryset:
            report = roster_auto(programme=programme, actor=request.user)
            self.message_user(
                request,
                gettext("%(programme)s: %(assigned)s assignments made in %(seconds).1f s; %(rate).1f%% of %(places)s places filled; %(unfilled)s shifts not full.")
                % {"programme": programme.name_zh, "assigned": report.assigned, "seconds": report.seconds, "rate": report.fill_rate * 100,
                   "places": report.places, "unfilled": len(report.unfilled)},
                messages.SUCCESS if not report.unfilled else messages.WARNING,
            )
            for unfilled in report.unfilled[:30]:
                self.message_user(request, unfilled.message(), messages.WARNING)
            if len(report.unfilled) > 30:
                self.message_user(request, gettext("…and %(count)s more shifts not full.") % {"count": len(report.unfilled) - 30}, messages.WARNING)

    @admin.action(description=_("Export worked hours (CSV)"), permissions=["view"])
    def export_hours(self, request, queryset):
        return _hours_csv_response(Volunteer.objects.filter(programme__in=queryset), "volunteer-hours.csv")


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their field's label as `aria-label`: Django's tabular
    inline shows the labels once, in the column headers, and renders no <label> per row's input."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():  # a class made for this call: safe to change
            if field.label and not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", field.label)
        return formset


class VolunteerLanguageInline(LabelledTabularInline):
    model = VolunteerLanguage
    extra = 0


class InterviewInline(LabelledTabularInline):
    """Interview rounds; saving goes through services.interview_record (round order, score range)."""

    model = Interview
    extra = 1
    fields = ["round", "score", "note", "interviewer", "created"]
    readonly_fields = ["interviewer", "created"]
    can_delete = False


def _hours(volunteer) -> float:
    worked = volunteer.export_worked
    return round(worked.total_seconds() / 3600, 2) if worked else 0.0


@admin.register(Volunteer)
class VolunteerAdmin(ExportMixin, admin.ModelAdmin):
    export_fields = [
        (_("name"), "name"), (_("programme"), "programme__name_zh"), (_("university"), "university"),
        (_("local volunteer (not from a university)"), "is_local"), (_("student number"), "student_number"),
        (_("phone"), "phone"), (_("email"), "email"),
        (_("languages"), lambda v: "; ".join(link.language for link in v.languages.all())),
        (_("status"), "status"), (_("team"), "team__name_zh"),
        (_("worked hours"), _hours), (_("shifts worked"), "export_shifts"), (_("late arrivals"), "export_late"),
        (_("no-shows"), "export_no_shows"), (_("applied"), "created"), (_("decided"), "decided_at"),
    ]
    list_display = ["name", "programme", "university", "is_local", "status", "team", "user", "created"]
    list_filter = ["programme", "status", "is_local", "languages__language", "team"]
    search_fields = ["name", "email", "phone", "student_number", "university", "code"]
    list_select_related = ["programme__edition", "team", "user"]
    raw_id_fields = ["user", "team"]
    inlines = [VolunteerLanguageInline, InterviewInline]
    actions = ["accept", "standby", "decline", "export_hours"]
    readonly_fields = ["status", "decided_at", "decided_by", "notified_status", "code", "feed_token", "created"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Interview:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            data = inline_form.cleaned_data
            try:
                services.interview_record(volunteer=form.instance, round=data["round"], score=data["score"], note=data.get("note", ""), interviewer=request.user)
            except DomainError as error:
                self.message_user(request, f"{error.message}", messages.ERROR, extra_tags=error.code)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _decide(self, request, queryset, status):
        volunteers = list(Volunteer.objects.filter(pk__in=[v.pk for v in queryset]).order_by("pk"))
        changed, refused = services.volunteers_decide(volunteers=volunteers, status=status, actor=request.user)
        if changed:
            self.message_user(
                request,
                ngettext("%(count)d application is now %(status)s.", "%(count)d applications are now %(status)s.", len(changed))
                % {"count": len(changed), "status": VolunteerStatus(status).label},
                messages.SUCCESS,
            )
        for volunteer, error in refused:
            self.message_user(request, gettext("%(name)s was not changed: %(message)s") % {"name": volunteer.name, "message": error.message}, messages.ERROR, extra_tags=error.code)

    @admin.action(description=_("Accept"), description_plural=_("Accept selected applications"), permissions=["change"], location=BOTH)
    def accept(self, request, queryset):
        self._decide(request, queryset, VolunteerStatus.ACCEPTED)

    @admin.action(description=_("Put on standby"), description_plural=_("Put selected applications on standby"), permissions=["change"], location=BOTH)
    def standby(self, request, queryset):
        self._decide(request, queryset, VolunteerStatus.STANDBY)

    @admin.action(description=_("Decline"), description_plural=_("Decline selected applications"), permissions=["change"], location=BOTH)
    def decline(self, request, queryset):
        self._decide(request, queryset, VolunteerStatus.DECLINED)

    @admin.action(description=_("Export worked hours (CSV)"), permissions=["view"])
    def export_hours(self, request, queryset):
        return _hours_csv_response(queryset, "volunteer-hours.csv")

    def export_queryset(self, request):
        """The filtered list with hours from check-in to check-out, shifts worked, late arrivals
        and no-shows, summed in the database (one query per chunk, however many shifts)."""
        # Subqueries, not joins: the list's own filters (languages...) may join rows already.
        mine = Assignment.objects.filter(volunteer=OuterRef("pk")).order_by().values("volunteer")
        done = mine.filter(checked_in_at__isnull=False, checked_out_at__isnull=False)
        worked = ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), output_field=DurationField())

        def count(queryset):
            return Coalesce(Subquery(queryset.annotate(n=Count("pk")).values("n")), 0)

        return (
            super().export_queryset(request)
            .select_related("programme", "team")
            .prefetch_related("languages")
            .annotate(
                export_worked=Subquery(done.annotate(t=Sum(worked)).values("t"), output_field=DurationField()),
                export_shifts=count(done),
                export_late=count(mine.filter(arrival="late")),
                export_no_shows=count(mine.filter(status="no_show")),
            )
        )


class TrainingAttendanceInline(LabelledTabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["volunteer"]
    fields = ["volunteer", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(TrainingModule)
class TrainingModuleAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "programme", "kind", "starts_at", "place_zh", "attended"]
    list_filter = ["programme", "kind"]
    search_fields = ["name_zh", "name_en", "place_zh"]
    list_select_related = ["programme"]
    inlines = [TrainingAttendanceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_attended=Count("attendances"))

    @admin.display(description=_("attended"), ordering="n_attended")
    def attended(self, obj):
        return obj.n_attended

    def save_formset(self, request, form, formset, change):
        if formset.model is not TrainingAttendance:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for attendance in instances:
            try:
                services.attendance_record(module=form.instance, volunteer=attendance.volunteer, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{error.message}", messages.ERROR, extra_tags=error.code)
        for attendance in formset.deleted_objects:
            services.attendance_record(module=form.instance, volunteer=attendance.volunteer, actor=request.user, present=False)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "programme", "kind", "hall", "language", "place_zh"]
    list_filter = ["programme", "kind", "language"]
    search_fields = ["name_zh", "name_en", "place_zh"]
    list_select_related = ["programme", "hall__venue"]
    filter_horizontal = ["required_modules"]
    raw_id_fields = ["hall"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "programme", "post", "leader", "size"]
    list_filter = ["programme"]
    search_fields = ["name_zh", "name_en", "leader__username"]
    list_select_related = ["programme", "post", "leader"]
    raw_id_fields = ["leader"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("members"))

    @admin.display(description=_("members"), ordering="n_members")
    def size(self, obj):
        return obj.n_members


class AssignmentInline(LabelledTabularInline):
    """A shift's assignments; adding one goes through services.shift_assign (every roster rule)."""

    model = Assignment
    extra = 1
    raw_id_fields = ["volunteer"]
    fields = ["volunteer", "status", "source", "checked_in_at", "arrival", "checked_out_at", "departure"]
    readonly_fields = ["status", "source", "checked_in_at", "arrival", "checked_out_at", "departure"]
    can_delete = False


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "ends_at", "needed", "filled", "required_languages"]
    list_filter = ["post__programme", "post__kind", "post"]
    search_fields = ["post__name_zh", "post__name_en", "note"]
    list_select_related = ["post"]
    date_hierarchy = "starts_at"
    inlines = [AssignmentInline]
    readonly_fields = ["filled", "no_shows_checked_at"]

    def get_deleted_objects(self, objs, request):
        """A shift with volunteers on it is not deleted: they would come to a shift that no longer
        exists, told by nobody (its alerts go with it). Shown as the confirmation page's protected
        objects, for one shift and for the bulk action alike."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Its alerts and notices go with it: their admin is read only, which must not forbid that.
        going_along = {str(ShiftChangeAlert._meta.verbose_name), str(ShiftNotice._meta.verbose_name)}
        perms_needed = {name for name in perms_needed if str(name) not in going_along}
        staffed = (
            Shift.objects.filter(pk__in=[o.pk for o in objs])
            .annotate(on_it=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ASSIGNED)))
            .filter(on_it__gt=0).select_related("post").order_by("pk")
        )
        for shift in staffed:
            protected.append(ngettext(
                "%(shift)s: %(count)d volunteer is assigned to it. Take them off the shift first.",
                "%(shift)s: %(count)d volunteers are assigned to it. Take them off the shift first.",
                shift.on_it,
            ) % {"shift": shift, "count": shift.on_it})
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        alert = getattr(obj, "open_change_alert", None)
        if alert is not None:  # the save changed the shift's time or post (volunteers.shift_alerts)
            self.message_user(
                request,
                gettext("The volunteers on this shift will be told of the change at %(time)s (Beijing time), together with any other change made until then.")
                % {"time": beijing_text(alert.due_at)},
                messages.INFO,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Assignment:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.extra_forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data.get("volunteer"):
                continue
            try:
                services.shift_assign(shift=form.instance, volunteer=inline_form.cleaned_data["volunteer"], actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{inline_form.cleaned_data['volunteer']}: {error.message}", messages.ERROR, extra_tags=error.code)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(ShiftChangeAlert)
class ShiftChangeAlertAdmin(admin.ModelAdmin):
    """What the volunteers of a shift were told, or will be (read only: volunteers.shift_alerts writes them)."""

    list_display = ["shift", "opened_at", "changed_at", "due_at", "closed_at", "outcome", "told"]
    list_filter = ["outcome", "shift__post__programme"]
    list_select_related = ["shift__post"]
    date_hierarchy = "opened_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "shift", "status", "source", "checked_in_at", "arrival", "checked_out_at", "departure"]
    list_filter = ["shift__post__programme", "status", "source", "arrival", "departure"]
    search_fields = ["volunteer__name", "volunteer__email", "shift__post__name_zh"]
    list_select_related = ["volunteer", "shift__post"]
    raw_id_fields = ["volunteer", "shift"]
    actions = ["drop"]

    def has_add_permission(self, request):
        return False  # through the shift's page or the auto-roster (the roster rules)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Take off the shift (drop)"), permissions=["view"])
    def drop(self, request, queryset):
        for assignment in queryset:
            try:
                services.assignment_drop(assignment=assignment, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{assignment}: {error.message}", messages.ERROR, extra_tags=error.code)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["assignment", "kind", "colleague", "status", "created", "decided_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["assignment__volunteer", "assignment__shift__post", "colleague", "decided_by"]
    search_fields = ["assignment__volunteer__name", "colleague__name"]
    readonly_fields = ["assignment", "kind", "colleague", "reason", "status", "created", "decided_at", "decided_by"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, approve):
        for change in queryset:
            try:
                services.change_request_decide(request=change, approve=approve, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{change.assignment}: {error.message}", messages.ERROR, extra_tags=error.code)

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(StandbyOffer)
class StandbyOfferAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "shift", "status", "created", "responded_at", "emailed"]
    list_filter = ["status", "shift__post__programme"]
    list_select_related = ["volunteer", "shift__post"]
    search_fields = ["volunteer__name"]
    readonly_fields = ["shift", "volunteer", "status", "created", "responded_at", "emailed"]

    def has_add_permission(self, request):
        return False


@admin.register(ShiftCheck)
class ShiftCheckAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "assignment", "via", "by"]
    list_filter = ["kind", "via"]
    list_select_related = ["assignment__volunteer", "assignment__shift__post", "by"]
    search_fields = ["assignment__volunteer__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
