"""The admin of meals (issue 24)."""
