"""What the companion contributes to the core (wic/contrib.py); each part lists its own in
contrib_<part>.py: the venue map and service points (contrib_map), the assistant
(contrib_assistant)."""
from wic.contrib import OrganizerApp

from . import contrib_assistant, contrib_map

CONTRIBUTIONS = [
    OrganizerApp("companion", group="programme"),
    *contrib_map.CONTRIBUTIONS,
    *contrib_assistant.CONTRIBUTIONS,
]
