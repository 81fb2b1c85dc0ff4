"""The members' and the enterprises' forms: they check the shape of the input; the rules live in awards.services."""
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField
from django_countries import countries

from wic.enums import OrganizationKind
from wic.i18n import pick
from wic.models import Organization

from .enums import Direction
from .models import AwardProgramme, Nomination


def enterprise_choices(programme: AwardProgramme, exclude_ids=()):
    """Enterprises a member may pick: for a demo programme only the demo ones, never mixed with the texts' records."""
    queryset = Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).exclude(pk__in=list(exclude_ids)).order_by("name_zh")
    return queryset.filter(is_demo=True) if programme.is_demo else queryset.filter(is_demo=False)


def enterprise_label(org: Organization) -> str:
    label = pick(org, "name")
    return label + (f" · {org.name_zh}" if label != org.name_zh else "")


def enterprise_choice_lists() -> dict[bool, list[tuple[int, str]]]:
    """Every enterprise as (id, label), split into demo and real ones: one query for a whole page."""
    lists: dict[bool, list] = {True: [], False: []}
    for org in Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).order_by("name_zh").only("pk", "name_zh", "name_en", "is_demo"):
        lists[org.is_demo].append((org.pk, enterprise_label(org)))
    return lists


def country_choices() -> list[tuple[str, str]]:
    """Every country or region, named and sorted in the active language, after a blank choice."""
    return [("", "—")] + [(code, str(name)) for code, name in countries]


class RecommendForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("An enterprise already known"), queryset=Organization.objects.none(), required=False, empty_label="—")
    name_zh = forms.CharField(label=_("Or a new enterprise: Chinese name"), max_length=200, required=False)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    # A callable: the names follow the language of each request (a list built at import time
    # would keep the language active then).
    country = LazyTypedChoiceField(label=_("Country or region"), choices=country_choices, required=False)

    def __init__(self, *args, programme: AwardProgramme, exclude_ids=(), choices: list | None = None, **kwargs):
        """`choices`, [(id, label)], spares a page with several forms one query per form."""
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["enterprise"].queryset = enterprise_choices(programme, exclude_ids)
        self.fields["enterprise"].label_from_instance = enterprise_label
        if choices is not None:
            self.fields["enterprise"].choices = [("", "—")] + [(pk, label) for pk, label in choices if pk not in set(exclude_ids)]
        for name in self.fields:
            self.fields[name].widget.attrs["id"] = f"id_{name}_{programme.pk}"

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("name_zh") or "").strip():
            raise forms.ValidationError(_("Choose an enterprise, or name a new one in Chinese."), code="required")
        if data.get("enterprise") and (data.get("name_zh") or "").strip():
            raise forms.ValidationError(_("Choose an existing enterprise or name a new one, not both."), code="invalid")
        return data


class IndividualForm(forms.Form):
    person_name = forms.CharField(label=_("Person's name"), max_length=200)
    person_affiliation = forms.CharField(label=_("Affiliation"), max_length=300, required=False)
    citation = forms.CharField(label=_("Contribution"), widget=forms.Textarea(attrs={"rows": 3}))


class ApplicationForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(label=_("Categories"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    basic_condition_statement = forms.CharField(
        label=_("How the enterprise meets the basic condition of each category entered"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )
    further_conditions = forms.ModelMultipleChoiceField(label=_("Further conditions met"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    endorses_purposes = forms.BooleanField(label=_("The enterprise endorses the purposes of the WIC international organization"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)

    def __init__(self, *args, programme: AwardProgramme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["categories"].queryset = programme.categories.filter(direction__in=[Direction.ENTERPRISE, ""]).order_by("sort_order", "id")
        self.fields["categories"].label_from_instance = lambda c: pick(c, "name") + (f" — {pick(c, 'basic_condition')}" if c.basic_condition_zh or c.basic_condition_en else "")
        if programme.max_categories:
            self.fields["categories"].help_text = _("At most %(n)s.") % {"n": programme.max_categories}
        self.fields["further_conditions"].queryset = programme.further_conditions.all()
        self.fields["further_conditions"].label_from_instance = lambda c: pick(c, "text")
        if programme.min_further_conditions:
            self.fields["further_conditions"].help_text = _("At least %(n)s.") % {"n": programme.min_further_conditions}
        if not programme.requires_endorsement:
            del self.fields["endorses_purposes"]

    @staticmethod
    def initial_for(nomination: Nomination) -> dict:
        return {
            "categories": list(nomination.categories.all()),
            "further_conditions": list(nomination.further_conditions.all()),
            "endorses_purposes": nomination.endorses_purposes,
            "basic_condition_statement": nomination.basic_condition_statement,
            "contact_name": nomination.contact_name,
            "contact_email": nomination.contact_email,
        }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "categories": list(data["categories"]),
            "further_conditions": list(data["further_conditions"]),
            "endorses_purposes": bool(data.get("endorses_purposes")),
            "basic_condition_statement": data["basic_condition_statement"],
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
        }
