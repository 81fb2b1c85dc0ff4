"""Forms check the shape of the input; every rule is expo.services'. Fields are optional here so
that the service names what is missing (`missing_field`) the same way for the site and the API."""
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

# Years 1900..9000 (wic.inputs.YEARS): a meeting at 9999-12-31 overflowed when its end was computed.
from wic.inputs import FormDateTimeField

from .enums import MEETING_MINUTES, BoothSize, ExpoField


def country_choices():
    return [("", "—")] + [(code, name) for code, name in countries]


class ApplicationForm(forms.Form):
    organization_name_zh = forms.CharField(label=_("Organization (Chinese name)"), max_length=200, required=False)
    organization_name_en = forms.CharField(label=_("Organization (English name)"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country or region"), choices=country_choices, required=False)
    fields = forms.MultipleChoiceField(label=_("Fields"), choices=ExpoField.choices, widget=forms.CheckboxSelectMultiple, required=False)
    products_zh = forms.CharField(label=_("Products to show (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    products_en = forms.CharField(label=_("Products to show (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description_zh = forms.CharField(label=_("About the organization (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description_en = forms.CharField(label=_("About the organization (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    preferred_zone = forms.ChoiceField(label=_("Preferred zone"), required=False)
    booth_size = forms.TypedChoiceField(label=_("Booth size"), choices=[("", "—")] + BoothSize.choices, coerce=int, empty_value=None, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_zone"].choices = [("", "—")] + [(str(z.pk), z.t("name")) for z in zones]
        if not zones:
            del self.fields["preferred_zone"]
        self.fields["organization_name_zh"].help_text = _("Give at least one of the two names.")

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ExhibitorEditForm(forms.Form):
    products_zh = forms.CharField(label=_("Products to show (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    products_en = forms.CharField(label=_("Products to show (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description_zh = forms.CharField(label=_("About the organization (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    description_en = forms.CharField(label=_("About the organization (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    fields = forms.MultipleChoiceField(label=_("Fields"), choices=ExpoField.choices, widget=forms.CheckboxSelectMultiple, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)


class OpeningForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    field = forms.ChoiceField(label=_("Field"), choices=[("", "—")] + ExpoField.choices, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    count = forms.IntegerField(label=_("Number of openings"), initial=1, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LaunchForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    start = FormDateTimeField(label=_("Starts (Beijing time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    end = FormDateTimeField(label=_("Ends (Beijing time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    description_zh = forms.CharField(label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MeetingForm(forms.Form):
    start = FormDateTimeField(label=_("When (Beijing time)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    minutes = forms.TypedChoiceField(label=_("Length (minutes)"), choices=[(m, m) for m in MEETING_MINUTES], coerce=int, initial=30)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class ImportForm(forms.Form):
    edition = forms.ModelChoiceField(label=_("Edition"), queryset=None)
    file = forms.FileField(label=_("CSV or XLSX file"))
    atomic_all = forms.BooleanField(label=_("All or nothing: write no row if any row has an error"), required=False)

    def __init__(self, *args, **kwargs):
        from django.utils.translation import gettext

        from wic.models import Edition
        from wic.uploads import grouped

        from .importing import MAX_BYTES, MAX_ROWS

        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.order_by("-year")
        self.fields["file"].help_text = gettext("At most %(mb)s MB and %(rows)s rows.") % {"mb": MAX_BYTES // (1024 * 1024), "rows": grouped(MAX_ROWS)}
