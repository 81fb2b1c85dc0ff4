from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WicConfig(AppConfig):
    name = "wic"
    verbose_name = _("Summit")

    def ready(self):
        from .audit import register_models

        register_models()
