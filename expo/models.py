"""The "Light of Internet" Expo (互联网之光博览会): each edition's expo, its zones and activity
sections, exhibitors and their booths, launches on the expo stage, talent openings and
matchmaking meetings.

Writes go through `expo.services`; the rules that count (one exhibitor per booth, launches that
do not overlap, meetings that do not double-book anyone) are locked there and backed here by
database constraints (and, on PostgreSQL, exclusion constraints added by migration 0002).
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from wic.i18n import BilingualMixin

from .enums import BoothSize, ExhibitKind, ExhibitorStatus, ExpoField, MeetingStatus, ZoneKind


class Expo(BilingualMixin, models.Model):
    """An edition's expo as the texts describe it: its name, the day it opened, how it was shown
    online. The reported counts are the edition's figures (`exhibitors`, `exhibitor_countries`)."""

    edition = models.OneToOneField("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="expo")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, default="“互联网之光”博览会")
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    opens_on = models.DateField(_("opening day"), null=True, blank=True)
    online_zh = models.CharField(_("shown online (Chinese)"), max_length=300, blank=True)
    online_en = models.CharField(_("shown online (English)"), max_length=300, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["-edition__year"]
        verbose_name = _("expo")
        verbose_name_plural = _("expos")

    def __str__(self) -> str:
        return f"{self.edition.year} {self.name_zh}"


class Zone(BilingualMixin, models.Model):
    """A zone of an edition's expo (2020: 发展理念区, 主题展区; 2024: 特色展区 such as “看世界 智科技”)."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="expo_zones")
    key = models.SlugField(_("key"), max_length=60)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ZoneKind.choices, default=ZoneKind.OTHER)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["edition", "sort_order", "key"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="expo_zone_unique_key_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.name_zh}"


class Section(BilingualMixin, models.Model):
    """An activity section (活动板块) of an edition's expo: 2024 had five (展览展示, 新产品新技术发布,
    产业人才引智, 产业合作对接, “新光”系列推介)."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="expo_sections")
    key = models.SlugField(_("key"), max_length=60)
    number = models.PositiveSmallIntegerField(_("number"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["edition", "number", "key"]
        verbose_name = _("activity section")
        verbose_name_plural = _("activity sections")
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="expo_section_unique_key_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.name_zh}"


class Exhibitor(BilingualMixin, models.Model):
    """An organization's application to exhibit at an edition's expo, and once approved its entry
    in the directory.

    What must hold: one entry per organization and edition (a database constraint); `status`
    changes only through `expo.services.exhibitor_decide`; only `representatives` (and organizers)
    edit the entry. Seeded exhibitors keep `country` empty where the text does not state it.
    """

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="exhibitors")
    organization = models.ForeignKey("wic.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="exhibitions")
    country = CountryField(_("country or region"), blank=True)
    products_zh = models.TextField(_("products to show (Chinese)"), blank=True)
    products_en = models.TextField(_("products to show (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    preferred_zone = models.ForeignKey(Zone, verbose_name=_("preferred zone"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    booth_size = models.PositiveSmallIntegerField(_("booth size asked for"), choices=BoothSize.choices, null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ExhibitorStatus.choices, default=ExhibitorStatus.PENDING)
    representatives = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("representatives"), blank=True, related_name="exhibitors")
    language = models.CharField(_("applicant's language"), max_length=10, default="zh-hans")
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notified_status = models.CharField(_("applicant told of"), max_length=20, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    quote_zh = models.CharField(_("words of the text"), max_length=300, blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    created = models.DateTimeField(_("applied"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["organization__name_zh", "id"]
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        constraints = [models.UniqueConstraint(fields=["edition", "organization"], name="exhibitor_one_per_organization_and_edition")]
        indexes = [models.Index(fields=["edition", "status"]), models.Index(fields=["edition", "country"])]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.organization.name_zh}"

    @property
    def name(self) -> str:
        return self.organization.t("name")

    @property
    def field_codes(self) -> list[str]:
        return [link.field for link in self.field_links.all()]

    @property
    def field_labels(self) -> list[str]:
        return [ExpoField(code).label for code in self.field_codes if code in ExpoField.values]


class ExhibitorField(models.Model):
    """One field of the controlled list (`ExpoField`) an exhibitor shows."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="field_links")
    field = models.CharField(_("field"), max_length=30, choices=ExpoField.choices)

    class Meta:
        ordering = ["exhibitor", "field"]
        verbose_name = _("exhibitor field")
        verbose_name_plural = _("exhibitor fields")
        constraints = [models.UniqueConstraint(fields=["exhibitor", "field"], name="exhibitor_field_once")]
        indexes = [models.Index(fields=["field", "exhibitor"])]

    def __str__(self) -> str:
        return self.get_field_display()


class Exhibit(BilingualMixin, models.Model):
    """A product or project a text names, in its words, with its exhibitor where the text names one.

    `kind` says what it is: shown at the expo, or a smart-service project of the venue (2017:
    科大讯飞晓译翻译机, 阿里无人超市, 中电科技智慧路灯杆..., which 002 files under 会务服务, not the expo);
    a smart-service project has no exhibitor (its maker, where named, stays in the name)."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="expo_exhibits")
    exhibitor = models.ForeignKey(Exhibitor, verbose_name=_("exhibitor"), null=True, blank=True, on_delete=models.SET_NULL, related_name="exhibits")
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("what it is"), max_length=20, choices=ExhibitKind.choices, default=ExhibitKind.EXHIBIT)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    quote_zh = models.CharField(_("words of the text"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source text"), max_length=200, blank=True)

    class Meta:
        ordering = ["edition", "sort_order", "id"]
        verbose_name = _("exhibit")
        verbose_name_plural = _("exhibits")
        constraints = [models.UniqueConstraint(fields=["edition", "name_zh"], name="exhibit_unique_name_per_edition")]

    def __str__(self) -> str:
        return self.name_zh


class Booth(models.Model):
    """A booth of an edition's expo: a code unique in the edition, a zone, an area in m²."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="expo_booths")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="booths")
    code = models.CharField(_("code"), max_length=20)
    area = models.DecimalField(_("area (m²)"), max_digits=7, decimal_places=1)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "zone__sort_order", "sort_order", "code"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="booth_unique_code_per_edition"),
            models.CheckConstraint(condition=Q(area__gt=0), name="booth_area_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class BoothAllotment(models.Model):
    """A booth given to an approved exhibitor. Releasing keeps the row (`released_at`).

    What must hold: at most one current (unreleased) allotment per booth, a partial unique
    constraint backing the locked check in `expo.services.booth_allot`.
    """

    booth = models.ForeignKey(Booth, verbose_name=_("booth"), on_delete=models.CASCADE, related_name="allotments")
    exhibitor = models.ForeignKey(Exhibitor, verbose_name=_("exhibitor"), on_delete=models.CASCADE, related_name="allotments")
    allotted_at = models.DateTimeField(_("allotted"), auto_now_add=True)
    allotted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("allotted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        ordering = ["booth", "-allotted_at"]
        verbose_name = _("booth allotment")
        verbose_name_plural = _("booth allotments")
        constraints = [
            models.UniqueConstraint(fields=["booth"], condition=Q(released_at__isnull=True), name="booth_one_current_exhibitor"),
        ]

    def __str__(self) -> str:
        return f"{self.booth.code} → {self.exhibitor.organization.name_zh}"


class Launch(BilingualMixin, models.Model):
    """A new product or technology presented on the expo stage in a time slot.

    What must hold: `end` after `start`; the slots of an edition's launches that are not cancelled
    never overlap (touching is fine): a locked check in `expo.services.launch_schedule`, backed on
    PostgreSQL by an exclusion constraint. Each launch is shown on the agenda as a launch item
    (`session`, kind `launch`).
    """

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="expo_launches")
    exhibitor = models.ForeignKey(Exhibitor, verbose_name=_("exhibitor"), null=True, blank=True, on_delete=models.CASCADE, related_name="launches")
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    session = models.OneToOneField("agenda.Session", verbose_name=_("agenda item"), null=True, blank=True, on_delete=models.SET_NULL, related_name="expo_launch")
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("launch")
        verbose_name_plural = _("launches")
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="launch_ends_after_start")]
        indexes = [models.Index(fields=["edition", "start"])]

    def __str__(self) -> str:
        return self.title_zh


class TalentListing(BilingualMixin, models.Model):
    """An opening an exhibitor posts on the public recruitment list (as 2020's 人才招聘需求目录)."""

    exhibitor = models.ForeignKey(Exhibitor, verbose_name=_("exhibitor"), on_delete=models.CASCADE, related_name="openings")
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=30, choices=ExpoField.choices)
    city = models.CharField(_("city"), max_length=100)
    count = models.PositiveSmallIntegerField(_("openings"), default=1)
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="opening_count_at_least_one")]

    def __str__(self) -> str:
        return self.title_zh


class MeetingRequest(models.Model):
    """A signed-in guest asks an exhibitor for a meeting at a time; the exhibitor accepts or declines.

    What must hold: `end` after `start`; neither the exhibitor nor the guest has two accepted
    meetings that overlap: a locked check in `expo.services`, backed on PostgreSQL by exclusion
    constraints.
    """

    exhibitor = models.ForeignKey(Exhibitor, verbose_name=_("exhibitor"), on_delete=models.CASCADE, related_name="meeting_requests")
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("guest"), on_delete=models.CASCADE, related_name="expo_meeting_requests")
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PENDING)
    language = models.CharField(_("guest's language"), max_length=10, default="zh-hans")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notified_status = models.CharField(_("guest told of"), max_length=20, blank=True, editable=False)
    created = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="meeting_ends_after_start")]
        indexes = [models.Index(fields=["exhibitor", "status", "start"]), models.Index(fields=["guest", "status", "start"])]

    def __str__(self) -> str:
        return f"{self.guest} → {self.exhibitor.organization.name_zh} {self.start:%Y-%m-%d %H:%M}"
