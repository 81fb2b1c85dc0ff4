"""People in the programme (issue 22): a person across editions, and each of their appearances in
an agenda item with the role, title and affiliation printed for that appearance.

The app sits between the core and the agenda (docs/architecture.md): it imports the core only; an
appearance names its agenda item as "agenda.Session" (a lazy reference, like Edition.main_venue),
so the agenda's pages, API and exports list the people of their sessions by importing this app."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wic.i18n import BilingualMixin, TranslatedModel

from .enums import AppearanceStatus, AttendanceMode, Role


class Person(BilingualMixin, TranslatedModel):
    """One person across editions (任贤良 in 2022 and in 2024 is one record).

    Public: the names (Chinese; the original script or English only as a text gives it), country,
    bio, precedence. Private, for organizers only: email, phone, assistant. `search_text` holds the
    names with their toneless pinyin, run together and as initials ("renxianliang", "rxl"), so the
    directory's search is one `icontains` per word on the person's own row."""

    key = models.SlugField(_("key"), max_length=80, unique=True, null=True, blank=True, help_text=_("The seed's stable name for a person it loads; empty for people organizers add."))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (original script or English)"), max_length=150, blank=True)
    country = models.CharField(_("country or region"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2, where a text states it."))
    bio_zh = models.TextField(_("bio (Chinese)"), blank=True)
    bio_en = models.TextField(_("bio (English)"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/photos/", blank=True, help_text=_("A validated image the person or an organizer uploaded; pages show it resized."))
    precedence = models.PositiveIntegerField(
        _("precedence"), default=1000,
        help_text=_("Protocol rank: lower comes first within a role on every list (speakers, front-row seating)."),
    )
    email = models.EmailField(_("email (private)"), blank=True)
    phone = models.CharField(_("phone (private)"), max_length=40, blank=True)
    assistant = models.CharField(_("assistant (private)"), max_length=200, blank=True)
    sort_name = models.CharField(_("sort name"), max_length=300, blank=True, editable=False, help_text=_("The Chinese name in toneless pinyin, else the name in English: lists sort by it."))
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["precedence", "sort_name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.CheckConstraint(condition=~Q(name_zh="") | ~Q(name_en=""), name="person_has_a_name")]

    def __str__(self) -> str:
        return self.name_zh or self.name_en

    def save(self, *args, **kwargs):
        from .search import person_search_text, person_sort_name

        self.search_text = person_search_text(self.name_zh, self.name_en)
        self.sort_name = person_sort_name(self.name_zh, self.name_en)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "sort_name"}
        super().save(*args, **kwargs)


class Appearance(BilingualMixin, TranslatedModel):
    """A person's role in an agenda item, with the title and affiliation as printed for it (titles
    change between editions: 任贤良 is 世界互联网大会秘书长 in both, a minister may not be)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="appearances")
    session = models.ForeignKey("agenda.Session", verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="appearances")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title_zh = models.CharField(_("title as printed (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title as printed (English)"), max_length=300, blank=True)
    affiliation_zh = models.CharField(_("affiliation as printed (Chinese)"), max_length=300, blank=True)
    affiliation_en = models.CharField(_("affiliation as printed (English)"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AppearanceStatus.choices, default=AppearanceStatus.INVITED)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    quote_zh = models.CharField(_("words of the text"), max_length=500, blank=True)
    source = models.CharField(_("source text"), max_length=200, blank=True)
    # The speaker's side (issue 22): an invitation with a private link, the answer, what they send.
    language = models.CharField(_("language of the invitation"), max_length=10, choices=[("zh-hans", "中文"), ("en", "English")], default="zh-hans")
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    link_nonce = models.CharField(_("private link nonce"), max_length=32, blank=True, editable=False, help_text=_("Changes when a new link is sent or the link is used: an older link stops working."))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)
    attendance_mode = models.CharField(_("takes part"), max_length=10, choices=AttendanceMode.choices, blank=True)
    slides = models.FileField(_("slides (PDF)"), upload_to="people/slides/", blank=True)

    class Meta:
        ordering = ["session", "sort_order", "pk"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        constraints = [
            models.UniqueConstraint(fields=["person", "session", "role"], name="appearance_unique_role"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="appearance_known_role"),
            models.CheckConstraint(condition=Q(status__in=AppearanceStatus.values), name="appearance_known_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"
