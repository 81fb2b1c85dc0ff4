"""The demo's meals and the demo guests' dietary needs (issue 24)."""


def seed_demo_meals(edition, *, password=None) -> None:
    pass
