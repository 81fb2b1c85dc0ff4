"""The organizers' admin of guest registrations. The status changes only through
registration.services (the bulk actions, also on the change page), which emails the guest."""
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .enums import RegistrationStatus
from .models import Registration

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["reference", "name", "name_zh", "organization_name", "country", "category", "participation", "status", "created"]
    list_filter = ["edition", "status", "category", "participation", "needs_visa_letter"]
    search_fields = ["name", "name_zh", "email", "organization_name", "reference"]
    list_select_related = ["edition"]
    date_hierarchy = "created"
    actions = ["approve", "waitlist", "reject"]
    readonly_fields = ["edition", "user", "reference", "status", "decided_at", "decided_by", "notified_status", "consent", "language", "created"]
    fieldsets = [
        (None, {"fields": ["edition", "reference", "status", "decided_at", "decided_by", "notified_status", "created"]}),
        (_("Guest"), {"fields": [
            "name", "name_zh", "email", "organization_name", "title", "country", "category", "participation", "languages",
            "needs_visa_letter", "needs_accommodation", "accessibility_needs", "consent", "language", "user",
        ]}),
    ]

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
                _t("%(reference)s (%(name)s) was not changed: %(message)s [%(code)s]")
                % {"reference": registration.reference, "name": registration.name, "message": error.message, "code": error.code},
                messages.ERROR,
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
