"""Volunteers: a programme per edition, applications, interviews, training, posts, teams, shifts,
assignments, shift check-in/out, swap/drop requests and standby offers.

Every state change goes through `volunteers.services` (the roster rules, the check-in window, the
standby backfill); the models hold only what must always be true, backed by database constraints
where a constraint can say it. A shift whose time or post changes alerts its volunteers
(`Shift.save()`, volunteers.shift_alerts: the agenda's change alerts, agenda.alerts).
"""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from agenda.alerts import WatchedFields, before_save
from agenda.models import ChangeAlert, ChangeNotice
from wic.enums import Qualifier
from wic.i18n import BilingualMixin, TranslatedModel

from .enums import (
    Arrival,
    AssignmentSource,
    AssignmentStatus,
    ChangeKind,
    ChangeStatus,
    CheckVia,
    Departure,
    Language,
    LanguageLevel,
    ModuleKind,
    OfferStatus,
    PostKind,
    VolunteerStatus,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def random_code(length: int = 12) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_volunteer_code() -> str:
    return random_code(12)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Programme(BilingualMixin, TranslatedModel):
    """One edition's volunteer programme: its targets, deadlines and the rules' settings.

    The `reported_*` figures and `send_off_on` are history the seed texts give (with `source`);
    they are left empty where a text says nothing. Team sizes, the swap cut-off and the check-in
    window are settings the services read.
    """

    edition = models.OneToOneField("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="volunteer_programme")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    nickname_zh = models.CharField(_("volunteers' nickname (Chinese)"), max_length=60, blank=True)
    nickname_en = models.CharField(_("volunteers' nickname (English)"), max_length=60, blank=True)
    target_headcount = models.PositiveIntegerField(_("target headcount"), null=True, blank=True)
    standby_size = models.PositiveIntegerField(_("standby size"), null=True, blank=True)
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close_at = models.DateTimeField(_("application deadline"), null=True, blank=True)
    interview_rounds = models.PositiveSmallIntegerField(_("interview rounds"), default=2)
    team_size_min = models.PositiveSmallIntegerField(_("smallest team"), default=10)
    team_size_max = models.PositiveSmallIntegerField(_("largest team"), default=20)
    swap_cutoff_hours = models.PositiveSmallIntegerField(_("swap/drop cut-off (hours before the shift)"), default=3)
    checkin_opens_minutes = models.PositiveSmallIntegerField(_("check-in opens (minutes before the start)"), default=60)
    checkin_closes_minutes = models.PositiveSmallIntegerField(_("check-in closes (minutes after the start)"), default=15)
    on_time_margin_minutes = models.PositiveSmallIntegerField(_("on-time margin (minutes)"), default=5)
    checkout_closes_minutes = models.PositiveSmallIntegerField(_("check-out closes (minutes after the end)"), default=120)
    no_show_after_minutes = models.PositiveSmallIntegerField(_("no-show after (minutes after the start)"), default=15)
    standby_offers_per_place = models.PositiveSmallIntegerField(_("standby volunteers asked per free place"), default=5)
    # History the texts report.
    reported_applicants = models.PositiveIntegerField(_("applicants (reported)"), null=True, blank=True)
    reported_applicants_qualifier = models.CharField(_("applicants qualifier"), max_length=10, choices=Qualifier.choices, blank=True)
    reported_accepted = models.PositiveIntegerField(_("accepted (reported)"), null=True, blank=True)
    reported_standby = models.PositiveIntegerField(_("on standby (reported)"), null=True, blank=True)
    reported_universities = models.PositiveSmallIntegerField(_("universities (reported)"), null=True, blank=True)
    reported_includes_local = models.BooleanField(_("also recruited locally (reported)"), default=False)
    reported_region_zh = models.CharField(_("where the universities are (Chinese)"), max_length=60, blank=True)
    reported_languages = models.PositiveSmallIntegerField(_("foreign languages (reported)"), null=True, blank=True)
    reported_languages_named = models.JSONField(_("foreign languages the text names"), default=list, blank=True)
    send_off_on = models.DateField(_("send-off ceremony"), null=True, blank=True)
    quotes_zh = models.TextField(_("words of the texts"), blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-edition__year"]
        verbose_name = _("volunteer programme")
        verbose_name_plural = _("volunteer programmes")
        constraints = [
            models.CheckConstraint(condition=Q(team_size_min__lte=F("team_size_max")), name="programme_team_sizes_ordered"),
            models.CheckConstraint(condition=Q(team_size_min__gte=1), name="programme_team_size_positive"),
            models.CheckConstraint(
                condition=Q(applications_open_at__isnull=True) | Q(applications_close_at__isnull=True) | Q(applications_close_at__gt=F("applications_open_at")),
                name="programme_application_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh


class Volunteer(models.Model):
    """An application to a programme, and the volunteer it becomes once accepted.

    What must hold: one application per email and programme (case-insensitive, a database
    constraint); a university or "local" (constraint); `code` is the secret shown as the QR code a
    lead scans, `feed_token` the secret of the personal iCal feed. `status` changes only through
    `services.volunteer_decide`.
    """

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="volunteer_records")
    name = models.CharField(_("name"), max_length=120)
    university = models.CharField(_("university"), max_length=120, blank=True)
    is_local = models.BooleanField(_("local volunteer (not from a university)"), default=False)
    student_number = models.CharField(_("student number"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("email"))
    available_days = models.JSONField(_("days available"), default=list, blank=True, help_text=_("ISO dates; empty means every day"))
    preferred_post_kinds = models.JSONField(_("preferred posts"), default=list, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.APPLIED)
    team = models.ForeignKey("Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    code = models.CharField(_("QR code"), max_length=20, unique=True, default=new_volunteer_code, editable=False)
    feed_token = models.CharField(_("calendar feed secret"), max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(_("volunteer's language"), max_length=10, default="zh-hans")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by"))
    notified_status = models.CharField(_("volunteer told of"), max_length=20, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created = models.DateTimeField(_("applied"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(Lower("email"), "programme", name="volunteer_one_application_per_email"),
            models.CheckConstraint(condition=Q(is_local=True) | ~Q(university=""), name="volunteer_university_or_local"),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def origin(self) -> str:
        return str(_("Local")) if self.is_local else self.university


class VolunteerLanguage(models.Model):
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    level = models.CharField(_("level"), max_length=10, choices=LanguageLevel.choices)

    class Meta:
        ordering = ["volunteer", "language"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [models.UniqueConstraint(fields=["volunteer", "language"], name="volunteer_language_once")]

    def __str__(self) -> str:
        return f"{self.get_language_display()} ({self.get_level_display()})"


class Interview(models.Model):
    """One interview round of an application, with the interviewer's score (0 to 100) and note."""

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="interviews")
    round = models.PositiveSmallIntegerField(_("round"))
    score = models.PositiveSmallIntegerField(_("score"))
    note = models.TextField(_("note"), blank=True)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("interviewer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["volunteer", "round"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "round"], name="interview_once_per_round"),
            models.CheckConstraint(condition=Q(round__gte=1), name="interview_round_positive"),
            models.CheckConstraint(condition=Q(score__lte=100), name="interview_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} #{self.round}: {self.score}"


class TrainingModule(BilingualMixin, TranslatedModel):
    """A training module of a programme (general, professional, on-post drill) with its date and place."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="modules")
    kind = models.CharField(_("kind"), max_length=20, choices=ModuleKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    place_zh = models.CharField(_("place (Chinese)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "sort_order", "id"]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        constraints = [models.UniqueConstraint(fields=["programme", "name_zh"], name="module_unique_name")]

    def __str__(self) -> str:
        return self.name_zh


class TrainingAttendance(models.Model):
    """A volunteer attended a module (recorded by a lead or an organizer)."""

    module = models.ForeignKey(TrainingModule, verbose_name=_("module"), on_delete=models.CASCADE, related_name="attendances")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="attendances")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["module", "volunteer"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["module", "volunteer"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.module}"


class Post(BilingualMixin, models.Model):
    """Where volunteers serve: hall service in a hall, guest liaison for a language, the
    registration desk, the media centre... A volunteer is rostered on a post only with every
    `required_modules` attended (the rostering service enforces it)."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("kind"), max_length=30, choices=PostKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    hall = models.ForeignKey("agenda.Hall", verbose_name=_("hall"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    language = models.CharField(_("language served"), max_length=5, choices=Language.choices, blank=True)
    place_zh = models.CharField(_("place (Chinese)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    required_modules = models.ManyToManyField(TrainingModule, verbose_name=_("required training"), blank=True, related_name="posts")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "sort_order", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [models.UniqueConstraint(fields=["programme", "name_zh"], name="post_unique_name")]

    def __str__(self) -> str:
        return self.name_zh


class Team(BilingualMixin, models.Model):
    """A group of volunteers (the programme's team sizes: 10 to 20 by default) with a leader
    account, serving one post. Members are `Volunteer.team`; `services.team_add_member` keeps
    the size within the programme's maximum."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="teams")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    post = models.ForeignKey(Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="teams")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_volunteer_teams")
    leader_phone = models.CharField(_("leader's phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["programme", "name_zh"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["programme", "name_zh"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name_zh


class Shift(WatchedFields, models.Model):
    """A time on a post needing `needed` volunteers, each speaking every `required_languages`.

    What must hold: end after start; `filled` counts the active assignments and never exceeds
    `needed` (a check constraint; services lock the shift row before changing it).

    Change alerts: `save()` watches the start, the end and the post (`watched_fields`); a change
    opens or extends the shift's pending `ShiftChangeAlert` (volunteers.shift_alerts), whoever
    saves it (the admin, a service).
    """

    watched_fields = ("starts_at", "ends_at", "post_id")

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    needed = models.PositiveSmallIntegerField(_("needed headcount"))
    filled = models.PositiveSmallIntegerField(_("assigned"), default=0, editable=False)
    required_languages = models.JSONField(_("required languages"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    no_shows_checked_at = models.DateTimeField(_("no-shows marked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "post", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"),
            models.CheckConstraint(condition=Q(needed__gte=1), name="shift_needs_someone"),
            models.CheckConstraint(condition=Q(filled__lte=F("needed")), name="shift_never_over_filled"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        from django.utils import timezone

        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.post.name_zh} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    def save(self, *args, **kwargs):
        before = before_save(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        if before is not None:
            from .shift_alerts import shift_changed

            self.open_change_alert = shift_changed(self, before)  # the admin says when it goes out

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Assignment(models.Model):
    """A volunteer on a shift, and what happened: checked in (early, on time, late) and out, or
    marked a no-show, or dropped. One active assignment per volunteer and shift (constraint)."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="assignments")
    status = models.CharField(_("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED)
    source = models.CharField(_("source"), max_length=10, choices=AssignmentSource.choices, default=AssignmentSource.MANUAL)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    arrival = models.CharField(_("arrival"), max_length=10, choices=Arrival.choices, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    departure = models.CharField(_("departure"), max_length=10, choices=Departure.choices, blank=True)
    created = models.DateTimeField(_("assigned"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("assigned by"))

    class Meta:
        ordering = ["shift__starts_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], condition=Q(status="assigned"), name="assignment_once_per_shift"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | (Q(checked_in_at__isnull=False) & Q(checked_out_at__gte=F("checked_in_at"))),
                name="assignment_checkout_after_checkin",
            ),
            models.CheckConstraint(condition=~Q(status="no_show") | Q(checked_in_at__isnull=True), name="assignment_no_show_never_checked_in"),
        ]
        indexes = [models.Index(fields=["volunteer", "status"]), models.Index(fields=["shift", "status"])]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift}"

    @property
    def worked_hours(self) -> float:
        if self.checked_in_at and self.checked_out_at:
            return (self.checked_out_at - self.checked_in_at).total_seconds() / 3600
        return 0.0


class ShiftCheck(models.Model):
    """The log of shift check-ins and check-outs: who, when, how (own phone, lead's scan or pick)."""

    IN, OUT = "in", "out"
    KINDS = [(IN, _("Check-in")), (OUT, _("Check-out"))]

    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=3, choices=KINDS)
    at = models.DateTimeField(_("at"))
    via = models.CharField(_("how"), max_length=10, choices=CheckVia.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at"]
        verbose_name = _("shift check-in/out")
        verbose_name_plural = _("shift check-ins/outs")
        constraints = [models.UniqueConstraint(fields=["assignment", "kind"], name="shift_check_once_per_kind")]


class ChangeRequest(models.Model):
    """A volunteer asks to drop a shift, or to hand it to a colleague (swap), before the
    programme's cut-off; the team's lead decides. One pending request per assignment."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    colleague = models.ForeignKey(Volunteer, verbose_name=_("colleague taking the shift"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by"))

    class Meta:
        ordering = ["-created"]
        verbose_name = _("swap or drop request")
        verbose_name_plural = _("swap and drop requests")
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(status="pending"), name="change_request_one_pending"),
            models.CheckConstraint(condition=Q(kind="drop", colleague__isnull=True) | Q(kind="swap", colleague__isnull=False), name="change_request_swap_names_colleague"),
        ]


class StandbyOffer(models.Model):
    """A place freed by a no-show, offered by email to a standby volunteer; the first to accept
    takes it (the shift row is locked while accepting, and `Shift.filled <= needed` backs it)."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="standby_offers")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="standby_offers")
    token = models.CharField(_("link secret"), max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    created = models.DateTimeField(_("offered"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False, editable=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("standby offer")
        verbose_name_plural = _("standby offers")
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="standby_offer_once")]


class ShiftChangeAlert(ChangeAlert):
    """A shift's time or post changed (volunteers.shift_alerts; the steps are agenda.alerts')."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="change_alerts")

    class Meta(ChangeAlert.Meta):
        verbose_name = _("shift change alert")
        verbose_name_plural = _("shift change alerts")
        constraints = [models.UniqueConstraint(fields=["shift"], condition=Q(closed_at__isnull=True), name="shift_alert_one_open")]
        indexes = [models.Index(fields=["due_at"], condition=Q(closed_at__isnull=True), name="shift_alert_due")]

    def __str__(self) -> str:
        return f"{self.shift_id} @ {self.opened_at:%Y-%m-%d %H:%M}"


class ShiftNotice(ChangeNotice):
    """A change of a shift the volunteer is on, shown on their page until dismissed; one per alert
    and volunteer (a constraint: the task run twice writes one)."""

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="shift_notices")
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="notices")
    alert = models.ForeignKey(ShiftChangeAlert, verbose_name=_("change alert"), on_delete=models.CASCADE, related_name="notices")

    class Meta(ChangeNotice.Meta):
        verbose_name = _("shift change notice")
        verbose_name_plural = _("shift change notices")
        constraints = [models.UniqueConstraint(fields=["alert", "volunteer"], name="shift_notice_once_per_alert")]
        indexes = [models.Index(fields=["volunteer", "read_at"], name="shift_notice_unread")]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.shift_id}"
