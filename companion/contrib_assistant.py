"""What the assistant part of the companion contributes (wic/contrib.py): its help pages in the
audit trail (organizers write them; the assistant quotes them), the demo's help pages, and the
header's link to the assistant on every page, and jieba's dictionary loaded when a worker starts."""
from django.utils.translation import gettext_lazy as _

from wic.contrib import AuditedModel, Demo, NavLink, WarmUp

from .assistant import demo, parsing

CONTRIBUTIONS: list = [
    AuditedModel("companion.HelpPage"),
    Demo(build=demo.seed_demo_help, after=("agenda", "expo", "people")),
    NavLink("assistant", _("Assistant"), "companion:assistant", order=10),
    WarmUp("jieba", parsing.warm_up),
]
