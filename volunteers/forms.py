from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Language, LanguageLevel, PostKind


class ApplicationForm(forms.Form):
    """Checks the shape of an application; volunteers.services.application_submit holds the rules."""

    name = forms.CharField(label=_("Name"), max_length=120)
    university = forms.CharField(label=_("University"), max_length=120, required=False)
    is_local = forms.BooleanField(label=_("I apply as a local volunteer (not from a university)"), required=False)
    student_number = forms.CharField(label=_("Student number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    email = forms.EmailField(label=_("Email"))
    available_days = forms.MultipleChoiceField(label=_("Days available"), widget=forms.CheckboxSelectMultiple, required=False, help_text=_("None ticked means every day."))
    preferred_post_kinds = forms.MultipleChoiceField(label=_("Preferred posts"), choices=PostKind.choices, widget=forms.CheckboxSelectMultiple, required=False)
    motivation = forms.CharField(label=_("Why do you want to volunteer?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False)

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["available_days"].choices = [(d.isoformat(), d.isoformat()) for d in days]
        level_choices = [("", "—")] + list(LanguageLevel.choices)
        for code, label in Language.choices:
            self.fields[f"lang_{code}"] = forms.ChoiceField(label=label, choices=level_choices, required=False)

    def language_fields(self):
        return [self[f"lang_{code}"] for code in Language.values]

    def plain_fields(self):
        return [self[name] for name in ("name", "university", "is_local", "student_number", "phone", "email")]

    def languages(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"lang_{code}"] for code in Language.values if self.cleaned_data.get(f"lang_{code}")}

    def data_for_service(self) -> dict:
        names = ("name", "university", "is_local", "student_number", "phone", "email", "available_days", "preferred_post_kinds", "motivation")
        return {name: self.cleaned_data[name] for name in names}


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=[("drop", _("Drop")), ("swap", _("Swap with a colleague"))])
    colleague = forms.TypedChoiceField(label=_("Colleague taking the shift (for a swap)"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = [("", "—")] + [(v.pk, v.name) for v in colleagues]
