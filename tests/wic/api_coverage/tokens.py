"""Service coverage of the tokens area (wic/tokens.py; tests/wic/test_api_coverage.py)."""

PAGE_ONLY: dict = {}

COVERED = {
    "wic.tokens.token_create": "POST /api/v1/auth/token/",
    "wic.tokens.token_revoke": "DELETE /api/v1/auth/token/, DELETE /api/v1/auth/token/<id>/",
    "wic.tokens.tokens_of": "GET /api/v1/auth/token/",
}
