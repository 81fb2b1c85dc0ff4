"""Models of this app arrive with its own issue; the foundation leaves it empty."""
