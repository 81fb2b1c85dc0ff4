"""The protocol app's contributions: delegations (wic/contrib.py)."""
CONTRIBUTIONS: list = []
