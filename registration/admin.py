"""The organizers' admin of guest registrations. The status changes only through
registration.services (the bulk actions, also on the change page), which emails the guest."""
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wic.admin_export import ExportMixin

from . import services
from .enums import RegistrationStatus
from .models import Checkin, CheckinList, Credential, Invitation, Registration

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, admin.ModelAdmin):
    export_fields = [
        (_("reference"), "reference"), (_("name"), "name"), (_("name in Chinese"), "name_zh"), (_("email"), "email"),
        (_("organization"), "organization_name"), (_("title or position"), "title"), (_("country or region"), "country__code"),
        (_("category"), "category"), (_("participation"), "participation"), (_("languages spoken"), "languages"),
        (_("needs a visa invitation letter"), "needs_visa_letter"), (_("needs accommodation"), "needs_accommodation"),
        (_("accessibility needs"), "accessibility_needs"), (_("status"), "status"), (_("registered"), "created"),
        (_("decided"), "decided_at"), (_("dietary needs"), "diet"), (_("food allergies"), "allergies"),
    ]
    list_display = ["reference", "name", "name_zh", "organization_name", "country", "category", "participation", "status", "created"]
    list_filter = ["edition", "status", "category", "participation", "needs_visa_letter", "diet"]
    search_fields = ["name", "name_zh", "email", "organization_name", "reference"]
    list_select_related = ["edition"]
    date_hierarchy = "created"
    actions = ["approve", "waitlist", "reject", "resend_link", "reissue_credential", "invite"]
    readonly_fields = [
        "edition", "user", "reference", "status", "decided_at", "decided_by", "notified_status", "consent", "language", "created", "credential_panel",
    ]
    fieldsets = [
        (None, {"fields": ["edition", "reference", "status", "decided_at", "decided_by", "notified_status", "created"]}),
        (_("Credential and check-in history"), {"fields": ["credential_panel"]}),
        (_("Guest"), {"fields": [
            "name", "name_zh", "email", "organization_name", "title", "country", "category", "participation", "languages",
            "needs_visa_letter", "needs_accommodation", "accessibility_needs", "diet", "allergies", "consent", "language", "user",
        ]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition", "user", "decided_by")

    @admin.display(description=_("credentials and scans"))
    def credential_panel(self, obj):
        """Each credential (status, the code masked but for its last four characters, badge) and
        its scans (when in Beijing time, list, gate, result, by whom), in a fixed number of queries."""
        from django.template.loader import render_to_string

        from .enums import EXIT_RECORDED, SCAN_RESULTS
        from .selectors import credentials_with_scans

        credentials = credentials_with_scans(obj)
        for credential in credentials:
            credential.masked_secret = " ".join(["····"] * 6 + [credential.secret[-4:]])
            for scan in credential.scans:
                scan.result_label = EXIT_RECORDED if (scan.type, scan.result) == (Checkin.EXIT, "ok") else SCAN_RESULTS.get(scan.result, scan.result)
        # A rendered template (escaped, and marked safe by the template engine).
        return render_to_string("registration/admin/credential_panel.html", {"registration": obj, "credentials": credentials})

    def has_add_permission(self, request):
        return False  # guests register through the site or the API (registration_create)

    # -- decisions -------------------------------------------------------------------------------

    def _decide(self, request, queryset, status):
        registrations = list(Registration.objects.filter(pk__in=[obj.pk for obj in queryset]).order_by("pk"))
        changed, refused = services.registrations_decide(registrations=registrations, status=status, actor=request.user)
        label = RegistrationStatus(status).label
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration is now %(status)s.", "%(count)d registrations are now %(status)s.", len(changed)
                ) % {"count": len(changed), "status": label},
                messages.SUCCESS,
            )
        for registration, error in refused:
            self.message_user(
                request,
                gettext("%(reference)s (%(name)s) was not changed: %(message)s")
                % {"reference": registration.reference, "name": registration.name, "message": error.message},
                messages.ERROR,
                extra_tags=error.code,
            )

    @admin.action(description=_("Approve"), description_plural=_("Approve selected registrations"), permissions=["change"], location=BOTH)
    def approve(self, request, queryset):
        self._decide(request, queryset, RegistrationStatus.APPROVED)

    @admin.action(description=_("Waitlist"), description_plural=_("Waitlist selected registrations"), permissions=["change"], location=BOTH)
    def waitlist(self, request, queryset):
        self._decide(request, queryset, RegistrationStatus.WAITLISTED)

    @admin.action(description=_("Reject"), description_plural=_("Reject selected registrations"), permissions=["change"], location=BOTH)
    def reject(self, request, queryset):
        self._decide(request, queryset, RegistrationStatus.REJECTED)


    @admin.action(
        description=_("Send the private link again"), description_plural=_("Send the selected guests their private link again"),
        permissions=["change"], location=BOTH,
    )
    def resend_link(self, request, queryset):
        """The email with the link to the guest's page, again (through the outbox; an audit entry
        each): for a guest who lost it."""
        registrations = list(queryset.order_by("pk"))
        for registration in registrations:
            services.registration_link_resend(registration=registration, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "The private link was sent again to %(names)s.", "The private link was sent again to %(count)d guests: %(names)s.", len(registrations)
            ) % {"count": len(registrations), "names": ", ".join(f"{r.reference} ({r.name})" for r in registrations[:10])},
            messages.SUCCESS,
        )

    @admin.action(description=_("Revoke and re-issue the credential"), description_plural=_("Revoke and re-issue the selected guests' credentials"), permissions=["change"], location=BOTH)
    def reissue_credential(self, request, queryset):
        from wic.errors import DomainError

        for registration in queryset:
            try:
                services.credential_reissue(registration=registration, actor=request.user)
                self.message_user(request, gettext("%(reference)s has a new credential; the old code now scans as revoked.") % {"reference": registration.reference}, messages.SUCCESS)
            except DomainError as error:
                self.message_user(request, f"{registration.reference}: {error.message}", messages.ERROR, extra_tags=error.code)



def _invite(modeladmin, request, queryset):
    """Invite the selected guests (and, optionally, every approved guest of a category) to an
    invitation-only item of their edition: a confirmation page, then registration.services."""
    from django.shortcuts import render

    from agenda.models import Session
    from wic.errors import DomainError

    from .enums import GuestCategory

    registrations = list(queryset.select_related("edition"))
    editions = {r.edition_id for r in registrations}
    if len(editions) != 1:
        modeladmin.message_user(request, gettext("Select guests of one edition."), messages.ERROR)
        return None
    sessions = Session.objects.filter(Q(access__in=services.INVITATION_ONLY) | Q(closed_door=True), edition_id=editions.pop()).order_by("sort_key")
    if request.POST.get("apply"):
        session = sessions.filter(pk=request.POST.get("session")).first()
        if session is None:
            modeladmin.message_user(request, gettext("Choose an invitation-only item."), messages.ERROR)
            return None
        try:
            added = services.invitations_create(session=session, registrations=registrations, category=request.POST.get("category", ""))
        except DomainError as error:
            modeladmin.message_user(request, error.message, messages.ERROR, extra_tags=error.code)
            return None
        modeladmin.message_user(request, gettext("%(count)s new invitations to %(title)s.") % {"count": added, "title": session.title_zh}, messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Invite to an invitation-only item"),
        "registrations": registrations,
        "sessions": sessions,
        "categories": GuestCategory.choices,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return render(request, "admin/registration/invite.html", context)


RegistrationAdmin.invite = admin.action(description=_("Invite to an invitation-only item"), permissions=["change"])(_invite)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["registration", "issued_at", "revoked_at", "revoked_by", "badge_link"]
    list_filter = ["registration__edition", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["registration__reference", "registration__name", "secret"]
    list_select_related = ["registration", "revoked_by"]
    readonly_fields = ["registration", "secret", "issued_at", "revoked_at", "revoked_by", "badge_link"]
    actions = ["draw_badges", "revoke"]

    def has_add_permission(self, request):
        return False  # issued by approval and by the re-issue action

    @admin.display(description=_("badge (PDF)"))
    def badge_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if not obj.badge:
            return "—" if obj.revoked_at else gettext("being drawn")
        return format_html('<a href="{}">{}</a>', reverse("admin:registration_credential_badge", args=[obj.pk]), gettext("download"))

    def get_urls(self):
        from django.urls import path

        return [path("<int:pk>/badge/", self.admin_site.admin_view(self.badge_view), name="registration_credential_badge")] + super().get_urls()

    def badge_view(self, request, pk):
        from django.core.exceptions import PermissionDenied
        from django.http import FileResponse, Http404

        if not self.has_view_permission(request):
            raise PermissionDenied
        credential = Credential.objects.select_related("registration").filter(pk=pk).first()
        if credential is None or not credential.badge:
            raise Http404(gettext("This credential has no badge yet."))
        return FileResponse(credential.badge.open("rb"), content_type="application/pdf", filename=f"badge-{credential.registration.reference}.pdf")

    @admin.action(description=_("Draw the badges again (PDF)"), permissions=["change"])
    def draw_badges(self, request, queryset):
        from wic import queueing

        from .tasks import render_badge

        ids = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        for credential in Credential.objects.filter(pk__in=ids).exclude(badge=""):
            credential.badge.storage.delete(credential.badge.name)
        Credential.objects.filter(pk__in=ids).update(badge="")
        for pk in ids:
            queueing.enqueue_on_commit(render_badge, pk)  # broker down: drawn when the guest asks for it
        self.message_user(request, ngettext("%(n)d badge is being drawn.", "%(n)d badges are being drawn.", len(ids)) % {"n": len(ids)}, messages.SUCCESS)

    @admin.action(description=_("Revoke the selected credentials"), permissions=["change"])
    def revoke(self, request, queryset):
        """Each through services.credential_revoke (the old code then scans as revoked); one revoked
        already is named with its refusal."""
        from wic.errors import DomainError

        for credential in queryset.select_related("registration").order_by("pk"):
            try:
                services.credential_revoke(credential=credential, actor=request.user)
                self.message_user(request, gettext("%(reference)s's credential is revoked; its code now scans as revoked.") % {"reference": credential.registration.reference}, messages.SUCCESS)
            except DomainError as error:
                self.message_user(request, f"{credential.registration.reference}: {error.message}", messages.ERROR, extra_tags=error.code)


@admin.register(CheckinList)
class CheckinListAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "edition", "kind", "day", "session"]
    list_filter = ["edition", "kind"]
    search_fields = ["name_zh", "name_en"]
    list_select_related = ["edition", "session"]
    raw_id_fields = ["session"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["registration", "session", "created"]
    list_filter = ["session__edition"]
    search_fields = ["registration__name", "registration__reference", "session__title_zh"]
    list_select_related = ["registration", "session"]
    raw_id_fields = ["registration", "session"]


@admin.register(Checkin)
class CheckinAdmin(admin.ModelAdmin):
    list_display = ["scanned_at", "checkin_list", "result", "type", "credential", "gate", "device", "user", "reconciled_at"]
    list_filter = ["checkin_list", "result", "type"]
    search_fields = ["raw_secret", "credential__registration__name", "credential__registration__reference", "gate", "device"]
    list_select_related = ["checkin_list", "credential__registration", "user"]
    date_hierarchy = "scanned_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the scan log is written by the check-in service only
