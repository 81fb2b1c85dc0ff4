"""What the assistant part of the companion contributes (wic/contrib.py)."""

CONTRIBUTIONS: list = []
