from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompanionConfig(AppConfig):
    name = "companion"
    verbose_name = _("Attendee companion")

    def ready(self):
        from .assistant import signals  # noqa: F401  (the assistant's index is rebuilt after an edit)
