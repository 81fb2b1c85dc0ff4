"""Awards and nominations: an edition's recognition programmes (the Outstanding Contribution
Award, the Leading Technology Award, the Global Youth Leaders call, the "Straight to Wuzhen"
competition), their categories and conditions, the members' recommendation quotas, the
recommendations, the nominations, reviewers' scores and the results.

Every write goes through `awards.services`; the invariants each model states below are enforced
there, and backed by a database constraint wherever one can express them.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wic.enums import MemberTier, Qualifier
from wic.i18n import BilingualMixin, TranslatedModel

from .enums import DatePrecision, Direction, NominationState, ProgrammeKind

BEIJING = ZoneInfo("Asia/Shanghai")


class AwardProgramme(BilingualMixin, TranslatedModel):
    """One recognition programme (or call) of one edition, open from `opens_at` to `closes_at`
    (aware, compared as instants, shown in Beijing time).

    `opens_precision` says how much of the opening the text states: a month ("2024年3月") is stored
    as the start of that month in Beijing with precision "month", and shown as the month alone
    (`opens_shown`), never as an invented first day. `ordinal` is the programme's own edition
    (第N届) where the text gives or plainly implies it ("在去年首届大赛的基础上" -> 2), with the words in
    `quote_zh`. English the texts do not give is marked "editorial" in `translation_provenance`.

    Where a text gives only the day of a close ("征集截止至北京时间2024年6月20日"),
    `closes_at` is the end of that day in Beijing (the midnight after it: every instant of the day
    is accepted) and `closes_time_stated` is False so pages show the day alone (`last_day`).
    `results_released_at` set means the winners are public; the `figures` (counts the texts
    report) are public always.
    """

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="award_programmes")
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices, default=ProgrammeKind.AWARD)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("rules (Chinese)"), blank=True)
    description_en = models.TextField(_("rules (English)"), blank=True)
    has_enterprise_direction = models.BooleanField(_("enterprise direction"), default=False)
    has_individual_direction = models.BooleanField(_("individual direction"), default=False)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    opens_precision = models.CharField(
        _("opening stated to the"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.TIME,
        help_text=_("How much of the opening the text states: a month is shown as the month alone."),
    )
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    closes_time_stated = models.BooleanField(_("closing time stated"), default=True, help_text=_("Off when the text gives only the day."))
    max_categories = models.PositiveSmallIntegerField(
        _("categories an enterprise may enter"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    requires_endorsement = models.BooleanField(_("applicants endorse the WIC's purposes"), default=False)
    min_further_conditions = models.PositiveSmallIntegerField(_("further conditions to meet (at least)"), default=0)
    non_members_need_recommendation = models.BooleanField(_("non-member enterprises need a member's recommendation"), default=False)
    ordinal = models.PositiveSmallIntegerField(_("edition of the programme"), null=True, blank=True, help_text=_("第N届, where the text gives it."))
    format_zh = models.CharField(_("format (Chinese)"), max_length=200, blank=True)
    format_en = models.CharField(_("format (English)"), max_length=200, blank=True)
    results_released_at = models.DateTimeField(_("results released"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    quote_zh = models.TextField(_("words of the text"), blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["-edition__year", "closes_at", "id"]
        verbose_name = _("award programme")
        verbose_name_plural = _("award programmes")
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="award_programme_key_per_edition"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="award_programme_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.name_zh}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        if self.closes_at is None:
            return False
        return (self.opens_at is None or self.opens_at <= at) and at < self.closes_at

    @property
    def opens_shown(self) -> str:
        """The opening as the text states it, in Beijing time: "2024-03" (month), "2024-09-11" (day),
        "2024-09-11 09:00" (time); "" where none is recorded."""
        if self.opens_at is None:
            return ""
        local = timezone.localtime(self.opens_at, BEIJING)
        if self.opens_precision == DatePrecision.MONTH:
            return f"{local:%Y-%m}"
        if self.opens_precision == DatePrecision.DAY:
            return f"{local:%Y-%m-%d}"
        return f"{local:%Y-%m-%d %H:%M}"

    @property
    def last_day(self):
        """The last Beijing day accepted: the day shown for a close given as a day (`closes_at` is
        then the midnight after it)."""
        if self.closes_at is None:
            return None
        return timezone.localtime(self.closes_at - timedelta(microseconds=1), BEIJING).date()

    @property
    def results_released(self) -> bool:
        return self.results_released_at is not None

    @property
    def directions(self) -> list[str]:
        return [d for d, on in ((Direction.ENTERPRISE, self.has_enterprise_direction), (Direction.INDIVIDUAL, self.has_individual_direction)) if on]


class AwardCategory(BilingualMixin, TranslatedModel):
    """A category (or track, or type, or a case call's domain) of a programme, in one direction,
    with its basic condition.

    `special` marks a special contest held beside the tracks (2024: the AI+ contest; 2020: the
    “数字抗疫”专题赛). English the texts do not give is marked "editorial"."""

    programme = models.ForeignKey(AwardProgramme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="categories")
    key = models.SlugField(_("key"), max_length=60)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    basic_condition_zh = models.TextField(_("basic condition (Chinese)"), blank=True)
    basic_condition_en = models.TextField(_("basic condition (English)"), blank=True)
    special = models.BooleanField(_("special contest"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "sort_order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="award_category_key_per_programme")]

    def __str__(self) -> str:
        return self.name_zh


class FurtherCondition(BilingualMixin, models.Model):
    """One of the further conditions an applicant picks from ("符合一到多条其他条件")."""

    programme = models.ForeignKey(AwardProgramme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="further_conditions")
    text_zh = models.CharField(_("condition (Chinese)"), max_length=400)
    text_en = models.CharField(_("condition (English)"), max_length=400, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "sort_order", "id"]
        verbose_name = _("further condition")
        verbose_name_plural = _("further conditions")

    def __str__(self) -> str:
        return self.text_zh


class RecommendationQuota(models.Model):
    """How many enterprises a member of `tier` may recommend for the programme (data, per tier)."""

    programme = models.ForeignKey(AwardProgramme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="quotas")
    tier = models.CharField(_("member tier"), max_length=20, choices=MemberTier.choices)
    quota = models.PositiveSmallIntegerField(_("recommendations"))

    class Meta:
        ordering = ["programme", "-quota", "tier"]
        verbose_name = _("recommendation quota")
        verbose_name_plural = _("recommendation quotas")
        constraints = [models.UniqueConstraint(fields=["programme", "tier"], name="award_quota_once_per_tier")]

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.quota}"


class MemberQuotaLock(models.Model):
    """The row `recommendation_create` and `recommendation_withdraw` lock (select_for_update) for
    one member and one programme, so that counting the member's recommendations and adding one
    happen as one step whatever arrives at once."""

    programme = models.ForeignKey(AwardProgramme, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("wic.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "member"], name="award_quota_lock_once")]


class Recommendation(models.Model):
    """A member's recommendation of an enterprise for a programme.

    What holds: one row per (programme, member, enterprise), re-used when a withdrawn
    recommendation is made again; an active row (`withdrawn_at` empty) holds a `slot` from 1 to
    the member's `quota` at the time, a withdrawn one holds none. The slots of a member's active
    recommendations are distinct, so the database itself refuses more active rows than places
    even if two requests counted at once. A member never recommends its own organization.
    """

    programme = models.ForeignKey(AwardProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="recommendations")
    member = models.ForeignKey("wic.Member", verbose_name=_("recommending member"), on_delete=models.PROTECT, related_name="award_recommendations")
    enterprise = models.ForeignKey("wic.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="award_recommendations")
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recommended by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommended_at = models.DateTimeField(_("recommended"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    slot = models.PositiveSmallIntegerField(_("place"), null=True, blank=True, editable=False)
    quota = models.PositiveSmallIntegerField(_("quota at the time"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["programme", "member", "slot", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["programme", "member", "enterprise"], name="award_recommendation_once"),
            models.UniqueConstraint(fields=["programme", "member", "slot"], name="award_recommendation_slot_once"),
            models.CheckConstraint(
                condition=(Q(withdrawn_at__isnull=True) & Q(slot__gte=1) & Q(quota__isnull=False) & Q(slot__lte=F("quota")))
                | (Q(withdrawn_at__isnull=False) & Q(slot__isnull=True)),
                name="award_recommendation_slot_within_quota",
            ),
        ]
        indexes = [models.Index(fields=["programme", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.member} → {self.enterprise.name_zh}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class EnterpriseRepresentative(models.Model):
    """An account that acts for an enterprise in the awards (applies for it). Organizers grant it;
    a member organization's representatives act for it without one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="award_enterprises")
    organization = models.ForeignKey("wic.Organization", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="award_representatives")

    class Meta:
        verbose_name = _("enterprise representative")
        verbose_name_plural = _("enterprise representatives")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="award_enterprise_representative_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization.name_zh}"


class Nomination(models.Model):
    """An application (enterprise direction) or a nomination (individual direction).

    What holds: the state changes only through awards.services (see awards.enums.TRANSITIONS);
    an enterprise nomination names its `organization` and enters at most the programme's
    `max_categories` categories, one nomination per enterprise and programme; an individual one
    names a person and its nominator (a member, or an organizer when `member` is empty).
    `won_category` is set only on a winner.
    """

    programme = models.ForeignKey(AwardProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="nominations")
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    state = models.CharField(_("state"), max_length=20, choices=NominationState.choices, default=NominationState.DRAFT)
    organization = models.ForeignKey(
        "wic.Organization", verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.PROTECT, related_name="award_nominations"
    )
    person_name = models.CharField(_("person's name"), max_length=200, blank=True)
    person_affiliation = models.CharField(_("person's affiliation"), max_length=300, blank=True)
    nominated_by_member = models.ForeignKey(
        "wic.Member", verbose_name=_("nominating member"), null=True, blank=True, on_delete=models.PROTECT, related_name="award_nominations"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="award_nominations")
    categories = models.ManyToManyField(AwardCategory, verbose_name=_("categories"), blank=True, related_name="nominations")
    further_conditions = models.ManyToManyField(FurtherCondition, verbose_name=_("further conditions met"), blank=True, related_name="nominations")
    endorses_purposes = models.BooleanField(_("endorses the purposes of the WIC international organization"), default=False)
    basic_condition_statement = models.TextField(_("how the basic condition is met"), blank=True)
    citation = models.TextField(_("contribution"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    screening_note = models.TextField(_("screening note"), blank=True)
    won_category = models.ForeignKey(
        AwardCategory, verbose_name=_("won in category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["programme", "-created", "-id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organization"], condition=Q(organization__isnull=False), name="award_nomination_once_per_enterprise"
            ),
            models.CheckConstraint(
                condition=(Q(direction=Direction.ENTERPRISE) & Q(organization__isnull=False))
                | (Q(direction=Direction.INDIVIDUAL) & Q(organization__isnull=True) & ~Q(person_name="")),
                name="award_nomination_enterprise_or_person",
            ),
            models.CheckConstraint(
                condition=Q(won_category__isnull=True) | Q(state=NominationState.WINNER), name="award_nomination_won_only_winner"
            ),
        ]
        indexes = [models.Index(fields=["programme", "state"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organization.name_zh if self.organization_id else self.person_name


class NominationLog(models.Model):
    """Every state change of a nomination: who, when, from, to, why."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="log")
    from_state = models.CharField(max_length=20, choices=NominationState.choices)
    to_state = models.CharField(max_length=20, choices=NominationState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["nomination", "at", "id"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class AwardReviewer(models.Model):
    """An expert an organizer assigns to a programme's review (2020: a committee of nearly 40)."""

    programme = models.ForeignKey(AwardProgramme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="award_reviews_assigned")

    class Meta:
        verbose_name = _("expert reviewer")
        verbose_name_plural = _("expert reviewers")
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="award_reviewer_once")]

    def __str__(self) -> str:
        return f"{self.programme} · {self.user}"


class Score(models.Model):
    """One reviewer's score (1 to 10) of one nomination in one of the categories it entered."""

    nomination = models.ForeignKey(Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(AwardReviewer, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="scores")
    category = models.ForeignKey(AwardCategory, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nomination", "category", "reviewer"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "reviewer", "category"], name="award_score_once_per_category"),
            models.UniqueConstraint(fields=["nomination", "reviewer"], condition=Q(category__isnull=True), name="award_score_once_overall"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10), name="award_score_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.category or '-'} · {self.score}"


class ProgrammeFigure(BilingualMixin, models.Model):
    """A count a text reports for a programme ("共收到……270项成果"), kept as a count: no names are
    invented to fill it. `source` names the seed text."""

    programme = models.ForeignKey(AwardProgramme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="figures")
    key = models.SlugField(_("key"), max_length=60)
    value = models.PositiveIntegerField(_("value"))
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    label_zh = models.CharField(_("label (Chinese)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    quote_zh = models.CharField(_("words of the text"), max_length=300, blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "sort_order", "key"]
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="award_figure_key_per_programme")]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
