"""What the assistant part of the companion contributes (wic/contrib.py): its help pages in the
audit trail (organizers write them; the assistant quotes them), and the demo's help pages."""
from wic.contrib import AuditedModel, Demo

from .assistant import demo

CONTRIBUTIONS: list = [
    AuditedModel("companion.HelpPage"),
    Demo(build=demo.seed_demo_help, after=("agenda", "expo", "people")),
]
