from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import contrib
from .models import (
    ApiToken, Edition, EditionDescribedItem, EditionFigure, EditionMilestone, EditionOrganization, Member, Organization, OutgoingEmail,
    WicOrganization, WicOrganizationInitiator,
)


class EditionFigureInline(admin.TabularInline):
    model = EditionFigure
    extra = 0
    fields = ["key", "value", "qualifier", "label_zh", "label_en", "quote_zh", "source", "sort_order"]


class EditionMilestoneInline(admin.TabularInline):
    """The edition's calendar: a month-precise date is entered as the month's first day."""

    model = EditionMilestone
    extra = 0
    fields = ["key", "date", "precision", "label_zh", "label_en", "quote_zh", "source", "conflict_key", "sort_order"]


class EditionDescribedItemInline(admin.TabularInline):
    model = EditionDescribedItem
    extra = 0
    fields = ["kind", "text_zh", "text_en", "quote_zh", "source", "sort_order"]


class EditionOrganizationInline(admin.TabularInline):
    model = EditionOrganization
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "sort_order", "source"]


class ContributedInlinesMixin:
    """Inlines the apps add to this core model's page (`wic.contrib.AdminInline`), after its own."""

    def get_inlines(self, request, obj):
        label = self.model._meta.label
        added = [c.inline for c in contrib.ordered(contrib.AdminInline) if c.model == label]
        return [*super().get_inlines(request, obj), *added]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The log of every email sent: read-only; a failed one, or one queued for long, can be sent again."""

    list_display = ["created", "event", "recipients", "subject", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "event", "language"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created"
    readonly_fields = ["key", "event", "to", "language", "subject", "body_text", "body_html", "status", "attempts", "last_error", "created", "sent_at"]
    actions = ["send_again"]

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again: the failed ones, and those queued for long"), permissions=["change"])
    def send_again(self, request, queryset):
        """Failed rows, and rows still queued after OUTBOX_SWEEP_AFTER (the sweep's own rule: a
        broker that was down, a worker that died), are handed to the workers again; sent rows and
        rows queued a moment ago are left alone. A broker that is down still refuses nothing here:
        the rows stay queued for the sweep (wic.queueing)."""
        from django.contrib import messages
        from django.db.models import Q
        from django.utils.translation import ngettext

        from . import outbox, queueing
        from .tasks import deliver_email

        again = Q(status=OutgoingEmail.FAILED) | Q(status=OutgoingEmail.QUEUED, created__lt=outbox.stale_before())
        chosen = list(queryset.filter(again).values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=chosen).update(status=OutgoingEmail.QUEUED)
        for pk in chosen:
            queueing.enqueue_on_commit(deliver_email, pk)
        self.message_user(request, ngettext("%(count)d email queued again.", "%(count)d emails queued again.", len(chosen)) % {"count": len(chosen)}, messages.SUCCESS)


@admin.register(Edition)
class EditionAdmin(ContributedInlinesMixin, admin.ModelAdmin):
    list_display = ["year", "name_zh", "name_en", "ordinal", "start_date", "end_date", "main_venue", "is_demo", "is_published"]
    list_filter = ["is_demo", "is_published"]
    search_fields = ["name_zh", "name_en", "theme_zh", "theme_en", "=year"]
    list_select_related = ["main_venue"]
    ordering = ["-year"]
    inlines = [EditionOrganizationInline, EditionFigureInline, EditionMilestoneInline, EditionDescribedItemInline]


class WicOrganizationInitiatorInline(admin.TabularInline):
    model = WicOrganizationInitiator
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "sort_order", "source"]


@admin.register(WicOrganization)
class WicOrganizationAdmin(admin.ModelAdmin):
    """The WIC international organization, whose members are the WIC members (by tier)."""

    list_display = ["name_zh", "organization", "founded_on", "headquarters_zh", "source"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["members_by_tier"]
    inlines = [WicOrganizationInitiatorInline]

    @admin.display(description=_("members by tier"))
    def members_by_tier(self, obj):
        from django.db.models import Count

        from .enums import MemberTier

        counts = dict(Member.objects.values_list("tier").annotate(n=Count("id")).order_by())
        return ", ".join(f"{label}: {counts.get(value, 0)}" for value, label in MemberTier.choices)


@admin.register(EditionFigure)
class EditionFigureAdmin(admin.ModelAdmin):
    list_display = ["edition", "key", "value", "qualifier", "label_zh", "label_en", "source"]
    list_filter = ["edition", "qualifier"]
    search_fields = ["key", "label_zh", "label_en", "quote_zh"]
    list_select_related = ["edition"]


@admin.register(Organization)
class OrganizationAdmin(ContributedInlinesMixin, admin.ModelAdmin):
    """Organizations named by applications and recommendations wait here, unconfirmed, until an
    organizer confirms them (then they are public in the API); those added here are confirmed."""

    list_display = ["name_zh", "name_en", "abbreviation", "kind", "country", "is_demo", "verified_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter), "kind", "is_demo"]
    search_fields = ["name_zh", "name_en", "abbreviation"]
    readonly_fields = ["verified_at"]
    actions = ["confirm"]

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        if not change and obj.verified_at is None:
            obj.verified_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Confirm: make them public"), permissions=["change"])
    def confirm(self, request, queryset):
        from django.contrib import messages
        from django.utils.translation import ngettext

        from .services import organizations_confirm

        count = organizations_confirm(organizations=queryset)
        self.message_user(request, ngettext("%(count)d organization confirmed.", "%(count)d organizations confirmed.", count) % {"count": count}, messages.SUCCESS)


@admin.register(EditionOrganization)
class EditionOrganizationAdmin(admin.ModelAdmin):
    list_display = ["edition", "organization", "role", "source"]
    list_filter = ["role", "edition"]
    search_fields = ["organization__name_zh", "organization__name_en"]
    list_select_related = ["edition", "organization"]
    autocomplete_fields = ["organization"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tier", "organization", "person_name", "is_demo"]
    list_filter = ["tier", "is_demo"]
    search_fields = ["organization__name_zh", "organization__name_en", "person_name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["representatives"]


# --- People and their roles ----------------------------------------------------------------
# Organizers grant and remove roles (groups) in the admin; only a superuser makes an organizer,
# edits an organizer or a superuser, or touches permissions and staff status directly.
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

from . import roles  # noqa: E402

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role_list", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]
    organizer_fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roles"), {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(str(roles.ROLE_LABELS.get(g.name, g.name)) for g in obj.groups.all())

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return self.organizer_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_staff", "is_superuser", "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(name=roles.ORGANIZER).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _is_protected(self, obj) -> bool:
        return obj is not None and (obj.is_superuser or obj.groups.filter(name=roles.ORGANIZER).exists())

    def has_change_permission(self, request, obj=None):
        if not request.user.is_superuser and self._is_protected(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not request.user.is_superuser and (obj is None or self._is_protected(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, for superusers only (the model has no permissions a role could hold): who has
    one, its name, scope, named scopes and expiry, never its key (only a digest is kept). Revoking
    is deleting; tokens are made by their own user through the API, never here."""

    list_display = ["prefix", "name", "user", "scope", "named_scopes", "created", "expires_at"]
    list_filter = ["scope"]
    search_fields = ["user__username", "prefix", "name"]
    list_select_related = ["user"]
    fields = ["user", "prefix", "name", "scope", "named_scopes", "created", "expires_at"]
    readonly_fields = fields

    @admin.display(description=_("named scopes"))
    def named_scopes(self, obj):
        return ", ".join(obj.scopes) or "—"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Webhooks (issue 28, wic.webhooks) --------------------------------------------------------
from django import forms  # noqa: E402

from .models import WebhookDelivery, WebhookEndpoint  # noqa: E402


class WebhookEndpointForm(forms.ModelForm):
    """The address and the events, checked by wic.webhooks' rules (their messages on the fields)."""

    url = forms.CharField(label=_("URL"), max_length=500, help_text=_("An http:// or https:// address"))
    events = forms.MultipleChoiceField(label=_("events"), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "description", "is_active"]

    def __init__(self, *args, **kwargs):
        from . import webhooks

        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(item.key, f"{item.key}: {item.label}") for item in webhooks.events()]

    def _checked(self, check, value):
        from django.core.exceptions import ValidationError

        from .errors import DomainError

        try:
            return check(value)
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from None

    def clean_url(self):
        from . import webhooks

        return self._checked(webhooks.url_check, self.cleaned_data.get("url", ""))

    def clean_events(self):
        from . import webhooks

        return self._checked(webhooks.events_check, self.cleaned_data.get("events", []))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Partners' webhook endpoints: made and changed through wic.webhooks (its rules); the signing
    secret is shown once, in the message after the endpoint is made, and never on its page."""

    form = WebhookEndpointForm
    list_display = ["url", "description", "event_list", "is_active", "created_by", "created"]
    list_filter = ["is_active"]
    search_fields = ["url", "description"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created"]
    actions = ["ping"]

    @admin.display(description=_("events"))
    def event_list(self, obj):
        return ", ".join(obj.events)

    def save_model(self, request, obj, form, change):
        from django.contrib import messages

        from . import webhooks

        data = form.cleaned_data
        if change:
            webhooks.endpoint_update(endpoint=obj, url=data["url"], events=data["events"], is_active=data["is_active"], description=data["description"])
            return
        endpoint, secret = webhooks.endpoint_create(url=data["url"], events=data["events"], actor=request.user, description=data["description"], is_active=data["is_active"])
        obj.pk, obj.secret, obj.created, obj.created_by = endpoint.pk, secret, endpoint.created, endpoint.created_by
        obj._state.adding, obj._state.db = False, endpoint._state.db
        self.message_user(
            request, _("The endpoint's signing secret, shown this once (keep it where the receiver reads it): %(secret)s") % {"secret": secret}, messages.WARNING,
        )

    def delete_model(self, request, obj):
        from . import webhooks

        webhooks.endpoint_delete(endpoint=obj)

    @admin.action(description=_("Send a ping"), permissions=["change"])
    def ping(self, request, queryset):
        from django.contrib import messages
        from django.utils.translation import ngettext

        from . import webhooks

        endpoints = list(queryset)
        for endpoint in endpoints:
            webhooks.endpoint_ping(endpoint=endpoint)
        self.message_user(request, ngettext("%(count)d ping queued.", "%(count)d pings queued.", len(endpoints)) % {"count": len(endpoints)}, messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The log of webhook deliveries: read-only; a failed or pending one can be sent again.
    Deliveries are purged after WEBHOOK_DELIVERY_RETENTION_DAYS (30)."""

    list_display = ["created", "event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "event"]
    search_fields = ["=event_id", "event", "endpoint__url"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created"
    readonly_fields = [
        "endpoint", "event", "event_id", "status", "attempts", "next_attempt_at", "last_status_code", "last_error", "delivered_at", "created", "payload",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again: the failed and pending ones"), permissions=["change"])
    def send_again(self, request, queryset):
        """Failed and pending deliveries start a new series of attempts now (wic.webhooks.
        deliveries_send_again); delivered ones are left alone."""
        from django.contrib import messages
        from django.utils.translation import ngettext

        from . import webhooks

        count = webhooks.deliveries_send_again(deliveries=queryset)
        self.message_user(request, ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count) % {"count": count}, messages.SUCCESS)
