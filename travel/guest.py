"""The guest's side of visa invitation letters (issue 24), as the pages need it: the section of the
private registration page, the request form's shape, and what the public verification page may
show. The rules (who may ask, what a request must hold, the states) are travel.letters'; this
module only reads them and shapes input and output."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from registration.enums import RegistrationStatus
from registration.models import Registration
from wic.inputs import year_or_none

from . import letters
from .enums import LetterStatus
from .models import VisaLetter

LIVE = (LetterStatus.REQUESTED, LetterStatus.APPROVED)
TYPED_CODE = re.compile(r"^[A-Z0-9]{1,32}$")


def registration_at(year, token: str) -> Registration | None:
    """The registration of a private link (/editions/<year>/registration/<token>/), with its
    edition; None when the year or the token is not one."""
    return Registration.objects.filter(token=token, edition__year=year_or_none(year) or -1).select_related("edition").first()


# -- the section of the registration page ------------------------------------------------------


@dataclass(frozen=True)
class LetterSection:
    """What the registration page shows about visa letters: whether the guest may ask
    (`eligible`), the letter to show (the live one, else the latest refused or revoked one, else
    None) and whether a new request is possible (`can_request`: eligible and nothing live)."""

    eligible: bool
    letter: VisaLetter | None
    can_request: bool


def letter_section(registration: Registration, request=None) -> LetterSection | None:
    """The GuestSection's build (contrib_pages): one query, whatever the number of letters. A
    rejected registration without any letter gets no section (it can never ask for one)."""
    rows = list(registration.visa_letters.order_by("-requested_at", "-pk"))
    live = next((row for row in rows if row.status in LIVE), None)
    letter = live or (rows[0] if rows else None)
    eligible = letters.eligible(registration)
    if letter is None and registration.status == RegistrationStatus.REJECTED:
        return None
    return LetterSection(eligible=eligible, letter=letter, can_request=eligible and live is None)


# -- the request form ------------------------------------------------------------------------


def _text(label, *, help_text="", **attrs):
    """Text the service checks (required, too_long...): the form takes it as typed."""
    return forms.CharField(label=label, required=False, strip=True, help_text=help_text, widget=forms.TextInput(attrs=attrs))


def _date(label, *, help_text="", **attrs):
    """A date the browser picks (type=date sends YYYY-MM-DD); the service parses and checks it,
    so a browser without a date picker may type it too."""
    return forms.CharField(label=label, required=False, strip=True, help_text=help_text, widget=forms.DateInput(attrs={"type": "date", **attrs}))


class LetterRequestForm(forms.Form):
    """The shape of a request (travel.letters.FIELDS); letters.clean says what is wrong with it,
    field by field. Nothing here refuses a value: a page and the API give the same sentences."""

    passport_name = _text(
        gettext_lazy("Name as in your passport"), help_text=gettext_lazy("Exactly as printed on your passport's data page."),
        maxlength=letters.LIMITS["passport_name"], autocomplete="name", spellcheck="false",
    )
    nationality = forms.CharField(label=gettext_lazy("Nationality"), required=False, widget=forms.Select)
    passport_number = _text(
        gettext_lazy("Passport number"), maxlength=30, autocomplete="off", autocapitalize="characters", spellcheck="false",
    )
    date_of_birth = _date(gettext_lazy("Date of birth"), autocomplete="bday")
    passport_expires_on = _date(
        gettext_lazy("Passport expiry date"), help_text=gettext_lazy("Your passport must remain valid after the day you leave China."),
    )
    apply_at = _text(
        gettext_lazy("Embassy or consulate where you apply"),
        help_text=gettext_lazy("For example: Consulate-General of the People's Republic of China in São Paulo"),
        maxlength=letters.LIMITS["apply_at"],
    )
    stay_from = _date(gettext_lazy("Arrival in China"))
    stay_until = _date(gettext_lazy("Departure from China"))

    def __init__(self, *args, edition=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The country names in the page's language, built per request (not at import).
        self.fields["nationality"].widget.choices = [("", _("Choose a country")), *countries]
        if edition is not None and edition.has_dates:
            self.fields["stay_from"].help_text = _("The summit runs from %(first)s to %(last)s.") % {
                "first": edition.start_date.isoformat(), "last": edition.end_date.isoformat(),
            }
        for name in letters.FIELDS:
            self.fields[name].widget.attrs.setdefault("aria-required", "true")


def form_initial(registration: Registration) -> dict:
    """What the form proposes before the guest types: their country from the registration, and
    the summit's days as the stay. Not the name: the letter needs it as the passport prints it."""
    edition = registration.edition
    initial = {"nationality": registration.country.code if registration.country else ""}
    if edition.has_dates:
        initial.update(stay_from=edition.start_date.isoformat(), stay_until=edition.end_date.isoformat())
    return initial


def request_blocked(registration: Registration) -> tuple[str, str] | None:
    """(code, sentence) when the request form has no use: the registration is not approved yet,
    or a letter is requested or approved already (the sentences the service refuses with)."""
    if not letters.eligible(registration):
        return "not_eligible", _("A visa invitation letter can be requested once your registration is approved.")
    live = letters.live_letter(registration)
    if live is not None:
        return "already_requested", _(
            "You already have a visa invitation letter (%(status)s); the secretariat can revoke it if something must change.",
        ) % {"status": live.get_status_display()}
    return None


def approved_letter(registration: Registration) -> VisaLetter | None:
    letter = letters.live_letter(registration)
    return letter if letter is not None and letter.status == LetterStatus.APPROVED else None


# -- the public verification page ---------------------------------------------------------------


def typed_code(value: str) -> str | None:
    """A code as someone typed it ("abcd-efgh jkmn"): upper case, without spaces and dashes;
    None when it cannot be a code."""
    code = re.sub(r"[\s-]", "", str(value or "")).upper()
    return code if TYPED_CODE.match(code) else None


@dataclass(frozen=True)
class Verification:
    """What the public page shows, and nothing more: the state and its sentence, and for a letter
    it found the reference, the name as in the passport, the nationality, the stay and the
    edition. No passport number, birth date, organization or address reaches the template."""

    state: str  # valid / expired / revoked / unknown
    sentence: str
    reference: str = ""
    passport_name: str = ""
    nationality: str = ""
    stay_from: object = None
    stay_until: object = None
    edition: object = None


def verification(code: str) -> Verification:
    letter, state = letters.verification(code)
    sentences = {
        "valid": _("This visa invitation letter is genuine and valid."),
        "expired": _("This visa invitation letter is genuine, but the stay it covers has ended: it is no longer valid."),
        "revoked": _("This visa invitation letter has been revoked by the secretariat: it is not valid."),
        "unknown": _("No visa invitation letter has this verification code. Check the code, or ask the secretariat."),
    }
    if letter is None:
        return Verification(state="unknown", sentence=sentences["unknown"])
    return Verification(
        state=state, sentence=sentences[state], reference=letter.reference, passport_name=letter.passport_name,
        nationality=letter.nationality.name, stay_from=letter.stay_from, stay_until=letter.stay_until, edition=letter.registration.edition,
    )
