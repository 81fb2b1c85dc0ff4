"""Each API area's service coverage: PAGE_ONLY (with the reason) and COVERED (tests/wic/test_api_coverage.py)."""
