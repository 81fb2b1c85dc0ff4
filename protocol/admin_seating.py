"""The protocol app's admin: seating."""
