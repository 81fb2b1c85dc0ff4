from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda")

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation receivers)
        from . import search  # noqa: F401  (keeps each session's search text current)
