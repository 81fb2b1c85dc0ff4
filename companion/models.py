"""The attendee's companion (issue 25): the venue's service points and plan, and the edition's
help pages the assistant answers from.

Positions are in plan coordinates: every venue's plan is 1000 × 1000 units, (0, 0) top left; the
map draws it as an SVG scaled to the screen. A hall or an expo zone is a rectangle on its venue's
plan (PlanShape); a service point is a point. The app sits above the agenda and the expo
(docs/architecture.md): it reads their halls, zones, sessions, people and exhibitors; nothing
below imports it."""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wic.i18n import BilingualMixin

from .enums import ServicePointKind

PLAN_SIZE = 1000  # plan units per side


def _on_plan(*fields) -> Q:
    condition = Q()
    for name in fields:
        condition &= Q(**{f"{name}__gte": 0, f"{name}__lte": PLAN_SIZE})
    return condition


class PlanShape(models.Model):
    """Where a hall, or an expo zone of an edition, sits on its venue's plan."""

    venue = models.ForeignKey("agenda.Venue", verbose_name=_("venue"), on_delete=models.CASCADE, related_name="plan_shapes")
    hall = models.OneToOneField("agenda.Hall", verbose_name=_("hall"), null=True, blank=True, on_delete=models.CASCADE, related_name="plan_shape")
    zone = models.OneToOneField("expo.Zone", verbose_name=_("expo zone"), null=True, blank=True, on_delete=models.CASCADE, related_name="plan_shape")
    x = models.PositiveSmallIntegerField(_("left"))
    y = models.PositiveSmallIntegerField(_("top"))
    width = models.PositiveSmallIntegerField(_("width"))
    height = models.PositiveSmallIntegerField(_("height"))

    class Meta:
        verbose_name = _("place on the plan")
        verbose_name_plural = _("places on the plan")
        ordering = ["venue", "y", "x"]
        constraints = [
            models.CheckConstraint(condition=Q(hall__isnull=False, zone__isnull=True) | Q(hall__isnull=True, zone__isnull=False), name="companion_shape_is_hall_or_zone"),
            models.CheckConstraint(
                condition=_on_plan("x", "y") & Q(width__gte=1, height__gte=1) & Q(x__lte=PLAN_SIZE - F("width"), y__lte=PLAN_SIZE - F("height")),
                name="companion_shape_on_plan",
            ),
        ]

    def __str__(self):
        return f"{self.venue} · {self.hall or self.zone}"


class ServicePoint(BilingualMixin, models.Model):
    """A service point of an edition at a venue: its kind, bilingual name, hours and where it is."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="service_points")
    venue = models.ForeignKey("agenda.Venue", verbose_name=_("venue"), on_delete=models.PROTECT, related_name="service_points")
    kind = models.CharField(_("kind"), max_length=24, choices=ServicePointKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    hours_zh = models.CharField(_("hours (Chinese)"), max_length=200, blank=True, help_text=_("Such as 每天 08:00–18:00."))
    hours_en = models.CharField(_("hours (English)"), max_length=200, blank=True, help_text=_("Such as Daily 08:00–18:00."))
    note_zh = models.TextField(_("note (Chinese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    x = models.PositiveSmallIntegerField(_("left"))
    y = models.PositiveSmallIntegerField(_("top"))

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["edition", "venue", "kind", "name_zh"]
        constraints = [models.CheckConstraint(condition=_on_plan("x", "y"), name="companion_point_on_plan")]

    def __str__(self):
        return self.name_zh


class HelpPage(BilingualMixin, models.Model):
    """A help page of an edition, written by organizers: how to get a badge, a visa letter, a
    pickup... The assistant answers "how do I..." questions from these, never from invented text."""

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="help_pages")
    key = models.SlugField(_("key"), max_length=40, help_text=_("Such as badge, visa-letter, pickup, hotel, meals, wifi."))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text=_("Other words guests may use, in both languages, separated by commas."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("help page")
        verbose_name_plural = _("help pages")
        ordering = ["edition", "key"]
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="companion_help_page_unique_key")]

    def __str__(self):
        return self.title_zh
