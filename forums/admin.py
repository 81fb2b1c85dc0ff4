"""The organizers' admin of the sub-forum process. States change only through forums.services
(bulk actions, the decide page); forums are placed in the agenda through agenda.services."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agenda import services as agenda_services
from wic.admin_export import ExportMixin
from agenda.admin import BoardListFilter
from agenda.models import Board, Hall, Venue
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error
from wic.inputs import ascii_int, year_or_none
from wic.models import Edition

from . import selectors, services
from .enums import TRANSITIONS, ApplicationState, HalfDay
from .models import (
    ApplicationOrganization,
    ApplicationTransition,
    CallQuestion,
    ForumApplication,
    ForumCall,
    Review,
    ReviewCriterion,
    Reviewer,
)


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """A log or a record written by services only: viewable, never edited in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CallListFilter(admin.RelatedFieldListFilter):
    """Calls are named with their edition's year; load the editions in the same query."""

    def field_choices(self, field, request, model_admin):
        calls = ForumCall.objects.select_related("edition").order_by("-edition__year", "-opens_at")
        return [(call.pk, str(call)) for call in calls]


# ---------------------------------------------------------------------------------------------
# Calls


class CallQuestionInline(admin.TabularInline):
    model = CallQuestion
    extra = 0
    fields = ["text_zh", "text_en", "required", "sort_order"]


class ReviewCriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0
    fields = ["name_zh", "name_en", "sort_order"]


class ForumCallForm(forms.ModelForm):
    class Meta:
        model = ForumCall
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        edition, boards = cleaned.get("edition"), cleaned.get("boards")
        if edition is not None and boards:
            foreign = [board for board in boards if board.edition_id != edition.pk]
            if foreign:
                self.add_error(
                    "boards",
                    _("These boards belong to another edition: %(boards)s.") % {"boards": ", ".join(str(b) for b in foreign)},
                )
        return cleaned


@admin.register(ForumCall)
class ForumCallAdmin(admin.ModelAdmin):
    form = ForumCallForm
    list_display = ["title_zh", "edition", "opens_at", "closes_at", "is_open_now", "application_count"]
    list_filter = ["edition"]
    search_fields = ["title_zh", "title_en", "description_zh", "description_en", "=edition__year"]
    list_select_related = ["edition"]
    autocomplete_fields = ["edition"]
    filter_horizontal = ["boards"]
    inlines = [CallQuestionInline, ReviewCriterionInline]
    ordering = ["-opens_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(application_count=Count("applications"))

    @admin.display(description=_("open now"), boolean=True)
    def is_open_now(self, obj):
        return obj.is_open()

    @admin.display(description=_("applications"), ordering="application_count")
    def application_count(self, obj):
        return obj.application_count

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "boards" in form.base_fields:
            boards = Board.objects.select_related("edition").order_by("-edition__year", "number", "key")
            if obj is not None:
                boards = boards.filter(edition_id=obj.edition_id)
            form.base_fields["boards"].queryset = boards
        return form


# ---------------------------------------------------------------------------------------------
# Reviewers


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["user", "edition", "organization"]
    list_filter = ["edition"]
    search_fields = [
        "user__username", "user__first_name", "user__last_name", "user__email",
        "organization__name_zh", "organization__name_en", "=edition__year",
    ]
    list_select_related = ["edition", "user", "organization"]
    autocomplete_fields = ["edition", "user", "organization"]


# ---------------------------------------------------------------------------------------------
# Applications


class ApplicationOrganizationInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ApplicationOrganization
    fields = ["role", "organization", "proposed_name_zh", "proposed_name_en", "sort_order"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


class ReviewInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Review
    fields = ["reviewer", "criterion", "score", "comment", "created"]
    readonly_fields = fields
    verbose_name_plural = _("reviews")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "criterion").order_by("reviewer_id", "criterion__sort_order", "criterion_id")


class TransitionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ApplicationTransition
    fields = ["from_state", "to_state", "actor", "at", "message"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ApplicationForm(forms.ModelForm):
    """The content an organizer may correct; checked with the same rules as the applicant's draft."""

    class Meta:
        model = ForumApplication
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            fields = {name: cleaned[name] for name in ("board", "preferred_date") if name in cleaned}
            try:
                services.application_check_fields(self.instance.call, fields)
            except DomainError as error:
                form_add_domain_error(self, error)
        return cleaned


BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
CONTENT_FIELDS = [
    "title_zh", "title_en", "theme_zh", "theme_en", "board", "format", "preferred_date", "preferred_half_day",
    "expected_attendance", "planned_speakers", "planned_outcomes", "rationale", "answers",
    "contact_name", "contact_email", "contact_phone", "language",
]
PROCESS_FIELDS = [
    "call", "applicant", "state", "submitted_at", "decided_at", "decision_message", "notified_state", "session_link",
    "mean_score_display", "spread_display", "reviewer_count_display", "created", "updated",
]


@admin.register(ForumApplication)
class ForumApplicationAdmin(ExportMixin, admin.ModelAdmin):
    change_list_template = "admin/forums/forumapplication/change_list.html"  # placement link + the export buttons
    form = ApplicationForm
    export_fields = [
        (_("id"), "pk"), (_("edition"), "call__edition__year"), (_("title (Chinese)"), "title_zh"), (_("title (English)"), "title_en"),
        (_("state"), "state"), (_("board"), "board__name_zh"), (_("format"), "format"), (_("preferred day"), "preferred_date"),
        (_("preferred half-day"), "preferred_half_day"), (_("expected attendance"), "expected_attendance"),
        (_("applicant"), "applicant__username"), (_("contact person"), "contact_name"), (_("submitted"), "submitted_at"),
        (_("decided"), "decided_at"),
    ]
    list_display = [
        "title_zh", "edition_year_display", "state", "board", "mean_score_display", "spread_display",
        "reviewer_count_display", "submitted_at",
    ]
    list_filter = ["state", ("call", CallListFilter), ("board", BoardListFilter)]
    search_fields = [
        "title_zh", "title_en",
        "organizations__proposed_name_zh", "organizations__proposed_name_en",
        "organizations__organization__name_zh", "organizations__organization__name_en",
    ]
    autocomplete_fields = ["board"]
    inlines = [ApplicationOrganizationInline, ReviewInline, TransitionInline]
    actions = ["mark_under_review", "accept", "waitlist", "reject"]
    fieldsets = [
        (None, {"fields": ["call", "applicant", "state", "session_link", "decision_message", "submitted_at", "decided_at", "notified_state"]}),
        (_("Reviews"), {"fields": ["mean_score_display", "spread_display", "reviewer_count_display"]}),
        (_("Proposal"), {"fields": CONTENT_FIELDS}),
        (None, {"fields": ["created", "updated"]}),
    ]

    # -- lists ---------------------------------------------------------------------------------

    def get_queryset(self, request):
        return selectors.applications_ranked(super().get_queryset(request))

    def get_ordering(self, request):
        return list(selectors.RANKED_ORDERING)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_place": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # deleting would bypass the process; withdraw instead
        return actions

    def get_readonly_fields(self, request, obj=None):
        readonly = list(PROCESS_FIELDS)
        if obj is not None and obj.state not in (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW, ApplicationState.WAITLISTED):
            readonly += CONTENT_FIELDS  # decided: the agenda session now carries the forum
        return readonly

    def has_add_permission(self, request):
        return False  # applicants apply; organizers never create an application for them

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state == ApplicationState.ACCEPTED:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("edition"), ordering="edition_year")
    def edition_year_display(self, obj):
        return obj.edition_year

    @admin.display(description=_("mean score"), ordering="mean_score")
    def mean_score_display(self, obj):
        if obj.mean_score is None:
            return self.get_empty_value_display()
        return f"{float(obj.mean_score):.2f}"

    @admin.display(description=_("spread"), ordering="spread")
    def spread_display(self, obj):
        return self.get_empty_value_display() if obj.spread is None else obj.spread

    @admin.display(description=_("reviewers"), ordering="reviewer_count")
    def reviewer_count_display(self, obj):
        return obj.reviewer_count

    @admin.display(description=_("agenda session"))
    def session_link(self, obj):
        if obj.session_id is None:
            return self.get_empty_value_display()
        session = obj.session
        url = reverse("admin:agenda_session_change", args=[session.pk])
        if session.start is None:
            where = gettext("not placed yet")
        else:
            where = f"{session.hall} {timezone.localtime(session.start):%Y-%m-%d %H:%M}–{timezone.localtime(session.end):%H:%M}"
        return format_html('<a href="{}">{}</a> ({})', url, session.title_zh, where)

    # -- decisions -------------------------------------------------------------------------------

    def _decide(self, request, queryset, to_state):
        applications = list(ForumApplication.objects.filter(pk__in=[obj.pk for obj in queryset]).order_by("pk"))
        changed, refused = services.applications_decide(applications=applications, to_state=to_state, actor=request.user)
        label = ApplicationState(to_state).label
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d application is now %(state)s.", "%(count)d applications are now %(state)s.", len(changed)
                ) % {"count": len(changed), "state": label},
                messages.SUCCESS,
            )
        for application, error in refused:
            self.message_user(
                request,
                gettext("“%(title)s” was not changed: %(message)s") % {"title": application.title_zh, "message": error.message},
                messages.ERROR,
                extra_tags=error.code,
            )

    @admin.action(description=_("Mark under review"), description_plural=_("Mark selected applications under review"), permissions=["change"], location=BOTH)
    def mark_under_review(self, request, queryset):
        self._decide(request, queryset, ApplicationState.UNDER_REVIEW)

    @admin.action(description=_("Accept"), description_plural=_("Accept selected applications"), permissions=["change"], location=BOTH)
    def accept(self, request, queryset):
        self._decide(request, queryset, ApplicationState.ACCEPTED)

    @admin.action(description=_("Waitlist"), description_plural=_("Waitlist selected applications"), permissions=["change"], location=BOTH)
    def waitlist(self, request, queryset):
        self._decide(request, queryset, ApplicationState.WAITLISTED)

    @admin.action(description=_("Reject"), description_plural=_("Reject selected applications"), permissions=["change"], location=BOTH)
    def reject(self, request, queryset):
        self._decide(request, queryset, ApplicationState.REJECTED)

    # -- extra screens ---------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("placement/", self.admin_site.admin_view(self.placement_view), name="%s_%s_placement" % info),
            path("<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view), name="%s_%s_decide" % info),
        ] + super().get_urls()

    def decide_view(self, request, object_id):
        """One application's decision, with a message the applicant's mail carries."""
        application = get_object_or_404(ForumApplication.objects.select_related("call__edition"), pk=object_id)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        form = DecideForm(request.POST or None, application=application)
        if request.method == "POST" and form.is_valid():
            to_state = form.cleaned_data["to_state"]
            try:
                services.application_transition(
                    application=application, to_state=to_state, actor=request.user, message=form.cleaned_data["message"]
                )
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR, extra_tags=error.code)
            else:
                self.message_user(
                    request,
                    gettext("“%(title)s” is now %(state)s.") % {"title": application.title_zh, "state": ApplicationState(to_state).label},
                    messages.SUCCESS,
                )
                return redirect("admin:forums_forumapplication_change", application.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Decide on “%(title)s”") % {"title": application.title_zh},
            "original": application,
            "form": form,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/forums/decide.html", context)

    def placement_view(self, request):
        """Accepted forums still without a hall and a time, the free half-day slots of the
        edition's halls, and a form per forum that places it through agenda.services.session_place."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        edition = _placement_edition(request)
        venue = None
        venue_id = ascii_int(request.GET.get("venue", ""))
        if venue_id is not None:
            venue = Venue.objects.filter(pk=venue_id).first()
        if request.method == "POST":
            self._place(request, edition)
            return HttpResponseRedirect(request.get_full_path())
        halls = selectors.placement_halls(edition, venue)
        rows = selectors.hall_slots(edition, halls)
        days = selectors.edition_days(edition)
        applications = selectors.applications_to_place(edition)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Place accepted sub-forums of %(year)s") % {"year": edition.year},
            "edition": edition,
            "editions": list(Edition.objects.order_by("-year").only("pk", "year", "name_zh")),
            "venue": venue,
            "venues": list(Venue.objects.order_by("name_zh").only("pk", "name_zh")),
            "halls": halls,
            "days": days,
            "slots": [(HalfDay(key).label, start, end) for key, (start, end) in selectors.PLACEMENT_SLOTS.items()],
            "grid": rows,
            "suggestions": [selectors.placement_suggestion(application, rows, days) for application in applications],
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/forums/placement.html", context)

    def _place(self, request, edition):
        form = PlacementForm(request.POST, edition=edition)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            self.message_user(request, gettext("The placement was not saved: %(problems)s") % {"problems": problems}, messages.ERROR)
            return
        data = form.cleaned_data
        application = data["application"]
        try:
            session = agenda_services.session_place(
                session=application.session, hall=data["hall"], date=data["date"], start_time=data["start_time"], end_time=data["end_time"]
            )
        except DomainError as error:
            self.message_user(
                request,
                gettext("“%(title)s” was not placed: %(message)s") % {"title": application.title_zh, "message": error.message},
                messages.ERROR,
                extra_tags=error.code,
            )
            return
        self.message_user(
            request,
            gettext("“%(title)s” is placed in %(hall)s on %(day)s, %(start)s–%(end)s, and published.")
            % {
                "title": application.title_zh,
                "hall": data["hall"],
                "day": session.date,
                "start": data["start_time"].strftime("%H:%M"),
                "end": data["end_time"].strftime("%H:%M"),
            },
            messages.SUCCESS,
        )


def _placement_edition(request) -> Edition:
    """The edition named by ?edition=<year>, else the edition of the latest call, else the latest."""
    year = request.GET.get("edition", "")
    if year:
        number = year_or_none(year)
        if number is None:
            raise Http404("unknown edition")
        edition = Edition.objects.select_related("main_venue").filter(year=number).first()
        if edition is None:
            raise Http404("unknown edition")
        return edition
    call = ForumCall.objects.select_related("edition__main_venue").order_by("-opens_at").first()
    if call is not None:
        return call.edition
    edition = Edition.objects.select_related("main_venue").order_by("-year").first()
    if edition is None:
        raise Http404("no edition")
    return edition


class DecideForm(forms.Form):
    to_state = forms.ChoiceField(label=_("decision"))
    message = forms.CharField(label=_("message to the applicant"), widget=forms.Textarea(attrs={"rows": 5, "cols": 80}), required=False)

    def __init__(self, *args, application: ForumApplication, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [state for state in TRANSITIONS.get(application.state, ()) if state != ApplicationState.WITHDRAWN]
        self.fields["to_state"].choices = [(state, ApplicationState(state).label) for state in allowed]
        self.fields["message"].initial = application.decision_message


class PlacementForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    hall = forms.IntegerField()
    date = forms.DateField()
    start_time = forms.TimeField()
    end_time = forms.TimeField()

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition

    def clean_application(self):
        pk = self.cleaned_data["application"]
        application = (
            ForumApplication.objects.filter(
                pk=pk, call__edition=self.edition, state=ApplicationState.ACCEPTED, session__isnull=False
            )
            .select_related("session")
            .first()
        )
        if application is None:
            raise forms.ValidationError(_("No accepted application %(pk)s in this edition.") % {"pk": pk})
        return application

    def clean_hall(self):
        hall = Hall.objects.select_related("venue").filter(pk=self.cleaned_data["hall"]).first()
        if hall is None:
            raise forms.ValidationError(_("Unknown hall."))
        return hall


# ---------------------------------------------------------------------------------------------
# Logs, read-only


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "reviewer", "criterion", "score", "created"]
    list_filter = [("application__call", CallListFilter), "score"]
    search_fields = ["application__title_zh", "application__title_en", "reviewer__username", "reviewer__email", "comment"]
    list_select_related = ["application", "reviewer", "criterion"]


@admin.register(ApplicationTransition)
class ApplicationTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "from_state", "to_state", "actor", "at", "message"]
    list_filter = ["to_state", ("application__call", CallListFilter)]
    search_fields = ["application__title_zh", "application__title_en", "actor__username", "message"]
    list_select_related = ["application", "actor"]
    date_hierarchy = "at"
