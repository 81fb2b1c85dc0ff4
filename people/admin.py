"""The organizers' admin of people and their appearances (issue 22).

An appearance shows the speaker's side: its status, when the invitation went and the answer came,
how the person takes part and their slides; "Send the invitation" (people.invitations) emails the
private link. The clash rule of services.appearance_upsert holds here too: an appearance that
becomes shown (confirmed or appeared) in an agenda item overlapping another shown appearance of the
person is refused on the agenda item's field, with a sentence naming the other item, unless the
organizer gives an "override reason", which the audit log records as the service records it."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wic.errors import DomainError
from wic.page_errors import form_add_domain_error

from . import services
from .models import Appearance, Person

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]
SPEAKER_SIDE_READONLY = ("invited_at", "responded_at", "reminded_at")


class AppearanceForm(forms.ModelForm):
    """An appearance as an organizer edits it, with the service's clash check in clean()."""

    override_reason = forms.CharField(
        label=_("Override reason"), required=False, max_length=services.MAX_OVERRIDE_REASON,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=_("Only to save a clash: why this person may be confirmed in two overlapping agenda items. The audit log records it."),
    )
    actor = None  # the organizer saving, set per request by the admin

    class Meta:
        model = Appearance
        fields = "__all__"

    def clean_slides(self):
        return _checked_upload(self, "slides")

    def _becomes_shown(self, status: str) -> bool:
        """Whether saving makes the appearance shown where it was not (new, its status changed to
        shown, or a shown appearance moved to another person or agenda item): when the service
        checks clashes."""
        if status not in services.SHOWN:
            return False
        if self.instance._state.adding or self.initial.get("status") not in services.SHOWN:
            return True
        return bool({"person", "session"} & set(self.changed_data))

    def clean(self):
        cleaned = super().clean()
        self.clash_override = None
        person = cleaned.get("person") or (self.instance.person if self.instance.person_id else None)
        session = cleaned.get("session")
        if person is None or session is None or self.errors or not self._becomes_shown(cleaned.get("status")):
            return cleaned
        candidate = Appearance(pk=self.instance.pk, person=person, session=session, role=cleaned.get("role") or "")
        try:
            services._check_clash(candidate, override_reason=(cleaned.get("override_reason") or "").strip(), actor=self.actor)
        except DomainError as error:
            form_add_domain_error(self, error)
        else:
            self.clash_override = candidate.__dict__.get("_clash_override")
        return cleaned


def _checked_upload(form, name: str):
    """A new upload of `name` ("photo", "slides") checked as the speaker's page checks it
    (people.invitations: the format read from the content, the size cap) and stored under a name
    drawn there, never the uploaded name; an unchanged field as it was."""
    from django.core.files.uploadedfile import UploadedFile

    from . import invitations

    upload = form.cleaned_data.get(name)
    if not isinstance(upload, UploadedFile):
        return upload
    check = invitations.photo_checked if name == "photo" else invitations.slides_checked
    try:
        checked, stored_name = check(upload)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from None
    checked.name = stored_name
    return checked


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = "__all__"

    def clean_photo(self):
        return _checked_upload(self, "photo")


def _audit_clash_override(form, appearance: Appearance, actor) -> None:
    """After the save: the passed clash and its reason in the audit log, as the service records it."""
    override = getattr(form, "clash_override", None)
    if override is not None:
        appearance._clash_override = override
        services._audit_override(appearance, actor)


def _with_actor(form_class, request):
    return type(form_class.__name__, (form_class,), {"actor": request.user})


class AppearanceInline(admin.TabularInline):
    model = Appearance
    form = AppearanceForm
    extra = 0
    fields = (
        "session", "role", "title_zh", "affiliation_zh", "status", "invited_at", "responded_at", "attendance_mode", "slides", "sort_order",
        "override_reason",
    )
    readonly_fields = ("invited_at", "responded_at")
    autocomplete_fields = ("session",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_actor(formset.form, request)
        return formset


class CountryFilter(admin.SimpleListFilter):
    """Countries by name, and "Not stated" for the people no text gives a country (Django's own
    filter listed that empty value as a link without text)."""

    title = _("country or region")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        from django_countries import countries

        codes = sorted(set(Person.objects.exclude(country="").values_list("country", flat=True)))
        return [(code, countries.name(code) or code) for code in codes] + [("-", _("Not stated"))]

    def queryset(self, request, queryset):
        if self.value() == "-":
            return queryset.filter(country="")
        if self.value():
            return queryset.filter(country=self.value())
        return queryset


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ("__str__", "name_en", "country", "precedence")
    list_filter = ("appearances__role", CountryFilter)
    search_fields = ("search_text", "name_zh", "name_en")
    readonly_fields = ("key", "sort_name", "source", "translation_provenance")
    fieldsets = (
        (None, {"fields": ("name_zh", "name_en", "country", "precedence")}),
        (_("Public bio"), {"fields": ("bio_zh", "bio_en", "photo")}),
        (_("Private contact (organizers only)"), {"fields": ("email", "phone", "assistant")}),
        (_("Provenance"), {"fields": ("key", "sort_name", "source", "translation_provenance")}),
    )
    inlines = [AppearanceInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Appearance:
            for inline_form in formset.forms:
                if inline_form.instance.pk and inline_form not in formset.deleted_forms:
                    _audit_clash_override(inline_form, inline_form.instance, request.user)


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    form = AppearanceForm
    list_display = ("person", "session", "role", "status", "invited_at", "responded_at", "attendance_mode")
    list_filter = ("role", "status", "attendance_mode", "session__edition")
    list_select_related = ("person", "session")
    search_fields = ("person__search_text", "session__title_zh")
    autocomplete_fields = ("person", "session")
    readonly_fields = (*SPEAKER_SIDE_READONLY, "translation_provenance")
    fieldsets = (
        (None, {"fields": ("person", "session", "role", "sort_order", "status", "override_reason")}),
        (_("As printed"), {"fields": ("title_zh", "title_en", "affiliation_zh", "affiliation_en")}),
        (_("The speaker's side"), {"fields": ("language", "invited_at", "responded_at", "reminded_at", "attendance_mode", "slides")}),
        (_("Provenance"), {"fields": ("quote_zh", "source", "translation_provenance")}),
    )
    actions = ["send_invitation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return _with_actor(super().get_form(request, obj, change=change, **kwargs), request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit_clash_override(form, obj, request.user)

    @admin.action(description=_("Send the invitation"), permissions=["change"], location=BOTH)
    def send_invitation(self, request, queryset):
        """The invitation email with the private link (people.invitations.appearance_invite), in
        the appearance's language; an older link stops working. Refusals (no email, already
        confirmed, history) are listed one by one; the others are sent."""
        from .invitations import appearance_invite

        sent = []
        for appearance in queryset.select_related("person", "session").order_by("pk"):
            try:
                appearance_invite(appearance, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{appearance}: {error.message}", messages.ERROR, extra_tags=error.code)
            else:
                sent.append(appearance)
        if sent:
            self.message_user(
                request,
                ngettext("The invitation was sent to %(names)s.", "The invitation was sent to %(count)d people: %(names)s.", len(sent))
                % {"count": len(sent), "names": ", ".join(str(a.person) for a in sent[:10])},
                messages.SUCCESS,
            )
