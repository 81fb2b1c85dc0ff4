"""What the guest's "my trip" card and the shuttle loops contribute (wic/contrib.py). Filled in by
the shuttles work (issue 24)."""

CONTRIBUTIONS: list = []
