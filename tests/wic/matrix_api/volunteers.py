"""The permission matrix's rows for the volunteers API (issue 28); see tests/wic/matrix_api/__init__.py."""

# fmt: off
ROWS: list = [
    #   method path                                                          anon   org    rev    gate   lead   vol    appl   memb   exh    att
]
TOKEN_ROWS: list = []
# fmt: on


def extend_world(world, edition) -> None:
    """Adds this area's objects and ids to the matrix's world."""
