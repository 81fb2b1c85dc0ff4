"""Sub-forum applications: an edition's call, the applications outside organizations submit,
their reviews, and the log of every state change.

States change only through `forums.services` (the transitions are listed in `forums.enums`).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wic.enums import OrganizationRole
from wic.i18n import BilingualMixin

from .enums import ApplicationState, ForumFormat, HalfDay


class InterpretationLanguage(models.TextChoices):
    """The languages a sub-forum may ask simultaneous interpretation into: the UN's six."""

    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")
    ARABIC = "ar", _("Arabic")


class ForumCall(BilingualMixin, models.Model):
    """An edition's call for sub-forums, open from `opens_at` to `closes_at` (aware, shown in Beijing time)."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="forum_calls")
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    boards = models.ManyToManyField("agenda.Board", verbose_name=_("boards an application may choose"), blank=True, related_name="forum_calls")

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("call for sub-forums")
        verbose_name_plural = _("calls for sub-forums")
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening")]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.title_zh}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class CallQuestion(BilingualMixin, models.Model):
    """A further question the call asks; answers are kept on the application."""

    call = models.ForeignKey(ForumCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="questions")
    text_zh = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "sort_order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text_zh


class ReviewCriterion(BilingualMixin, models.Model):
    """What reviewers score, 1 to 5 (relevance to the theme, quality of hosts and speakers...)."""

    call = models.ForeignKey(ForumCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "sort_order", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self) -> str:
        return self.name_zh


class Reviewer(models.Model):
    """A reviewer role an organizer grants for one edition. `organization` is the reviewer's own
    organization: they may not review an application it hosts."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="forum_reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="forum_reviewer_roles")
    organization = models.ForeignKey(
        "wic.Organization", verbose_name=_("own organization"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [models.UniqueConstraint(fields=["edition", "user"], name="reviewer_once_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.user}"


class ForumApplication(BilingualMixin, models.Model):
    """An organization's application to host a sub-forum.

    What must hold: `state` changes only through forums.services, along forums.enums.TRANSITIONS;
    `session` is set once the application is accepted, and only then.
    """

    call = models.ForeignKey(ForumCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="forum_applications")
    state = models.CharField(_("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    theme_zh = models.CharField(_("theme (Chinese)"), max_length=300, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    board = models.ForeignKey("agenda.Board", verbose_name=_("board"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    format = models.CharField(_("format"), max_length=20, choices=ForumFormat.choices, blank=True)
    preferred_date = models.DateField(_("preferred day"), null=True, blank=True)
    preferred_half_day = models.CharField(_("preferred half-day"), max_length=20, choices=HalfDay.choices, blank=True)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    planned_speakers = models.TextField(_("planned speakers (names and affiliations)"), blank=True)
    planned_outcomes = models.TextField(_("planned outcomes to release"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    answers = models.JSONField(_("answers to the call's questions"), default=dict, blank=True)
    # Codes of InterpretationLanguage, in its order; empty when no interpretation is needed.
    interpretation_languages = models.JSONField(_("simultaneous interpretation"), default=list, blank=True)
    interpretation_note = models.CharField(_("other interpretation needs"), max_length=300, blank=True)
    language = models.CharField(_("applicant's language"), max_length=10, default="zh-hans")
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    notified_state = models.CharField(_("applicant told of"), max_length=20, blank=True, editable=False)
    session = models.OneToOneField(
        "agenda.Session", verbose_name=_("agenda session"), null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_application"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("sub-forum application")
        verbose_name_plural = _("sub-forum applications")
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self) -> str:
        return self.title_zh or f"#{self.pk}"

    def get_interpretation_languages_display(self) -> list[str]:
        labels = dict(InterpretationLanguage.choices)
        return [str(labels[code]) for code in InterpretationLanguage.values if code in (self.interpretation_languages or [])]


class ApplicationOrganization(models.Model):
    """A proposed host or co-host: an existing organization, or one the applicant names (`proposed_name_zh`)."""

    application = models.ForeignKey(ForumApplication, on_delete=models.CASCADE, related_name="organizations")
    organization = models.ForeignKey("wic.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_name_zh = models.CharField(_("new organization (Chinese name)"), max_length=200, blank=True)
    proposed_name_en = models.CharField(_("new organization (English name)"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=[(OrganizationRole.HOST.value, OrganizationRole.HOST.label), (OrganizationRole.CO_HOST.value, OrganizationRole.CO_HOST.label)])
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["application", "sort_order", "id"]
        verbose_name = _("proposed organization")
        verbose_name_plural = _("proposed organizations")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, proposed_name_zh="") | Q(organization__isnull=True) & ~Q(proposed_name_zh=""),
                name="application_org_existing_or_new",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.organization.name_zh if self.organization_id else self.proposed_name_zh


class ApplicationTransition(models.Model):
    """The log: every state change, with who made it, when, and any message."""

    application = models.ForeignKey(ForumApplication, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=ApplicationState.choices)
    to_state = models.CharField(max_length=20, choices=ApplicationState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "at", "id"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class Review(models.Model):
    """One reviewer's score (1 to 5) and comment on one criterion of one application."""

    application = models.ForeignKey(ForumApplication, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reviews")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.CASCADE, related_name="reviews")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer", "criterion"], name="review_once_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="review_score_1_to_5"),
        ]
