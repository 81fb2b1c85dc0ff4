"""What pickup boarding contributes (wic/contrib.py)."""

CONTRIBUTIONS: list = []
