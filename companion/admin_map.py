"""The admin of the map part (issue 25)."""
