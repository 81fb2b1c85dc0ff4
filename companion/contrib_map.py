"""What the map part of the companion contributes (wic/contrib.py)."""

CONTRIBUTIONS: list = []
