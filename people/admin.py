from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Appearance, Person


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0
    fields = ("session", "role", "title_zh", "affiliation_zh", "status", "sort_order")
    autocomplete_fields = ("session",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name_en", "country", "precedence")
    list_filter = ("appearances__role", "country")
    search_fields = ("search_text", "name_zh", "name_en")
    readonly_fields = ("key", "sort_name", "source", "translation_provenance")
    fieldsets = (
        (None, {"fields": ("name_zh", "name_en", "country", "precedence")}),
        (_("Public bio"), {"fields": ("bio_zh", "bio_en")}),
        (_("Private contact (organizers only)"), {"fields": ("email", "phone", "assistant")}),
        (_("Provenance"), {"fields": ("key", "sort_name", "source", "translation_provenance")}),
    )
    inlines = [AppearanceInline]


@admin.register(Appearance)
class AppearanceAdmin(admin.ModelAdmin):
    list_display = ("person", "session", "role", "status")
    list_filter = ("role", "status", "session__edition")
    list_select_related = ("person", "session")
    search_fields = ("person__search_text", "session__title_zh")
    autocomplete_fields = ("person", "session")
