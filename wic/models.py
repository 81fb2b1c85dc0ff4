"""Summit-wide models: editions with their figures, calendar and described content,
organizations, the WIC international organization and its members."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import DatePrecision, DescribedItemKind, MemberTier, OrganizationKind, OrganizationRole, Qualifier, TokenScope
from .i18n import BilingualMixin, TranslatedModel


class Edition(BilingualMixin, TranslatedModel):
    """One year's summit (届 / 峰会).

    `year` is unique and is how URLs and the API name an edition. `ordinal` is the 届 number and
    `series_year` the "Nth year of the Wuzhen Summit", each set only where a text states it.
    Demo editions (`is_demo`) never mix with the historical records: public lists hide them
    unless asked. Writes go through `wic.services`.

    `start_date` and `end_date` are both set or both empty: an edition the texts name without its
    dates (the 2nd, 2015, and the 3rd, 2016, in 004) keeps them empty, never a guessed day; what
    the texts date within it (its opening) is a milestone of its calendar. Code that compares an
    edition with today asks `has_ended(today)` and `days`, which hold for both.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    ordinal = models.PositiveSmallIntegerField(_("ordinal (届)"), null=True, blank=True)
    series_year = models.PositiveSmallIntegerField(_("year of the series"), null=True, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    theme_zh = models.CharField(_("theme (Chinese)"), max_length=300, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=300, blank=True)
    start_date = models.DateField(_("first day"), null=True, blank=True, help_text=_("Empty where the texts do not give the edition's dates."))
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty where the texts do not give the edition's dates."))
    location_zh = models.CharField(_("location (Chinese)"), max_length=200, blank=True)
    location_en = models.CharField(_("location (English)"), max_length=200, blank=True)
    main_venue = models.ForeignKey(
        "agenda.Venue", verbose_name=_("main venue"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    format_zh = models.CharField(_("format (Chinese)"), max_length=200, blank=True)
    format_en = models.CharField(_("format (English)"), max_length=200, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    organizations = models.ManyToManyField("Organization", through="EditionOrganization", related_name="editions")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="edition_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True, end_date__isnull=True) | Q(start_date__isnull=False, end_date__isnull=False),
                name="edition_dates_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name_zh}"

    @property
    def has_dates(self) -> bool:
        return self.start_date is not None and self.end_date is not None

    @property
    def days(self) -> list:
        """Every day of the edition, first to last; [] where its dates are not known."""
        from datetime import timedelta

        if not self.has_dates:
            return []
        return [self.start_date + timedelta(days=n) for n in range((self.end_date - self.start_date).days + 1)]

    def has_ended(self, today) -> bool:
        """Whether the edition is over on `today`: its last day is past, or, with no dates known,
        its year is."""
        return self.end_date < today if self.end_date is not None else self.year < today.year


class EditionFigure(BilingualMixin, TranslatedModel):
    """A count a text reports for an edition ("1800余名嘉宾"), with how exact the text says it is."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="figures")
    key = models.SlugField(_("key"), max_length=60)
    value = models.PositiveBigIntegerField(_("value"))
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    label_zh = models.CharField(_("label (Chinese)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    quote_zh = models.CharField(_("words of the text"), max_length=300, blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "sort_order", "key"]
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="figure_unique_key_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.key}={self.value}"

    @property
    def is_lower_bound(self) -> bool:
        return self.qualifier == Qualifier.AT_LEAST

    @property
    def group(self) -> str:
        """Which part of the summit the figure belongs to: "summit", or the key of the
        `wic.contrib.FigureGroup` an app contributes whose prefix the key starts with (expo,
        awards, volunteers)."""
        from . import contrib

        for group in contrib.ordered(contrib.FigureGroup):
            if self.key.startswith(group.prefixes):
                return group.key
        return "summit"


class EditionMilestone(BilingualMixin, TranslatedModel):
    """A dated step of an edition's calendar as a text gives it ("2024年5月,2024年全球青年领军者启动
    招募"): the date, how precise the text is (a day, or only a month: then `date` is the month's
    first day and is never shown with a day), a label, the words of the text and their source.

    Where texts disagree on one step (the 2024 Leading Technology Award opened "2024年3月" in one
    line and "2024年4月" in another) each account is its own milestone with its own quote, and
    they share a `conflict_key`: the pages show them together, marked "sources disagree"."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="milestones")
    key = models.SlugField(_("key"), max_length=80)
    date = models.DateField(_("date"))
    precision = models.CharField(_("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    quote_zh = models.CharField(_("words of the text"), max_length=500)
    source = models.CharField(_("source text"), max_length=200)
    conflict_key = models.SlugField(
        _("sources disagree on"), max_length=80, blank=True,
        help_text=_("Milestones of an edition sharing this key are the texts' differing accounts of one step."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "date", "sort_order", "key"]
        verbose_name = _("calendar milestone")
        verbose_name_plural = _("calendar milestones")
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="milestone_unique_key_per_edition"),
            models.CheckConstraint(condition=~Q(precision=DatePrecision.MONTH) | Q(date__day=1), name="milestone_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.key} {self.date_display}"

    @property
    def sources_disagree(self) -> bool:
        return bool(self.conflict_key)

    @property
    def date_display(self) -> str:
        """The date as precisely as the text gives it: "2024-05" for a month, "2024-09-11" for a day."""
        return self.date.strftime("%Y-%m") if self.precision == DatePrecision.MONTH else self.date.isoformat()


class EditionDescribedItem(BilingualMixin, TranslatedModel):
    """One item of what a text says an edition was: a characteristic (特点), a topic discussed
    (议题), a brand activity or a host-city activity it held, in the text's words and order, with
    the quote the item stands in and its source. Counts of them the text gives stay figures."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="described_items")
    kind = models.CharField(_("kind"), max_length=20, choices=DescribedItemKind.choices)
    text_zh = models.CharField(_("text (Chinese)"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=200, blank=True)
    quote_zh = models.CharField(_("words of the text"), max_length=500)
    source = models.CharField(_("source text"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "kind", "sort_order"]
        verbose_name = _("described item")
        verbose_name_plural = _("described items")
        constraints = [models.UniqueConstraint(fields=["edition", "kind", "text_zh"], name="described_item_unique_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.get_kind_display()}: {self.text_zh}"


class Organization(BilingualMixin, TranslatedModel):
    """A government body, international organization, company, university... named by the texts.

    `name_zh` is unique: the seed names one body with one canonical Chinese name. An organization
    someone named in an application or a recommendation is unconfirmed (`verified_at` empty) and
    stays out of the public API until an organizer confirms it; the seed's and the organizers' are
    confirmed when they are made. Names are checked by `wic.services.organization_name_clean`.
    """

    name_zh = models.CharField(_("name (Chinese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganizationKind.choices, default=OrganizationKind.OTHER)
    country = CountryField(_("country or region"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    verified_at = models.DateTimeField(
        _("confirmed"), null=True, blank=True, help_text=_("When an organizer confirmed it; unconfirmed organizations are not public.")
    )

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name_zh + (f" ({self.abbreviation})" if self.abbreviation else "")


class EditionOrganization(models.Model):
    """An organization's role in a whole edition (the summit's hosts, supporters...)."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="organization_roles")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="edition_roles")
    role = models.CharField(_("role"), max_length=30, choices=OrganizationRole.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["edition", "role", "sort_order"]
        verbose_name = _("edition organization")
        verbose_name_plural = _("edition organizations")
        constraints = [
            models.UniqueConstraint(fields=["edition", "organization", "role"], name="edition_org_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.get_role_display()}: {self.organization.name_zh}"


class WicOrganization(BilingualMixin, TranslatedModel):
    """The WIC international organization (世界互联网大会国际组织), the body whose members
    `Member` records in the tiers of `MemberTier`. There is one; it is `organization` (世界互联网大会,
    the host of the summits) with what the texts say of its founding: the day, the headquarters,
    the initiators in the text's order (`WicOrganizationInitiator`), each with the quoted words."""

    organization = models.OneToOneField(Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="wic_profile")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    headquarters_zh = models.CharField(_("headquarters (Chinese)"), max_length=200, blank=True)
    headquarters_en = models.CharField(_("headquarters (English)"), max_length=200, blank=True)
    quote_zh = models.TextField(_("words of the text"))
    source = models.CharField(_("source text"), max_length=200)
    initiators = models.ManyToManyField(Organization, through="WicOrganizationInitiator", related_name="initiated_wic", verbose_name=_("initiators"))

    class Meta:
        verbose_name = _("WIC international organization")
        verbose_name_plural = _("WIC international organization")

    def __str__(self) -> str:
        return self.name_zh


class WicOrganizationInitiator(models.Model):
    """One of the bodies that initiated (发起) the WIC international organization, in the text's order."""

    wic_organization = models.ForeignKey(WicOrganization, verbose_name=_("WIC international organization"), on_delete=models.CASCADE, related_name="initiator_links")
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source text"), max_length=200)

    class Meta:
        ordering = ["wic_organization", "sort_order"]
        verbose_name = _("initiator")
        verbose_name_plural = _("initiators")
        constraints = [models.UniqueConstraint(fields=["wic_organization", "organization"], name="wic_initiator_unique")]

    def __str__(self) -> str:
        return self.organization.name_zh


class Member(models.Model):
    """A member of the WIC international organization (`WicOrganization`): an organization or a
    person, with a tier.

    Exactly one of `organization` and `person_name` is set. `representatives` are the accounts
    that act for the member (recommendations, later).
    """

    organization = models.OneToOneField(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT, related_name="membership"
    )
    person_name = models.CharField(_("person's name"), max_length=200, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=MemberTier.choices)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="wic_memberships", verbose_name=_("representatives")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["tier", "id"]
        verbose_name = _("WIC member")
        verbose_name_plural = _("WIC members")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(person_name=""))
                | (Q(organization__isnull=True) & ~Q(person_name="")),
                name="member_is_organization_or_person",
            ),
        ]

    def __str__(self) -> str:
        name = self.organization.name_zh if self.organization_id else self.person_name
        return f"{name} ({self.get_tier_display()})"


class OutgoingEmail(models.Model):
    """Every email the system sends, in one log: to whom, what (rendered subject, text and HTML),
    in which language, and whether it was delivered. `key` makes sending idempotent: one row per
    key (a database constraint), and a row marked sent is never sent again however often its task
    runs. Written by `wic.outbox.queue`, delivered by the `wic.deliver_email` task."""

    QUEUED, SENT, FAILED = "queued", "sent", "failed"
    STATUSES = [(QUEUED, _("Queued")), (SENT, _("Sent")), (FAILED, _("Failed"))]

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=60)
    to = models.JSONField(_("to"), default=list)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "created"]), models.Index(fields=["event", "created"])]

    def __str__(self) -> str:
        return f"{self.event} → {', '.join(self.to)}"


class ApiToken(models.Model):
    """An API token, sent as `Authorization: Token <key>`. The key is shown once, when the token is
    made (`wic.tokens.token_create`); only its SHA-256 `digest` is stored, with its first
    characters (`prefix`) to tell tokens apart. It works until `expires_at`
    (settings.API_TOKEN_LIFETIME, or fewer days when asked) or until it is revoked (deleted). Its
    `scope` limits it: `all`, `read` (safe methods only), `scan` (the gate's endpoints only),
    `lead` (the volunteers' endpoints only) or `integration` (the named `scopes`, such as
    `registration:read`); wic.tokens enforces them for every endpoint.

    There are no model permissions (`default_permissions = ()`): no role can be given the token
    admin; superusers see and revoke tokens there, nobody adds one there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    scope = models.CharField(_("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.ALL)
    scopes = models.JSONField(_("named scopes"), default=list, blank=True, help_text=_("An integration token's named scopes"))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the token is for (a badge printer, a partner)"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-created", "-id"]
        default_permissions = ()
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


# -- webhooks (issue 28): wic.webhooks -------------------------------------------------------------
from django.utils import timezone  # noqa: E402

from .crypto import EncryptedTextField  # noqa: E402


class WebhookEndpoint(models.Model):
    """A partner's address that receives the summit's events as signed HTTP POSTs (wic.webhooks).

    `events` are the keys it subscribes to (each a `wic.contrib.WebhookEvent` an app declares; a
    "ping" is sent when an organizer asks, whatever it subscribes to). `secret` signs every delivery (HMAC-SHA256): generated when the endpoint
    is made, shown once in that answer, and kept because the server signs with it, encrypted at
    rest (wic.crypto). Written only through wic.webhooks (endpoint_create, endpoint_update), which
    refuse an address that is not http(s) or that resolves to a private or loopback address."""

    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list, help_text=_("The keys of the events it receives"))
    secret = EncryptedTextField(_("signing secret"), editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event sent to one endpoint (wic.webhooks): the envelope as sent (`payload`), its status
    and attempts. Recorded by `wic.webhooks.emit` in the transaction of the change it announces,
    sent after the commit; retried with backoff until delivered (a 2xx answer) or failed.

    What must hold: one row per endpoint and event id (a database constraint), so an event is
    delivered at most once per endpoint; a delivered row is never sent again. Rows older than
    WEBHOOK_DELIVERY_RETENTION_DAYS (30) are purged: a payload can name a guest."""

    PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
    STATUSES = [(PENDING, _("Pending")), (DELIVERED, _("Delivered")), (FAILED, _("Failed"))]

    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=60)
    event_id = models.UUIDField(_("event id"))
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint")]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["created"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
