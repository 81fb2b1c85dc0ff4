"""The applicant's form: it checks the shape of the input; the rules live in forums.services."""
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from wic.enums import OrganizationRole
from wic.i18n import pick
from wic.models import Organization

from .enums import ForumFormat, HalfDay
from .models import ForumApplication, ForumCall, InterpretationLanguage

# The review scale, each point named (issue 20: a bare 1 to 5 reads differently to each reviewer).
SCORE_LABELS = ((1, _("Poor")), (2, _("Fair")), (3, _("Good")), (4, _("Very good")), (5, _("Excellent")))
PICKER_HELP = _("Type a few letters of the name, in Chinese or English, to find it.")
NEW_ORGS_HELP = _("One per line, Chinese name first; an English name may follow after “|”.")


class OrganizationPicker(forms.SelectMultiple):
    """A multi-select of organizations whose options also carry the name in the other language
    (`data-alt`), so the searchable picker finds "Alibaba" on a Chinese page and 阿里 on an English one."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-picker": "search", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        organization = getattr(value, "instance", None)
        if organization is not None:
            other = {organization.name_zh, organization.name_en} - {str(label), ""}
            if other:
                option["attrs"]["data-alt"] = other.pop()
        return option


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
    # A plain multi-select that static/js/picker.js turns into a searchable picker (Tom Select).
    hosts = forms.ModelMultipleChoiceField(
        label=_("Host organizations"), queryset=Organization.objects.none(), required=False, help_text=PICKER_HELP,
        widget=OrganizationPicker,
    )
    new_hosts = forms.CharField(label=_("Other host organizations"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=NEW_ORGS_HELP)
    co_hosts = forms.ModelMultipleChoiceField(
        label=_("Co-host organizations"), queryset=Organization.objects.none(), required=False, help_text=PICKER_HELP,
        widget=OrganizationPicker,
    )
    new_co_hosts = forms.CharField(label=_("Other co-host organizations"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=NEW_ORGS_HELP)
    preferred_date = forms.TypedChoiceField(label=_("Preferred day"), required=False, empty_value=None, coerce=date.fromisoformat)
    preferred_half_day = forms.ChoiceField(label=_("Preferred half-day"), choices=[("", "—")] + HalfDay.choices, required=False)
    expected_attendance = forms.IntegerField(label=_("Expected attendance"), min_value=1, max_value=100000, required=False)
    interpretation_languages = forms.MultipleChoiceField(
        label=_("Simultaneous interpretation needed into"), choices=InterpretationLanguage.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Tick every language the audience needs; tick none if no interpretation is needed."),
    )
    interpretation_note = forms.CharField(
        label=_("Other interpretation needs (optional)"), max_length=300, required=False,
        help_text=_("Another language, sign language, or a remark for the interpreters' booth."),
    )
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
            # Named by its <label> (templates/forums/apply.html gives it this id) also once Tom Select
            # has pointed the label's `for` at its own search box and hidden this select.
            self.fields[name].widget.attrs["aria-labelledby"] = f"{self[name].auto_id}-label"
        days = edition.days
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
            "interpretation_languages", "interpretation_note",
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
            "interpretation_note",
        )}
        chosen = set(data.get("interpretation_languages") or [])
        fields["interpretation_languages"] = [code for code in InterpretationLanguage.values if code in chosen]
        fields["answers"] = {key[2:]: value for key, value in data.items() if key.startswith("q_") and value}
        organizations = [{"role": OrganizationRole.HOST, "organization": org} for org in data.get("hosts") or []]
        organizations += _parse_new_orgs(data.get("new_hosts") or "", OrganizationRole.HOST)
        organizations += [{"role": OrganizationRole.CO_HOST, "organization": org} for org in data.get("co_hosts") or []]
        organizations += _parse_new_orgs(data.get("new_co_hosts") or "", OrganizationRole.CO_HOST)
        return fields, organizations


def score_choices() -> list[tuple[str, str]]:
    """The scale as radio choices, each point with its number and its name: "3 · Good"."""
    return [(str(n), f"{n} · {label}") for n, label in SCORE_LABELS]


class ReviewForm(forms.Form):
    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=pick(criterion, "name"), choices=score_choices(), coerce=int, widget=forms.RadioSelect
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def scores(self) -> dict[int, tuple[int, str]]:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data.get(f"comment_{c.pk}", "")) for c in self.criteria}

    def field_pairs(self):
        return [(self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class HostInviteForm(forms.Form):
    """A sub-forum host invites a speaker to its agenda item (people.invitations.invite_person
    checks the rules; this form the shape)."""

    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100, required=False)
    name_en = forms.CharField(label=_("Name (original script or English)"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), help_text=_("The invitation and its private link go to this address; only organizers see it."))
    role = forms.ChoiceField(label=_("Role"))
    title_zh = forms.CharField(label=_("Title as printed (Chinese)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title as printed (English)"), max_length=300, required=False)
    affiliation_zh = forms.CharField(label=_("Affiliation as printed (Chinese)"), max_length=300, required=False)
    affiliation_en = forms.CharField(label=_("Affiliation as printed (English)"), max_length=300, required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=[("zh-hans", "中文"), ("en", "English")])

    def __init__(self, *args, **kwargs):
        from people.enums import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices

    def clean(self):
        data = super().clean()
        if not (data.get("name_zh") or "").strip() and not (data.get("name_en") or "").strip() and "name_zh" not in self.errors:
            self.add_error("name_zh", forms.ValidationError(_("Give the name in Chinese or in English."), code="person_has_no_name"))
        return data
