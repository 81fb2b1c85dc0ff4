"""The protocol app's contributions: delegations (wic/contrib.py): the personal data protocol
holds of a person (all of the app's: memberships, headships, invitation cards and their
substitute fields, seats), and the demo of the whole protocol app."""
from wic.contrib import Demo, PersonalData

from . import demo
from .personal_data import ProtocolPersonalData

CONTRIBUTIONS: list = [
    # Before registration's handler (10) and people's (85): their deletions would take these rows uncounted.
    PersonalData(ProtocolPersonalData(), order=5),
    Demo(build=demo.seed_demo_protocol, after=("agenda", "registration", "volunteers", "people")),
]
