"""The protocol app's contributions: seating (wic/contrib.py)."""
CONTRIBUTIONS: list = []
