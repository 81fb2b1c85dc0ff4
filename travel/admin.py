"""The organizers' admin of visa invitation letters (issue 24).

The list: reference, name as in the passport, nationality, registration, status, the stay, when
it was requested (Beijing time); filters by status and edition; search by the name, the letter's
or the registration's reference, the guest's email (the encrypted fields cannot be searched).

A letter is read-only here: the guest gives the passport data, and the status changes only through
travel.letters, by the actions: approve (letter_decide), refuse and revoke (letter_decide,
letter_revoke), the last two through a page asking the reason the guest reads. Each letter is
decided in its own transaction: a letter the service refuses is reported by name with the
service's sentence (its code in the message's tags), the others are decided. Letters are never
deleted here (refuse or revoke; the personal-data erasure deletes them).

The passport number and date of birth are shown masked (letters.masked: the last two characters)
unless the reader holds `travel.view_passport` (superusers hold every permission)."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from wic.display import beijing_text
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error, messages_add_domain_error

from . import letters
from .models import VisaLetter

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
PASSPORT_PERMISSION = "travel.view_passport"


def may_see_passport(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PASSPORT_PERMISSION))


def letter_name(letter: VisaLetter) -> str:
    """How messages name a letter: the name as in the passport and the registration's reference."""
    return f"{letter.passport_name} ({letter.registration.reference})"


class ReasonForm(forms.Form):
    """The reason for a refusal or a revocation. Not required here: saying why is the service's rule
    (`reason_required`), shown on this field."""

    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The guest reads it in the email about the letter, in the language they asked in."),
    )


@admin.register(VisaLetter)
class VisaLetterAdmin(admin.ModelAdmin):
    list_display = ("letter", "passport_name", "nationality", "registration", "status", "stay", "requested")
    list_display_links = ("letter", "passport_name")
    list_filter = ("status", "registration__edition")
    list_select_related = ("registration",)
    search_fields = ("passport_name", "reference", "registration__reference", "registration__email")
    actions = ["approve_letters", "refuse_letters", "revoke_letters"]

    def get_fieldsets(self, request, obj=None):
        # Masked or in clear by the reader's permission: the choice is the field's name, so the
        # display methods need no request.
        shown = "clear" if may_see_passport(request.user) else "masked"
        return [
            (None, {"fields": ["registration", "status", "reference", "verify_code", "language"]}),
            (_("Passport"), {"fields": [
                "passport_name", "nationality", f"passport_number_{shown}", f"date_of_birth_{shown}", "passport_expires_on", "passport_erased_at",
            ]}),
            (_("Stay"), {"fields": ["apply_at", "stay_from", "stay_until"]}),
            (_("Decision"), {"fields": ["requested_at", "decided_at", "decided_by", "refusal_reason", "revoked_at", "revoke_reason"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    def get_queryset(self, request):
        letters_ = super().get_queryset(request).select_related("registration", "decided_by")
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == f"{self.opts.app_label}_{self.opts.model_name}_changelist":
            # The list (and its actions) never shows them: not read, not decrypted.
            letters_ = letters_.defer("passport_number", "date_of_birth")
        return letters_

    def has_add_permission(self, request):
        return False  # guests ask for their letters (travel.letters.letter_request)

    def has_delete_permission(self, request, obj=None):
        return False  # refuse or revoke instead (and no "delete selected")

    # -- columns and read-only fields ---------------------------------------------------------------

    @admin.display(description=_("reference"), ordering="reference")
    def letter(self, obj):
        return obj.reference or gettext("(no reference yet)")

    @admin.display(description=_("stay in China"), ordering="stay_from")
    def stay(self, obj):
        return f"{obj.stay_from.isoformat()} – {obj.stay_until.isoformat()}"

    @admin.display(description=_("requested (Beijing time)"), ordering="requested_at")
    def requested(self, obj):
        return beijing_text(obj.requested_at)

    @admin.display(description=_("passport number"))
    def passport_number_masked(self, obj):
        return letters.masked(obj.passport_number)

    @admin.display(description=_("date of birth"))
    def date_of_birth_masked(self, obj):
        return letters.masked(obj.date_of_birth)

    @admin.display(description=_("passport number"))
    def passport_number_clear(self, obj):
        return obj.passport_number

    @admin.display(description=_("date of birth"))
    def date_of_birth_clear(self, obj):
        return obj.date_of_birth

    # -- actions ------------------------------------------------------------------------------------

    def _each(self, request, chosen, call) -> list[str]:
        """`call` on each letter in turn (one transaction each, the service's); refusals as error
        messages naming the letter. Returns the names of the letters done."""
        done = []
        for letter in chosen:
            try:
                call(letter)
            except DomainError as error:
                messages_add_domain_error(request, error, subject=letter_name(letter))
            else:
                done.append(letter_name(letter))
        return done

    @staticmethod
    def _chosen(queryset) -> list[VisaLetter]:
        return list(queryset.select_related("registration").order_by("pk"))

    @admin.action(description=_("Approve the letter"), description_plural=_("Approve the selected letters"), permissions=["change"], location=BOTH)
    def approve_letters(self, request, queryset):
        done = self._each(request, self._chosen(queryset), lambda letter: letters.letter_decide(letter, approve=True, actor=request.user))
        if done:
            self.message_user(
                request,
                ngettext("The letter of %(names)s is approved; the guest is emailed.", "%(count)d letters are approved; the guests are emailed: %(names)s.", len(done))
                % {"count": len(done), "names": ", ".join(done[:10])},
                messages.SUCCESS,
            )

    @admin.action(description=_("Refuse the letter (with a reason)"), description_plural=_("Refuse the selected letters (with a reason)"), permissions=["change"], location=BOTH)
    def refuse_letters(self, request, queryset):
        return self._with_reason(
            request, queryset, action="refuse_letters", title=gettext("Refuse visa invitation letters"), button=gettext("Refuse the letters"),
            explanation=gettext("Only a letter awaiting a decision can be refused. Each guest is emailed that their letter was not approved, with this reason."),
            call=lambda letter, reason: letters.letter_decide(letter, approve=False, actor=request.user, reason=reason),
            done_message=lambda n: ngettext("The letter of %(names)s is refused; the guest is emailed.", "%(count)d letters are refused; the guests are emailed: %(names)s.", n),
        )

    @admin.action(description=_("Revoke the letter (with a reason)"), description_plural=_("Revoke the selected letters (with a reason)"), permissions=["change"], location=BOTH)
    def revoke_letters(self, request, queryset):
        return self._with_reason(
            request, queryset, action="revoke_letters", title=gettext("Revoke visa invitation letters"), button=gettext("Revoke the letters"),
            explanation=gettext(
                "Only an approved letter can be revoked. From now on its verification page tells a consulate that it is revoked; each guest is emailed, with this reason."
            ),
            call=lambda letter, reason: letters.letter_revoke(letter, actor=request.user, reason=reason),
            done_message=lambda n: ngettext("The letter of %(names)s is revoked; the guest is emailed.", "%(count)d letters are revoked; the guests are emailed: %(names)s.", n),
        )

    def _with_reason(self, request, queryset, *, action, title, button, explanation, call, done_message):
        """First a page asking the reason (the selected letters listed); once sent (`apply`), the
        service for each letter. A missing reason is the service's refusal (`reason_required`,
        raised before any letter changes), shown on the page's field."""
        chosen = self._chosen(queryset)
        form = ReasonForm(request.POST if request.POST.get("apply") else None)
        if form.is_bound and form.is_valid():
            try:
                done = self._each_with_reason(request, chosen, call, form.cleaned_data["reason"])
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                if done:
                    self.message_user(request, done_message(len(done)) % {"count": len(done), "names": ", ".join(done[:10])}, messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "letters": chosen,
            "form": form,
            "action": action,
            "button": button,
            "explanation": explanation,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/travel/visaletter/reason.html", context)

    def _each_with_reason(self, request, chosen, call, reason) -> list[str]:
        """As _each, but a refusal about the reason itself (the same for every letter) stops
        everything and is raised: it comes before the first letter changes."""
        done = []
        for letter in chosen:
            try:
                call(letter, reason)
            except DomainError as error:
                if error.field == "reason" and not done:
                    raise
                messages_add_domain_error(request, error, subject=letter_name(letter))
            else:
                done.append(letter_name(letter))
        return done


# The other parts' admin pages register themselves in their own modules.
from . import admin_arrivals, admin_hotels, admin_meals, admin_shuttles  # noqa: E402, F401
