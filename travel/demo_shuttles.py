"""The demo's shuttle loops (issue 24)."""


def seed_demo_shuttles(edition, *, password=None) -> None:
    pass
