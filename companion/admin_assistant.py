"""The admin of the assistant part (issue 25)."""
