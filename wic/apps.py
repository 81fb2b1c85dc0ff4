from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WicConfig(AppConfig):
    name = "wic"
    verbose_name = _("Summit")

    def ready(self):
        from django.core import checks

        from .audit import register_models
        from .contrib import check_contributions
        from .crypto import check_field_key

        checks.register(check_contributions)
        checks.register(check_field_key, checks.Tags.security, deploy=True)
        register_models()
