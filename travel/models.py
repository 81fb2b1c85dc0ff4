"""Travel and stay (issue 24). This first part: visa invitation letters.

A guest asks for a letter from their private registration page; organizers with the visa
permission approve or refuse it; an approved letter is a bilingual PDF with a reference number and
a verification code, whose QR opens a public page where a consulate checks that the letter is
genuine and still valid. The passport number and date of birth are encrypted at rest
(wic.crypto.EncryptedTextField) and erased 30 days after the edition ends (`passport_erased_at`),
or by the personal-data erasure. The app sits above registration (docs/architecture.md)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from wic.crypto import EncryptedTextField

from .enums import LetterStatus


class VisaLetter(models.Model):
    """One letter request of a registration (at most one that is not refused or revoked). The
    name is as printed in the passport; `stay_from`-`stay_until` the dates of stay the letter
    states; `apply_at` the embassy or consulate where the guest applies. `reference` (printed on
    the letter) and `verify_code` (the public page's address) are set on approval."""

    registration = models.ForeignKey("registration.Registration", verbose_name=_("registration"), on_delete=models.CASCADE, related_name="visa_letters")
    passport_name = models.CharField(_("name as in the passport"), max_length=200)
    nationality = CountryField(_("nationality"))
    passport_number = EncryptedTextField(_("passport number"), blank=True)
    date_of_birth = EncryptedTextField(_("date of birth"), blank=True, help_text=_("YYYY-MM-DD"))
    passport_expires_on = models.DateField(_("passport expiry date"), null=True, blank=True)
    apply_at = models.CharField(_("embassy or consulate where you apply"), max_length=200)
    stay_from = models.DateField(_("arrival in China"))
    stay_until = models.DateField(_("departure from China"))
    status = models.CharField(_("status"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.REQUESTED)
    reference = models.CharField(_("reference"), max_length=32, blank=True)
    verify_code = models.CharField(_("verification code"), max_length=32, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for the revocation"), blank=True)
    passport_erased_at = models.DateTimeField(_("passport data erased at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")

    class Meta:
        verbose_name = _("visa invitation letter")
        verbose_name_plural = _("visa invitation letters")
        ordering = ["-requested_at", "-pk"]
        permissions = [("view_passport", _("Can see passport numbers and dates of birth"))]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(status__in=["requested", "approved"]), name="travel_one_live_letter_per_registration",
            ),
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""), name="travel_letter_reference_unique"),
            models.UniqueConstraint(fields=["verify_code"], condition=~Q(verify_code=""), name="travel_letter_verify_code_unique"),
            models.CheckConstraint(condition=Q(stay_until__gte=models.F("stay_from")), name="travel_letter_stay_in_order"),
        ]

    def __str__(self):
        return f"{self.reference or self.get_status_display()} · {self.passport_name}"
