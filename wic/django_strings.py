"""Strings of Django itself that its Chinese catalog leaves untranslated (Django 6.0). Marked here
so `makemessages` keeps them in our catalog, which Django reads first (LOCALE_PATHS)."""
from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),
    gettext_noop("“%(value)s” is not a valid binary value."),
    gettext_noop("No %s matches the given query."),
)
