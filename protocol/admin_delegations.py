"""The protocol app's admin: delegations with their members, and "Choose a liaison".

Saving goes through protocol.delegations (delegation_save, member_add, member_update,
member_remove): the forms check the same rules first (delegation_check, member_refusal) and show a
refusal beside its field. The delegation's page (/protocol/delegations/<id>/) shows the itinerary
and makes the head's private link."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from volunteers.enums import Language
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error

from . import delegations
from .models import Delegation, DelegationMember

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class DelegationForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages the delegation's liaison must speak."),
    )

    class Meta:
        model = Delegation
        fields = ["edition", "name_zh", "name_en", "kind", "country", "precedence", "languages", "arrives_on", "departs_on", "head", "notes"]

    def clean(self):
        data = super().clean()
        if self.errors or data.get("edition") is None:
            return data
        existing = self.instance if self.instance.pk else None
        try:
            delegations.delegation_check(
                edition=data["edition"], name_zh=data.get("name_zh", ""), kind=data.get("kind", ""), name_en=data.get("name_en", ""),
                country=str(data.get("country") or ""), precedence=data.get("precedence") if data.get("precedence") is not None else 1000,
                languages=data.get("languages") or [], arrives_on=data.get("arrives_on"), departs_on=data.get("departs_on"), head=data.get("head"),
                notes=data.get("notes", ""), delegation=existing,
            )
            head = data.get("head")
            if head is not None:
                other = DelegationMember.objects.select_related("delegation").filter(registration=head).exclude(delegation_id=getattr(existing, "pk", None)).first()
                if other is not None:
                    raise DomainError("head_not_member", _("%(name)s is a member of %(other)s, not of this delegation: remove them there first.") % {"name": head.name, "other": other.delegation.name_zh}, field="head")
        except DomainError as error:
            form_add_domain_error(self, error)
        return data


class MemberForm(forms.ModelForm):
    class Meta:
        model = DelegationMember
        fields = ["registration", "is_interpreter", "principal", "sort_order"]

    def validate_unique(self):
        """One delegation per registration is member_refusal's to say (naming the delegation),
        backed by the database; Django's generic sentence would come first otherwise."""

    def clean(self):
        data = super().clean()
        delegation = getattr(self, "delegation", None)
        registration = data.get("registration")
        if self.errors or registration is None or data.get("DELETE"):
            return data
        if delegation is None:  # a new delegation: only its other memberships can refuse the registration yet
            other = DelegationMember.objects.select_related("delegation").filter(registration=registration).first()
            if other is not None:
                form_add_domain_error(self, DomainError("already_in_delegation", _("%(name)s is already a member of %(delegation)s.") % {"name": registration.name, "delegation": other.delegation.name_zh}, field="registration"))
            return data
        member = self.instance if self.instance.pk else None
        if member is None and DelegationMember.objects.filter(delegation=delegation, registration=registration).exists():
            return data  # the head, just added by the delegation's save
        error = delegations.member_refusal(delegation, registration, is_interpreter=data.get("is_interpreter"), principal=data.get("principal"), member=member)
        if error is not None:
            form_add_domain_error(self, error)
        return data


class MemberInline(admin.TabularInline):
    model = DelegationMember
    form = MemberForm
    fk_name = "delegation"
    extra = 0
    raw_id_fields = ("registration",)
    fields = ("registration", "is_interpreter", "principal", "sort_order")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("MemberForm", (formset.form,), {"delegation": obj})
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "principal":
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = DelegationMember.objects.filter(delegation_id=object_id).select_related("registration") if object_id else DelegationMember.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    form = DelegationForm
    list_display = ("name_zh", "name_en", "edition", "kind", "precedence", "head", "liaison", "member_count", "is_demo")
    list_filter = ("edition", "kind", "is_demo")
    list_select_related = ("edition", "head", "liaison")
    search_fields = ("name_zh", "name_en")
    raw_id_fields = ("head",)
    readonly_fields = ("liaison", "page", "is_demo", "created")
    fieldsets = (
        (None, {"fields": ("edition", "name_zh", "name_en", "kind", "country", "precedence", "languages")}),
        (_("Days and head"), {"fields": ("arrives_on", "departs_on", "head")}),
        (_("Liaison"), {"fields": ("liaison", "page")}),
        (_("Notes"), {"fields": ("notes", "is_demo", "created")}),
    )
    inlines = [MemberInline]
    actions = ["choose_liaison", "release_liaison"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj):
        return getattr(obj, "_members", None)

    @admin.display(description=_("the delegation's page"))
    def page(self, obj):
        if not obj.pk:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("protocol:delegation", args=[obj.pk]), _("Itinerary, liaison and the head's private link"))

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "edition") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = delegations.delegation_save(
            edition=obj.edition, name_zh=data["name_zh"], kind=data["kind"], name_en=data.get("name_en", ""), country=str(data.get("country") or ""),
            precedence=data.get("precedence") if data.get("precedence") is not None else 1000, languages=data.get("languages") or [],
            arrives_on=data.get("arrives_on"), departs_on=data.get("departs_on"), head=data.get("head"), notes=data.get("notes", ""),
            actor=request.user, delegation=obj if change else None,
        )
        obj.pk = saved.pk
        obj.head_id = saved.head_id
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is not DelegationMember:
            return super().save_formset(request, form, formset, change)
        delegation = form.instance
        for inline in formset.deleted_forms:
            if inline.instance.pk:
                delegations.member_remove(inline.instance, actor=request.user)
        for inline in formset.forms:
            if inline in formset.deleted_forms or not inline.has_changed() or not inline.cleaned_data:
                continue
            data = inline.cleaned_data
            if inline.instance.pk:
                delegations.member_update(inline.instance, is_interpreter=data.get("is_interpreter"), principal=data.get("principal"), sort_order=data.get("sort_order"), actor=request.user)
            elif not DelegationMember.objects.filter(delegation=delegation, registration=data["registration"]).exists():
                delegations.member_add(delegation, data["registration"], is_interpreter=data.get("is_interpreter"), principal=data.get("principal"), actor=request.user, sort_order=data.get("sort_order") or None)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description=_("Choose a liaison"), permissions=["change"], location=BOTH)
    def choose_liaison(self, request, queryset):
        """protocol.delegations.liaison_assign for each delegation without a liaison; refusals
        (nobody fits, and why) are listed one by one."""
        chosen = []
        for delegation in queryset.order_by("precedence", "pk"):
            try:
                volunteer = delegations.liaison_assign(delegation, actor=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR, extra_tags=error.code)
            else:
                chosen.append(f"{delegation.name_zh}: {volunteer.name}")
        if chosen:
            self.message_user(request, ngettext("Liaison chosen: %(list)s.", "Liaisons chosen: %(list)s.", len(chosen)) % {"list": "; ".join(chosen)}, messages.SUCCESS)

    @admin.action(description=_("Release the liaison"), permissions=["change"], location=BOTH)
    def release_liaison(self, request, queryset):
        released = 0
        for delegation in queryset.filter(liaison__isnull=False).order_by("pk"):
            try:
                delegations.liaison_release(delegation, actor=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR, extra_tags=error.code)
            else:
                released += 1
        if released:
            self.message_user(request, ngettext("%(count)d liaison released.", "%(count)d liaisons released.", released) % {"count": released}, messages.SUCCESS)
