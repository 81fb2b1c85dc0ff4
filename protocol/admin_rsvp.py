"""The organizers' admin of invitation cards (issue 23).

An invitation-only item: its agenda item, deadline and whether substitutes are allowed, its cards
counted by reply and listed, and "Send invitation cards" (a page of its own: guests by reference
or email, one per line, and whole delegations). A card is read-only here: its state changes only
through protocol.invitations, by the actions send again, cancel, approve or refuse the
substitute. Cards are never deleted (a cancelled card keeps the history)."""
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from registration.models import Registration
from wic.errors import DomainError
from wic.page_errors import form_add_domain_error

from . import invitations
from .models import Delegation, InvitationCard, InvitationItem

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class InvitationItemForm(forms.ModelForm):
    """The item's rule (invitation-only agenda item, deadline before it starts) is the service's
    (invitations.item_check), shown on the field it names."""

    class Meta:
        model = InvitationItem
        fields = ["session", "rsvp_deadline", "transferable"]

    def clean(self):
        data = super().clean()
        session = data.get("session")
        if session is not None:
            try:
                invitations.item_check(session, rsvp_deadline=data.get("rsvp_deadline"))
            except DomainError as error:
                form_add_domain_error(self, error)
        return data


class CardInline(admin.TabularInline):
    """The item's cards, read-only (their state changes through the card's actions)."""

    model = InvitationCard
    fk_name = "item"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("invitee", "delegation", "status", "language", "invited_at", "responded_at", "substitute_name")
    readonly_fields = fields
    verbose_name_plural = _("invitation cards")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registration", "person", "delegation")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("invitee"))
    def invitee(self, card):
        return invitations.invitee_name(card)


@admin.register(InvitationItem)
class InvitationItemAdmin(admin.ModelAdmin):
    form = InvitationItemForm
    list_display = ("session", "session_start", "rsvp_deadline", "transferable", "invited", "accepted", "declined", "no_answer", "substitutes_awaiting")
    list_filter = ("session__edition", "transferable")
    list_select_related = ("session",)
    search_fields = ("session__title_zh", "session__title_en")
    autocomplete_fields = ("session",)
    readonly_fields = ("send_cards",)
    fields = ("session", "rsvp_deadline", "transferable", "send_cards")
    inlines = [CardInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**invitations.card_counts())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invitations.item_checkin_list(obj.session)  # the gate's list of the item

    @admin.display(description=_("starts"), ordering="session__sort_key")
    def session_start(self, item):
        return item.session.start or item.session.date

    @admin.display(description=_("invited"), ordering="invited")
    def invited(self, item):
        return item.invited

    @admin.display(description=_("accepted"), ordering="accepted")
    def accepted(self, item):
        return item.accepted

    @admin.display(description=_("declined"), ordering="declined")
    def declined(self, item):
        return item.declined

    @admin.display(description=_("no answer yet"), ordering="no_answer")
    def no_answer(self, item):
        return item.no_answer

    @admin.display(description=_("substitutes to approve"), ordering="substitutes_awaiting")
    def substitutes_awaiting(self, item):
        return item.substitutes_awaiting

    @admin.display(description=_("invitation cards"))
    def send_cards(self, item):
        if item is None or not item.pk:
            return gettext("Save the item first; then send its cards from here.")
        return format_html('<a class="button" href="{}">{}</a>', reverse("admin:protocol_invitationitem_send", args=[item.pk]), gettext("Send invitation cards"))

    def get_urls(self):
        return [path("<path:object_id>/send/", self.admin_site.admin_view(self.send_view), name="protocol_invitationitem_send")] + super().get_urls()

    def send_view(self, request, object_id):
        """Send the item's cards to guests (reference or email, one per line) and delegations
        (protocol.invitations.cards_send)."""
        item = get_object_or_404(InvitationItem.objects.select_related("session__edition"), pk=object_id)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        form = SendCardsForm(request.POST or None, item=item)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                cards = invitations.cards_send(
                    item, registrations=data["guests"], delegations=list(data["delegations"]), actor=request.user, language=data["language"] or None,
                )
            except DomainError as error:
                form_add_domain_error(form, error, aliases={"registrations": "guests"})
            else:
                sent = [c for c in cards if c.sent]
                kept = len(cards) - len(sent)
                self.message_user(
                    request,
                    ngettext("%(n)d invitation card was sent.", "%(n)d invitation cards were sent.", len(sent)) % {"n": len(sent)}
                    + (" " + ngettext("%(n)d guest already had a card.", "%(n)d guests already had a card.", kept) % {"n": kept} if kept else ""),
                    messages.SUCCESS,
                )
                return redirect("admin:protocol_invitationitem_change", item.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Send invitation cards: %(item)s") % {"item": item.session.title_zh},
            "original": item,
            "form": form,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "protocol/rsvp_admin_send.html", context)


class SendCardsForm(forms.Form):
    guests = forms.CharField(
        label=_("Guests"), required=False, widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=_("Registration references or email addresses, one per line (or separated by commas or spaces). Only approved guests of the edition."),
    )
    delegations = forms.ModelMultipleChoiceField(
        label=_("Delegations"), required=False, queryset=Delegation.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Every member of each delegation chosen, and its head."),
    )
    language = forms.ChoiceField(
        label=_("Language of the cards"), required=False,
        choices=[("", _("Each guest's own language")), ("zh-hans", "中文"), ("en", "English")],
    )

    MAX_LINES = invitations.MAX_INVITEES

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["delegations"].queryset = Delegation.objects.filter(edition_id=item.session.edition_id).order_by("precedence", "name_zh")

    def clean_guests(self):
        words = [w for w in re.split(r"[\s,;，；]+", self.cleaned_data["guests"]) if w]
        if len(words) > self.MAX_LINES:
            raise forms.ValidationError(gettext("At most %(max)d guests at once.") % {"max": self.MAX_LINES}, code="too_many")
        emails = {w.lower() for w in words if "@" in w}
        references = {w.upper() for w in words if "@" not in w}
        found = list(
            Registration.objects.filter(edition_id=self.item.session.edition_id).annotate(email_lower=Lower("email"))
            .filter(Q(reference__in=references) | Q(email_lower__in=emails))
        ) if words else []
        known = {r.reference for r in found} | {r.email.lower() for r in found}
        unknown = [w for w in words if (w.lower() if "@" in w else w.upper()) not in known]
        if unknown:
            raise forms.ValidationError(
                gettext("No registration of this edition has these references or emails: %(words)s.") % {"words": ", ".join(unknown[:20])}, code="not_found",
            )
        return sorted(found, key=lambda r: r.pk)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("guests") and not data.get("delegations"):
            raise forms.ValidationError(gettext("Give at least one guest or choose a delegation."), code="no_invitees")
        return data


@admin.register(InvitationCard)
class InvitationCardAdmin(admin.ModelAdmin):
    list_display = ("invitee", "item", "status", "delegation", "language", "invited_at", "responded_at", "reminded_at", "substitute_name")
    list_filter = ("status", "item", "item__session__edition")
    list_select_related = ("item__session", "registration", "person", "delegation")
    search_fields = ("registration__name", "registration__name_zh", "registration__email", "registration__reference", "person__name_zh", "person__name_en", "substitute_name", "substitute_email")
    fields = (
        "item", "invitee", "delegation", "status", "language", "invited_at", "responded_at", "reminded_at",
        "substitute_name", "substitute_email", "substitute_title", "replaces", "substitute_of", "decided_by", "decided_at",
    )
    readonly_fields = fields
    actions = ["resend_cards", "cancel_cards", "approve_substitutes", "refuse_substitutes"]

    def has_add_permission(self, request):
        return False  # cards are sent from their item's page ("Send invitation cards") or the API

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the gate's row and the history follow the card (and no "delete selected")

    @admin.display(description=_("invitee"), ordering="registration__name")
    def invitee(self, card):
        return invitations.invitee_name(card)

    @admin.display(description=_("substitute's card"))
    def substitute_of(self, card):
        substitute = getattr(card, "substitute_card", None)
        if substitute is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("admin:protocol_invitationcard_change", args=[substitute.pk]), invitations.invitee_name(substitute))

    def _each(self, request, queryset, call, done_message):
        done = []
        for card in queryset.select_related(*invitations.CARD_SELECT).order_by("pk"):
            try:
                call(card)
            except DomainError as error:
                self.message_user(request, f"{invitations.invitee_name(card)}: {error.message}", messages.ERROR, extra_tags=error.code)
            else:
                done.append(invitations.invitee_name(card))
        if done:
            self.message_user(request, done_message(len(done)) % {"count": len(done), "names": ", ".join(done[:10])}, messages.SUCCESS)

    @admin.action(description=_("Send the card again (reopens the reply)"), permissions=["change"], location=BOTH)
    def resend_cards(self, request, queryset):
        self._each(request, queryset, lambda card: invitations.card_resend(card, actor=request.user),
                   lambda n: ngettext("The card was sent again to %(names)s.", "The cards were sent again to %(count)d guests: %(names)s.", n))

    @admin.action(description=_("Cancel the card"), permissions=["change"], location=BOTH)
    def cancel_cards(self, request, queryset):
        self._each(request, queryset, lambda card: invitations.card_cancel(card, actor=request.user),
                   lambda n: ngettext("The card of %(names)s was cancelled.", "%(count)d cards were cancelled: %(names)s.", n))

    @admin.action(description=_("Approve the proposed substitute"), permissions=["change"], location=BOTH)
    def approve_substitutes(self, request, queryset):
        self._each(request, queryset, lambda card: invitations.substitute_decide(card, approve=True, actor=request.user),
                   lambda n: ngettext("The substitute of %(names)s was approved.", "The substitutes of %(count)d guests were approved: %(names)s.", n))

    @admin.action(description=_("Refuse the proposed substitute"), permissions=["change"], location=BOTH)
    def refuse_substitutes(self, request, queryset):
        self._each(request, queryset, lambda card: invitations.substitute_decide(card, approve=False, actor=request.user),
                   lambda n: ngettext("The substitute of %(names)s was refused; the card is open again.", "The substitutes of %(count)d guests were refused; their cards are open again: %(names)s.", n))

