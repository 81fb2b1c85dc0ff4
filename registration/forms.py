from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Registration


class RegistrationForm(forms.ModelForm):
    """Checks the shape of a registration; registration.services holds the rules."""

    # Not required here: the service refuses a registration without it (`consent_required`), for
    # the API too. The page marks it required like the required fields (`marked_required`).
    consent = forms.BooleanField(label=_("I agree that the secretariat processes these data to organize my participation, as the privacy notice says."), required=False)

    class Meta:
        model = Registration
        fields = [
            "name", "name_zh", "email", "organization_name", "title", "country", "category", "participation", "languages",
            "needs_visa_letter", "needs_accommodation", "accessibility_needs", "diet", "allergies", "consent",
        ]
        # The diet as a list of radio buttons ("No special diet" first and chosen by default), in a
        # fieldset on the page (`use_fieldset`).
        widgets = {"accessibility_needs": forms.Textarea(attrs={"rows": 3}), "diet": forms.RadioSelect}
        help_texts = {"languages": _("For example: 中文, English, Español")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.marked_required = field.required
        self.fields["consent"].marked_required = True
        self.fields["consent"].widget.attrs["aria-required"] = "true"

    def validate_unique(self):
        """Uniqueness is the service's to check (with a message pointing to the existing registration)."""

    def validate_constraints(self, exclude=None):
        """Constraints are checked by the service, which names what failed."""
