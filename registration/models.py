"""Guest registrations for an edition. Status changes only through registration.services."""
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import GuestCategory, Participation, RegistrationStatus


class Registration(models.Model):
    """A guest's registration for one edition.

    What must hold: one registration per email and edition (case-insensitive, a database
    constraint); `consent` is true; `token` is the secret of the guest's own page (linked from the
    emails), `reference` the short code the guest quotes to the secretariat.
    """

    edition = models.ForeignKey("wic.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations")
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    token = models.CharField(_("page secret"), max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    organization_name = models.CharField(_("organization"), max_length=200)
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    country = CountryField(_("country or region"))
    category = models.CharField(_("category"), max_length=30, choices=GuestCategory.choices)
    participation = models.CharField(_("participation"), max_length=20, choices=Participation.choices)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    needs_visa_letter = models.BooleanField(_("needs a visa invitation letter"), default=False)
    needs_accommodation = models.BooleanField(_("needs accommodation"), default=False)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    consent = models.BooleanField(_("consented to the privacy notice"), default=False)
    language = models.CharField(_("guest's language"), max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by"))
    notified_status = models.CharField(_("guest told of"), max_length=20, blank=True, editable=False)
    created = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(Lower("email"), "edition", name="registration_one_per_email_and_edition"),
            models.CheckConstraint(condition=models.Q(consent=True), name="registration_requires_consent"),
        ]
        indexes = [models.Index(fields=["edition", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class Credential(models.Model):
    """An approved on-site guest's credential: a random secret shown as a QR code.

    What must hold: at most one active (not revoked) credential per registration, a database
    constraint backing it. Revoking keeps the row, so the old secret scans as `revoked`.
    """

    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="credentials")
    secret = models.CharField(_("secret"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("revoked by"))

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(fields=["registration"], condition=models.Q(revoked_at__isnull=True), name="credential_one_active_per_registration"),
        ]

    def __str__(self) -> str:
        return f"{self.registration.reference} {'revoked' if self.revoked_at else 'active'}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
