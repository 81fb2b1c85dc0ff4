"""The organizers' admin of the awards: programmes with their categories, conditions, quotas,
figures and experts inline; nominations with their eligibility screening, scores per category,
shortlist and winner actions; recommendations (read-only, withdraw action); the results released
per programme. Every change of state goes through awards.services."""
from django import forms
from django.contrib import admin, messages
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wic.admin_export import ExportMixin
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error
from wic.inputs import ascii_int

from . import services
from .enums import Direction, NominationState
from .models import (
    AwardCategory,
    AwardProgramme,
    AwardReviewer,
    EnterpriseRepresentative,
    FurtherCondition,
    Nomination,
    NominationLog,
    ProgrammeFigure,
    Recommendation,
    RecommendationQuota,
    Score,
)


class ProgrammeListFilter(admin.RelatedFieldListFilter):
    """Programmes named with their edition's year, loaded in one query."""

    def field_choices(self, field, request, model_admin):
        return [(p.pk, str(p)) for p in AwardProgramme.objects.select_related("edition").order_by("-edition__year", "name_zh")]


# Programmes


class CategoryInline(admin.TabularInline):
    model = AwardCategory
    extra = 0
    fields = ["key", "direction", "name_zh", "name_en", "basic_condition_zh", "basic_condition_en", "special", "sort_order", "source"]


class FurtherConditionInline(admin.TabularInline):
    model = FurtherCondition
    extra = 0
    fields = ["text_zh", "text_en", "sort_order"]


class QuotaInline(admin.TabularInline):
    model = RecommendationQuota
    extra = 0
    fields = ["tier", "quota"]


class FigureInline(admin.TabularInline):
    model = ProgrammeFigure
    extra = 0
    fields = ["key", "value", "qualifier", "label_zh", "label_en", "quote_zh", "source", "sort_order"]


class ReviewerInline(admin.TabularInline):
    model = AwardReviewer
    extra = 0
    fields = ["user"]
    autocomplete_fields = ["user"]
    verbose_name = _("expert reviewer")
    verbose_name_plural = _("expert reviewers (assignment)")


@admin.register(AwardProgramme)
class AwardProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "edition", "kind", "opens_at", "closes_at", "open_now", "nomination_count", "recommendation_count", "released"]
    list_filter = ["kind", "edition", "is_demo", ("results_released_at", admin.EmptyFieldListFilter)]
    search_fields = ["name_zh", "name_en", "key", "=edition__year"]
    list_select_related = ["edition"]
    autocomplete_fields = ["edition"]
    readonly_fields = ["results_released_at", "translation_provenance"]  # set by the seed and the translation workbench
    inlines = [CategoryInline, FurtherConditionInline, QuotaInline, FigureInline, ReviewerInline]
    actions = ["release_results", "withhold_results"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            nomination_total=Count("nominations", distinct=True),
            recommendation_total=Count("recommendations", filter=Q(recommendations__withdrawn_at__isnull=True), distinct=True),
        )

    @admin.display(boolean=True, description=_("open now"))
    def open_now(self, obj):
        return obj.is_open()

    @admin.display(description=_("nominations"), ordering="nomination_total")
    def nomination_count(self, obj):
        return obj.nomination_total

    @admin.display(description=_("active recommendations"), ordering="recommendation_total")
    def recommendation_count(self, obj):
        return obj.recommendation_total

    @admin.display(boolean=True, description=_("results released"), ordering="results_released_at")
    def released(self, obj):
        return obj.results_released

    @admin.action(description=_("Release the results (publish the winners)"))
    def release_results(self, request, queryset):
        done = 0
        for programme in queryset:
            try:
                services.programme_release_results(programme=programme, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{programme}: {error.message}", messages.ERROR, extra_tags=error.code)
        if done:
            self.message_user(request, ngettext("%(n)d programme's results released.", "%(n)d programmes' results released.", done) % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Withhold the results again"))
    def withhold_results(self, request, queryset):
        for programme in queryset:
            services.programme_withhold_results(programme=programme, actor=request.user)
        self.message_user(request, gettext("Results withheld."), messages.SUCCESS)


# Nominations


class ScoreInlineFormSet(forms.models.BaseInlineFormSet):
    """Each score is checked by the service's rules before anything is saved."""

    def clean(self):
        super().clean()
        nomination = self.instance
        for form in self.forms:
            if not form.has_changed() or not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            try:
                services.score_check(nomination=nomination, reviewer=data.get("reviewer"), score=data.get("score"), category=data.get("category"))
            except DomainError as error:
                form_add_domain_error(form, error)


class ScoreInline(admin.TabularInline):
    model = Score
    formset = ScoreInlineFormSet
    extra = 0
    fields = ["reviewer", "category", "score", "comment"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        nomination_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        nomination_id = ascii_int(nomination_id)
        if nomination_id is not None:
            nomination = Nomination.objects.filter(pk=nomination_id).first()
            if nomination is not None and db_field.name == "reviewer":
                field.queryset = AwardReviewer.objects.filter(programme=nomination.programme).select_related("user")
            if nomination is not None and db_field.name == "category":
                field.queryset = nomination.categories.all()
        return field


class LogInline(admin.TabularInline):
    model = NominationLog
    extra = 0
    can_delete = False
    fields = ["at", "from_state", "to_state", "actor", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _transition_action(to_state, description):
    def action(modeladmin, request, queryset):
        changed, refused = services.nominations_transition(nominations=queryset, to_state=to_state, actor=request.user)
        if changed:
            modeladmin.message_user(
                request, ngettext("%(n)d nomination is now %(state)s.", "%(n)d nominations are now %(state)s.", len(changed))
                % {"n": len(changed), "state": NominationState(to_state).label}, messages.SUCCESS,
            )
        for nomination, error in refused:
            modeladmin.message_user(request, f"{nomination}: {error.message}", messages.ERROR, extra_tags=error.code)

    action.__name__ = f"mark_{to_state}"
    return admin.action(description=description)(action)


@admin.register(Nomination)
class NominationAdmin(ExportMixin, admin.ModelAdmin):
    export_fields = [
        (_("edition"), "programme__edition__year"), (_("programme"), "programme__name_zh"), (_("direction"), "direction"),
        (_("state"), "state"), (_("enterprise"), "organization__name_zh"), (_("enterprise (English)"), "organization__name_en"),
        (_("person's name"), "person_name"), (_("person's affiliation"), "person_affiliation"),
        (_("categories"), lambda n: "; ".join(c.name_zh for c in n.categories.all())),
        (_("recommendations"), "recommendation_total"), (_("mean score"), lambda n: round(n.mean, 2) if n.mean is not None else None),
        (_("scores"), "score_total"), (_("won in category"), "won_category__name_zh"),
        (_("contact person"), "contact_name"), (_("contact email"), "contact_email"), (_("submitted"), "submitted_at"),
    ]
    list_display = ["display_name", "programme", "direction", "state", "category_list", "recommendations", "mean_score", "score_count", "submitted_at"]
    list_filter = ["state", "direction", ("programme", ProgrammeListFilter), "programme__edition"]
    search_fields = ["organization__name_zh", "organization__name_en", "person_name", "person_affiliation"]
    list_select_related = ["programme__edition", "organization"]
    readonly_fields = ["programme", "direction", "state", "organization", "person_name", "nominated_by_member", "created_by", "submitted_at", "won_category", "eligibility", "recommended_by"]
    fields = [
        "programme", "direction", "state", "organization", "person_name", "person_affiliation", "nominated_by_member", "created_by",
        "categories", "endorses_purposes", "basic_condition_statement", "further_conditions", "citation", "contact_name", "contact_email",
        "submitted_at", "recommended_by", "eligibility", "screening_note", "won_category",
    ]
    filter_horizontal = ["categories", "further_conditions"]
    inlines = [ScoreInline, LogInline]
    actions = [
        _transition_action(NominationState.ELIGIBLE, _("Screening: eligible")),
        _transition_action(NominationState.INELIGIBLE, _("Screening: not eligible")),
        _transition_action(NominationState.SHORTLISTED, _("Shortlist")),
        _transition_action(NominationState.WINNER, _("Mark as winner (in the category entered)")),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .prefetch_related("categories")
            .annotate(
                recommendation_total=Count(
                    "organization__award_recommendations",
                    filter=Q(organization__award_recommendations__withdrawn_at__isnull=True, organization__award_recommendations__programme_id=F("programme_id")),
                    distinct=True,
                ),
                mean=Avg("scores__score"),
                score_total=Count("scores", distinct=True),
            )
        )

    def has_add_permission(self, request):
        return False  # applications and nominations are made through the services (pages, API)

    @admin.display(description=_("categories"))
    def category_list(self, obj):
        return " · ".join(c.name_zh for c in obj.categories.all())

    @admin.display(description=_("recommendations"), ordering="recommendation_total")
    def recommendations(self, obj):
        return obj.recommendation_total

    @admin.display(description=_("mean score"), ordering="mean")
    def mean_score(self, obj):
        return f"{obj.mean:.2f}" if obj.mean is not None else "—"

    @admin.display(description=_("scores"), ordering="score_total")
    def score_count(self, obj):
        return obj.score_total

    @admin.display(description=_("eligibility screening"))
    def eligibility(self, obj):
        problems = services.submission_problems(obj) if obj.pk and obj.direction == Direction.ENTERPRISE else []
        if not problems:
            return gettext("Meets the rules checked by the system.")
        return format_html_join("", '<p data-code="{}">{}</p>', ((p.code, p.message) for p in problems))

    @admin.display(description=_("recommended by"))
    def recommended_by(self, obj):
        if not obj.organization_id:
            return "—"
        recs = services.active_recommendations(programme=obj.programme, enterprise=obj.organization).select_related("member__organization")
        return " · ".join(services.member_name(r.member) for r in recs) or "—"

    def get_readonly_fields(self, request, obj=None):
        # The applicant's own statements are theirs; organizers read them.
        return [*self.readonly_fields, "categories", "endorses_purposes", "basic_condition_statement", "further_conditions", "citation", "person_affiliation", "contact_name", "contact_email"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "member", "programme", "active", "slot", "quota", "recommended_at", "withdrawn_at"]
    list_filter = [("programme", ProgrammeListFilter), "member__tier", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["enterprise__name_zh", "enterprise__name_en", "member__organization__name_zh", "member__person_name"]
    list_select_related = ["enterprise", "member__organization", "programme__edition"]
    actions = ["withdraw"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("active"))
    def active(self, obj):
        return obj.is_active

    @admin.action(description=_("Withdraw (frees the member's place)"), permissions=["view"])
    def withdraw(self, request, queryset):
        for recommendation in queryset:
            try:
                services.recommendation_withdraw(recommendation=recommendation, actor=request.user, now=timezone.now())
            except DomainError as error:
                self.message_user(request, f"{recommendation}: {error.message}", messages.ERROR, extra_tags=error.code)


@admin.register(AwardReviewer)
class AwardReviewerAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "score_count"]
    list_filter = [("programme", ProgrammeListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "programme__edition"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(score_total=Count("scores"))

    @admin.display(description=_("scores"), ordering="score_total")
    def score_count(self, obj):
        return obj.score_total


@admin.register(EnterpriseRepresentative)
class EnterpriseRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["user", "organization"]
    search_fields = ["user__username", "organization__name_zh", "organization__name_en"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]
