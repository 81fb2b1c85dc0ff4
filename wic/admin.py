from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agenda.models import Board

from .models import Edition, EditionFigure, EditionOrganization, Member, Organization


class EditionFigureInline(admin.TabularInline):
    model = EditionFigure
    extra = 0
    fields = ["key", "value", "qualifier", "label_zh", "label_en", "quote_zh", "source", "sort_order"]


class EditionOrganizationInline(admin.TabularInline):
    model = EditionOrganization
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "sort_order", "source"]


class BoardInline(admin.TabularInline):
    model = Board
    extra = 0
    fields = ["key", "number", "name_zh", "name_en", "tagline_zh", "tagline_en", "source"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "name_zh", "name_en", "ordinal", "start_date", "end_date", "main_venue", "is_demo", "is_published"]
    list_filter = ["is_demo", "is_published"]
    search_fields = ["name_zh", "name_en", "theme_zh", "theme_en", "=year"]
    list_select_related = ["main_venue"]
    ordering = ["-year"]
    inlines = [EditionOrganizationInline, EditionFigureInline, BoardInline]


@admin.register(EditionFigure)
class EditionFigureAdmin(admin.ModelAdmin):
    list_display = ["edition", "key", "value", "qualifier", "label_zh", "label_en", "source"]
    list_filter = ["edition", "qualifier"]
    search_fields = ["key", "label_zh", "label_en", "quote_zh"]
    list_select_related = ["edition"]


class SessionRoleInline(admin.TabularInline):
    from agenda.models import SessionOrganization

    model = SessionOrganization
    fk_name = "organization"
    extra = 0
    fields = ["session", "role", "sort_order"]
    raw_id_fields = ["session"]
    verbose_name = _("role in a session")
    verbose_name_plural = _("roles in sessions")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "abbreviation", "kind", "country", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name_zh", "name_en", "abbreviation"]
    inlines = [SessionRoleInline]


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
