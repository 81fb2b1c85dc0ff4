"""What meals contribute (wic/contrib.py). Filled in by the meals work (issue 24)."""

CONTRIBUTIONS: list = []
