"""The agenda: venues and their halls, boards (tracks), sessions and what they released; attendees'
stars, and the change alerts they get when a starred session moves (agenda.alerts,
agenda.session_alerts)."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wic.enums import OrganizationRole, Qualifier
from wic.i18n import BilingualMixin, TranslatedModel

from .alerts import NOBODY, SENT, UNCHANGED, WatchedFields, before_save
from .enums import ADMISSION_CHOICES, Access, OutcomeKind, Period, SessionKind, VenueKind

BEIJING = ZoneInfo("Asia/Shanghai")


class Venue(BilingualMixin, TranslatedModel):
    """A site where sessions take place: the convention center, a hotel, the theatre, the memorial forest."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=VenueKind.choices, default=VenueKind.OTHER)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name_zh


class Hall(BilingualMixin, TranslatedModel):
    """A named hall of a venue, with its room number where the texts give one (通安厅, room 217).

    A venue without named halls has one hall of the same name, so every located session has a hall.
    """

    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="halls")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    room = models.CharField(_("room number"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["venue__name_zh", "sort_order", "name_zh"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        constraints = [models.UniqueConstraint(fields=["venue", "name_zh"], name="hall_unique_name_per_venue")]

    def __str__(self) -> str:
        room = f"({self.room})" if self.room else ""
        if self.name_zh == self.venue.name_zh:
            return self.name_zh
        return f"{self.venue.name_zh}{self.name_zh}{room}"

    @property
    def is_whole_venue(self) -> bool:
        return self.name_zh == self.venue.name_zh


class Board(BilingualMixin, TranslatedModel):
    """A board (板块, track) of an edition's forums: 2017's five, 2024's AI board."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="boards")
    key = models.SlugField(_("key"), max_length=60)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    tagline_zh = models.CharField(_("tagline (Chinese)"), max_length=200, blank=True)
    tagline_en = models.CharField(_("tagline (English)"), max_length=200, blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["edition", "number", "key"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="board_unique_key_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition_id and self.edition.year} {self.name_zh}"


class Session(WatchedFields, BilingualMixin, TranslatedModel):
    """An agenda item of an edition.

    What must hold: `start` and `end` are both set or both empty, and `end` comes after `start`,
    both on `date` in Beijing time. An item the texts date only coarsely ("中午") keeps its date
    and a `period`, never a made-up clock time. An item the texts place in the edition without
    a day (2022's 开幕式, "会议期间" 乌镇咖荟) has no `date`, and then no time and no period
    either: its date scope is the edition, never a made-up day. A `pre_event` item (a press
    conference or signing weeks ahead) lies before the edition's first day and is listed apart
    from the summit's days. `access` is the admission rule the texts state (`not_stated` where
    they state none, never assumed "open"); `closed_door` (闭门会) may come with an admission rule
    but never with "open". `key` is a stable slug unique within the edition, which the seed uses
    to stay idempotent. Writes go through `agenda.services.session_upsert`.

    Change alerts: `save()` watches the day, the times, the hall and whether the session is
    published (`watched_fields`); a change of a session published before or after it opens or
    extends its pending `SessionChangeAlert` (agenda.session_alerts), whoever saves it (the admin,
    the services, the seed). Other fields (a title, a summary) alert nobody.
    """

    watched_fields = ("date", "start", "end", "period", "hall_id", "is_published")

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="sessions")
    key = models.SlugField(_("key"), max_length=80)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    alt_titles = models.TextField(_("other titles, one per line"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=SessionKind.choices)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Empty where the sources give no day within the edition."))
    start = models.DateTimeField(_("starts"), null=True, blank=True)
    end = models.DateTimeField(_("ends"), null=True, blank=True)
    period = models.CharField(_("time of day"), max_length=20, choices=Period.choices, blank=True)
    hall = models.ForeignKey(Hall, verbose_name=_("hall"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    board = models.ForeignKey(Board, verbose_name=_("board"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    pre_event = models.BooleanField(_("before the summit"), default=False, help_text=_("An item before the summit's days (an announcement, a signing, a send-off)."))
    access = models.CharField(_("access"), max_length=20, choices=ADMISSION_CHOICES, default=Access.NOT_STATED)
    closed_door = models.BooleanField(_("closed-door"), default=False)
    theme_zh = models.CharField(_("theme (Chinese)"), max_length=300, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    attendance = models.PositiveIntegerField(_("reported attendance"), null=True, blank=True)
    attendance_qualifier = models.CharField(_("attendance qualifier"), max_length=10, choices=Qualifier.choices, blank=True)
    attendance_quote_zh = models.CharField(_("attendance in the text's words"), max_length=200, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    # Provenance only (admin; never shown on the pages, never searched): how a value was read where
    # the text does not give it verbatim, e.g. a heading broken by a line break in the source.
    source_note = models.TextField(_("note on the source"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # Derived, for ordering only (never shown): the start, or an anchor for the coarse period so a
    # "noon" item sorts between morning and afternoon items on every database.
    sort_key = models.DateTimeField(editable=False, db_index=True)
    is_published = models.BooleanField(_("published"), default=True)
    # Derived, for the agenda's search only (never shown): titles, themes, hall, venue, board and
    # organizations in Chinese, English and pinyin, kept current by agenda.search.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    organizations = models.ManyToManyField("wic.Organization", through="SessionOrganization", related_name="sessions")

    class Meta:
        ordering = [models.F("date").asc(nulls_last=True), "sort_key", "sort_order", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="session_unique_key_per_edition"),
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True) | Q(start__isnull=False, end__isnull=False, end__gt=models.F("start")),
                name="session_times_paired_and_ordered",
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=False) | Q(start__isnull=True, period=""), name="session_undated_has_no_time"
            ),
            models.CheckConstraint(condition=~Q(closed_door=True, access="open"), name="session_closed_door_not_open"),
        ]
        indexes = [models.Index(fields=["edition", "date"]), models.Index(fields=["edition", "kind"])]

    def __str__(self) -> str:
        return f"{self.date or self.edition_id and self.edition.year} {self.title_zh}"

    PERIOD_ANCHORS = {"": (0, 1), "all_day": (0, 0), "morning": (8, 0), "noon": (12, 0), "afternoon": (13, 0), "evening": (18, 0)}

    def save(self, *args, **kwargs):
        if self.start is not None:
            self.sort_key = self.start
        elif self.date is None:
            # No day within the edition: after the edition's last day (its year's, where the edition's
            # dates are not known), for every ordering by sort_key.
            last = self.edition.end_date or date(self.edition.year, 12, 31)
            self.sort_key = datetime.combine(last, time(23, 59), tzinfo=BEIJING)
        else:
            hour, minute = self.PERIOD_ANCHORS.get(self.period, (0, 1))
            self.sort_key = datetime.combine(self.date, time(hour, minute), tzinfo=BEIJING)
        before = before_save(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        if before is not None:
            from .session_alerts import session_changed

            self.open_change_alert = session_changed(self, before)  # the admin says when it goes out

    @property
    def has_clock_time(self) -> bool:
        return self.start is not None

    @property
    def access_rules(self) -> list[str]:
        """Every access rule the texts state, closed-door first: [] where they state none."""
        rules = [Access.CLOSED_DOOR.value] if self.closed_door else []
        if self.access != Access.NOT_STATED:
            rules.append(self.access)
        return rules

    @property
    def access_summary(self) -> str:
        """One value for the API's `access` (as before the flags): closed-door where it is one, else
        the admission rule, `not_stated` where the texts state none."""
        return Access.CLOSED_DOOR.value if self.closed_door else self.access

    @property
    def is_invitation_only(self) -> bool:
        """Attended by invitation only: by invitation card, invited participants, or closed-door."""
        return self.closed_door or self.access in (Access.BY_INVITATION, Access.INVITED_ONLY)

    @property
    def restricted_rules(self) -> list:
        """The rules a page shows as tags (every stated rule but "open"), as Access members."""
        return [Access(rule) for rule in self.access_rules if rule != Access.OPEN]

    @property
    def alt_title_list(self) -> list[str]:
        return [line for line in self.alt_titles.splitlines() if line.strip()]


class SessionOrganization(models.Model):
    """An organization's role in one session (host, co-host...), in the order the text names them."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="organization_roles")
    organization = models.ForeignKey("wic.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="session_roles")
    role = models.CharField(_("role"), max_length=30, choices=OrganizationRole.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["session", "sort_order", "id"]
        verbose_name = _("session organization")
        verbose_name_plural = _("session organizations")
        constraints = [
            models.UniqueConstraint(fields=["session", "organization", "role"], name="session_org_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.organization_id}"


class Outcome(BilingualMixin, TranslatedModel):
    """A report, initiative or document released at an edition, at a session where the text says which."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="outcomes")
    session = models.ForeignKey(Session, verbose_name=_("session"), null=True, blank=True, on_delete=models.CASCADE, related_name="outcomes")
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices, default=OutcomeKind.OTHER)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "sort_order", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "title_zh"], condition=Q(session__isnull=True), name="outcome_unique_title_per_edition"
            ),
            models.UniqueConstraint(
                fields=["session", "title_zh"], condition=Q(session__isnull=False), name="outcome_unique_title_per_session"
            ),
        ]

    def __str__(self) -> str:
        return self.title_zh


class Star(models.Model):
    """A session a signed-in attendee starred for "My agenda". Anonymous stars live in the browser.
    `language` is the language of the page the star was given on: the session's change alerts
    are written to the attendee in it (an account keeps no language of its own)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agenda_stars")
    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="stars")
    created = models.DateTimeField(_("starred at"), auto_now_add=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")

    class Meta:
        verbose_name = _("starred session")
        verbose_name_plural = _("starred sessions")
        constraints = [models.UniqueConstraint(fields=["user", "session"], name="star_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ★ {self.session_id}"


class AgendaFeed(models.Model):
    """The secret token of an attendee's personal iCal feed of starred sessions. Regenerating it
    replaces the token, so an old URL stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agenda_feed")
    token = models.CharField(_("secret token"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return f"feed of {self.user_id}"


class ChangeAlert(models.Model):
    """A watched record changed (abstract: each app keeps its alerts in a table of its own, with a
    foreign key to its record; agenda.alerts runs them).

    What must hold: one open alert per record (a constraint on each concrete model); `before` is
    what the record held before the first change of the burst and never changes; `due_at` is
    `opened_at` + agenda.alerts.BURST and never moves; `changed_at` is the burst's last change.
    Closed (`closed_at`) by the beat task, with its `outcome` and how many people it `told`; a
    closed alert is never sent again.
    """

    OUTCOMES = [(SENT, _("Sent")), (UNCHANGED, _("Edited back: nothing sent")), (NOBODY, _("Nobody to tell"))]

    before = models.JSONField(_("before the change"))
    opened_at = models.DateTimeField(_("first change"))
    changed_at = models.DateTimeField(_("last change"))
    due_at = models.DateTimeField(_("to be sent at"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=OUTCOMES, blank=True)
    told = models.PositiveIntegerField(_("people told"), default=0)

    class Meta:
        abstract = True
        ordering = ["-opened_at", "-id"]


class ChangeNotice(models.Model):
    """What one person is told of one change alert, shown in the app until dismissed (abstract:
    each app's concrete model names the alert, the record and the person). `before` and `after`
    are the values shown (times, names in both languages), so the text is written in the
    language of the page that shows it, and stays what it said when the record changes again."""

    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class SessionChangeAlert(ChangeAlert):
    """A published session's day, time, hall or publication changed (agenda.session_alerts)."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="change_alerts")

    class Meta(ChangeAlert.Meta):
        verbose_name = _("session change alert")
        verbose_name_plural = _("session change alerts")
        constraints = [models.UniqueConstraint(fields=["session"], condition=Q(closed_at__isnull=True), name="session_alert_one_open")]
        indexes = [models.Index(fields=["due_at"], condition=Q(closed_at__isnull=True), name="session_alert_due")]

    def __str__(self) -> str:
        return f"{self.session_id} @ {self.opened_at:%Y-%m-%d %H:%M}"


class SessionNotice(ChangeNotice):
    """A change of a session the user starred, shown on "My agenda" until dismissed; one per
    alert and user (a constraint: the task run twice writes one)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agenda_notices")
    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="notices")
    alert = models.ForeignKey(SessionChangeAlert, verbose_name=_("change alert"), on_delete=models.CASCADE, related_name="notices")

    class Meta(ChangeNotice.Meta):
        verbose_name = _("session change notice")
        verbose_name_plural = _("session change notices")
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="session_notice_once_per_alert")]
        indexes = [models.Index(fields=["user", "read_at"], name="session_notice_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.session_id}"
