"""The admin of the assistant part (issue 25): the edition's help pages, which organizers write
and the assistant quotes for "how do I get a badge / a visa letter / a pickup" (never its own words).

The list: edition, key, titles in both languages, last change (Beijing time); filter by edition;
search by key, titles, keywords and text. The change page says what the assistant does with each
field. Saving a page gives the edition's assistant a new version (companion.assistant.signals),
so the next question is answered from the page as saved."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wic.display import beijing_text

from .models import HelpPage


@admin.register(HelpPage)
class HelpPageAdmin(admin.ModelAdmin):
    list_display = ("key", "title_zh", "title_en", "edition", "changed")
    list_display_links = ("key", "title_zh")
    list_filter = ("edition",)
    list_select_related = ("edition",)
    search_fields = ("key", "title_zh", "title_en", "keywords", "body_zh", "body_en")
    ordering = ("-edition__year", "key")
    fieldsets = (
        (None, {"fields": ("edition", "key")}),
        (_("Chinese"), {"fields": ("title_zh", "body_zh")}),
        (_("English"), {"fields": ("title_en", "body_en"), "description": _("Where the English is empty, English pages and answers show the Chinese.")}),
        (_("How guests ask"), {"fields": ("keywords",), "description": _(
            "The assistant finds this page by its titles, these keywords and the usual words for its key "
            "(badge, visa-letter, pickup, hotel, meals, wifi, shuttle): it answers with the page's own text and a link to it."
        )}),
    )

    @admin.display(description=_("last changed"), ordering="updated_at")
    def changed(self, page):
        return beijing_text(page.updated_at)
