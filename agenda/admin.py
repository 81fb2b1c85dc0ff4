from django.contrib import admin, messages
from django.db.models import Count, F
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from wic.display import beijing_text

from . import webhook_events
from .models import (
    Board,
    Hall,
    Outcome,
    Session,
    SessionChangeAlert,
    SessionNotice,
    SessionOrganization,
    Venue,
)


class HallInline(admin.TabularInline):
    model = Hall
    extra = 0
    fields = ["name_zh", "name_en", "room", "sort_order"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["name_zh", "name_en"]
    inlines = [HallInline]


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "room", "venue"]
    list_filter = ["venue"]
    search_fields = ["name_zh", "name_en", "room", "venue__name_zh"]
    list_select_related = ["venue"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["edition", "number", "name_zh", "name_en", "tagline_zh"]
    list_filter = ["edition"]
    search_fields = ["name_zh", "name_en", "tagline_zh"]
    list_select_related = ["edition"]


class BoardListFilter(admin.RelatedFieldListFilter):
    """Boards are named with their edition's year; load the editions in the same query."""

    def field_choices(self, field, request, model_admin):
        boards = Board.objects.select_related("edition").order_by("-edition__year", "number", "key")
        return [(board.pk, str(board)) for board in boards]


class SessionOrganizationInline(admin.TabularInline):
    model = SessionOrganization
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "sort_order"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ["title_zh", "title_en", "kind", "source", "sort_order"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "edition", "date", "start", "end", "period", "hall", "board", "kind", "access", "closed_door", "attendance"]
    list_filter = ["edition", "kind", "access", "closed_door", "pre_event", "date", ("board", BoardListFilter)]
    search_fields = ["title_zh", "title_en", "alt_titles", "theme_zh", "theme_en", "organizations__name_zh", "organizations__name_en"]
    list_select_related = ["edition", "hall__venue", "board__edition"]
    autocomplete_fields = ["hall"]
    date_hierarchy = "date"
    inlines = [SessionOrganizationInline, OutcomeInline]
    ordering = ["-edition__year", F("date").asc(nulls_last=True), "sort_key", "sort_order"]

    def get_deleted_objects(self, objs, request):
        """A published session somebody starred is not deleted: deleting it would tell nobody
        (its stars and alerts go with it). Unpublishing it tells them (agenda.session_alerts);
        once that message is sent it may be deleted. Shown as the confirmation page's protected
        objects, for one session and for the bulk action alike."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Its alerts and notices go with it: their admin is read only, which must not forbid that.
        going_along = {str(SessionChangeAlert._meta.verbose_name), str(SessionNotice._meta.verbose_name)}
        perms_needed = {name for name in perms_needed if str(name) not in going_along}
        starred = (
            Session.objects.filter(pk__in=[o.pk for o in objs], is_published=True)
            .annotate(starrers=Count("stars")).filter(starrers__gt=0).order_by("pk")
        )
        for session in starred:
            protected.append(ngettext(
                "%(session)s: %(count)d attendee starred it. Unpublish it first so that they are told; delete it after the message has gone (at most 10 minutes later).",
                "%(session)s: %(count)d attendees starred it. Unpublish it first so that they are told; delete it after the message has gone (at most 10 minutes later).",
                session.starrers,
            ) % {"session": session, "count": session.starrers})
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        # Was it published before this save? The form has set `is_published` already.
        published_before = change and (obj.is_published != ("is_published" in form.changed_data))
        super().save_model(request, obj, form, change)
        # issue 28: integrations hear of an admin edit as of a service's (session.published / .changed)
        webhook_events.session_announce(obj, published_before=published_before)
        alert = getattr(obj, "open_change_alert", None)
        if alert is not None:  # the save changed the day, time, hall or status (agenda.session_alerts)
            self.message_user(
                request,
                gettext("Attendees who starred this session will be told of the change at %(time)s (Beijing time), together with any other change made until then.")
                % {"time": beijing_text(alert.due_at)},
                messages.INFO,
            )


@admin.register(SessionChangeAlert)
class SessionChangeAlertAdmin(admin.ModelAdmin):
    """What the starrers of a session were told, or will be (read only: agenda.session_alerts writes them)."""

    list_display = ["session", "opened_at", "changed_at", "due_at", "closed_at", "outcome", "told"]
    list_filter = ["outcome", "session__edition"]
    search_fields = ["session__title_zh", "session__title_en"]
    list_select_related = ["session__edition"]
    date_hierarchy = "opened_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False



@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "kind", "edition", "session"]
    list_filter = ["kind", "edition"]
    search_fields = ["title_zh", "title_en"]
    list_select_related = ["edition", "session"]


# Inlines on the core's pages, contributed in agenda/contrib.py.
class BoardInline(admin.TabularInline):
    """An edition's boards, on the edition's admin page."""

    model = Board
    extra = 0
    fields = ["key", "number", "name_zh", "name_en", "tagline_zh", "tagline_en", "source"]


class SessionRoleInline(admin.TabularInline):
    """An organization's roles in sessions, on the organization's admin page."""

    model = SessionOrganization
    fk_name = "organization"
    extra = 0
    fields = ["session", "role", "sort_order"]
    raw_id_fields = ["session"]
    verbose_name = _("role in a session")
    verbose_name_plural = _("roles in sessions")
