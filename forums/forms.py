"""The applicant's form: it checks the shape of the input; the rules live in forums.services."""
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from wic.enums import OrganizationRole
from wic.i18n import pick
from wic.models import Organization

from .enums import ForumFormat, HalfDay
from .models import ForumApplication, ForumCall

NEW_ORGS_HELP = _("One per line, Chinese name first; an English name may follow after “|”.")


def _parse_new_orgs(text: str, role: str) -> list[dict]:
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        zh, _sep, en = line.partition("|")
        entries.append({"role": role, "name_zh": zh.strip()[:200], "name_en": en.strip()[:200]})
    return entries


class ApplicationForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    theme_zh = forms.CharField(label=_("Theme line (Chinese)"), max_length=300, required=False)
    theme_en = forms.CharField(label=_("Theme line (English)"), max_length=300, required=False)
    board = forms.ModelChoiceField(label=_("Board"), queryset=None, required=False, empty_label="—")
    format = forms.ChoiceField(label=_("Format"), choices=[("", "—")] + ForumFormat.choices, required=False)
    hosts = forms.ModelMultipleChoiceField(label=_("Host organizations"), queryset=Organization.objects.none(), required=False)
    new_hosts = forms.CharField(label=_("Other host organizations"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=NEW_ORGS_HELP)
    co_hosts = forms.ModelMultipleChoiceField(label=_("Co-host organizations"), queryset=Organization.objects.none(), required=False)
    new_co_hosts = forms.CharField(label=_("Other co-host organizations"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=NEW_ORGS_HELP)
    preferred_date = forms.TypedChoiceField(label=_("Preferred day"), required=False, empty_value=None, coerce=date.fromisoformat)
    preferred_half_day = forms.ChoiceField(label=_("Preferred half-day"), choices=[("", "—")] + HalfDay.choices, required=False)
    expected_attendance = forms.IntegerField(label=_("Expected attendance"), min_value=1, max_value=100000, required=False)
    planned_speakers = forms.CharField(label=_("Planned speakers (names and affiliations)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    planned_outcomes = forms.CharField(label=_("Planned outcomes to release (reports, initiatives)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    rationale = forms.CharField(label=_("Why this forum (short rationale)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, call: ForumCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        edition = call.edition
        self.fields["board"].queryset = call.boards.all()
        self.fields["board"].label_from_instance = lambda board: pick(board, "name")
        organizations = Organization.objects.filter(is_demo=edition.is_demo).order_by("name_zh") if edition.is_demo else Organization.objects.order_by("name_zh")
        for name in ("hosts", "co_hosts"):
            self.fields[name].queryset = organizations
            self.fields[name].label_from_instance = lambda org: pick(org, "name")
        days = [edition.start_date + timedelta(days=n) for n in range((edition.end_date - edition.start_date).days + 1)]
        self.fields["preferred_date"].choices = [("", "—")] + [(d.isoformat(), d.isoformat()) for d in days]
        for question in call.questions.all():
            self.fields[f"q_{question.pk}"] = forms.CharField(
                label=pick(question, "text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
            )

    @classmethod
    def initial_for(cls, application: ForumApplication) -> dict:
        initial = {name: getattr(application, name) for name in (
            "title_zh", "title_en", "theme_zh", "theme_en", "board", "format", "preferred_half_day", "expected_attendance",
            "planned_speakers", "planned_outcomes", "contact_name", "contact_email", "contact_phone", "rationale",
        )}
        initial["preferred_date"] = application.preferred_date.isoformat() if application.preferred_date else ""
        links = list(application.organizations.all())
        initial["hosts"] = [l.organization_id for l in links if l.role == OrganizationRole.HOST and l.organization_id]
        initial["co_hosts"] = [l.organization_id for l in links if l.role == OrganizationRole.CO_HOST and l.organization_id]
        initial["new_hosts"] = "\n".join(
            f"{l.proposed_name_zh} | {l.proposed_name_en}".rstrip(" |") for l in links if l.role == OrganizationRole.HOST and not l.organization_id
        )
        initial["new_co_hosts"] = "\n".join(
            f"{l.proposed_name_zh} | {l.proposed_name_en}".rstrip(" |") for l in links if l.role == OrganizationRole.CO_HOST and not l.organization_id
        )
        for key, value in (application.answers or {}).items():
            initial[f"q_{key}"] = value
        return initial

    def service_arguments(self) -> tuple[dict, list[dict]]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in (
            "title_zh", "title_en", "theme_zh", "theme_en", "board", "format", "preferred_date", "preferred_half_day",
            "expected_attendance", "planned_speakers", "planned_outcomes", "contact_name", "contact_email", "contact_phone", "rationale",
        )}
        fields["answers"] = {key[2:]: value for key, value in data.items() if key.startswith("q_") and value}
        organizations = [{"role": OrganizationRole.HOST, "organization": org} for org in data.get("hosts") or []]
        organizations += _parse_new_orgs(data.get("new_hosts") or "", OrganizationRole.HOST)
        organizations += [{"role": OrganizationRole.CO_HOST, "organization": org} for org in data.get("co_hosts") or []]
        organizations += _parse_new_orgs(data.get("new_co_hosts") or "", OrganizationRole.CO_HOST)
        return fields, organizations


class ReviewForm(forms.Form):
    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=pick(criterion, "name"), choices=[(str(n), str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def scores(self) -> dict[int, tuple[int, str]]:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data.get(f"comment_{c.pk}", "")) for c in self.criteria}

    def field_pairs(self):
        return [(self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]
