"""The protocol app's contributions: rsvp (wic/contrib.py)."""
CONTRIBUTIONS: list = []
