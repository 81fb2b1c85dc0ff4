"""The permission matrix's API rows of issue 28, one module per area, so each area's endpoints are
tabled beside each other without everyone editing one list.

Each module has `ROWS` (added to the matrix's TABLE, sent with a session), `TOKEN_ROWS` (added to
TOKEN_TABLE, sent with each role's own API token) and `extend_world(world, edition)`, which adds
the area's objects and ids to the world (tests/wic/permission_world.py calls it at the end of
build_world, before the tokens are made). A module imports `row` and the cells from
tests.wic.test_permission_matrix, which imports this package after it has defined them."""
from . import agenda, expo, protocol_more, registration, tokens, travel, volunteers, webhooks

AREAS = (agenda, registration, volunteers, expo, webhooks, tokens, travel, protocol_more)
