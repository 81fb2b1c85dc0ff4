"""The admin of shuttles (issue 24)."""
