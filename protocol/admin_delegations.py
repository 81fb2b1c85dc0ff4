"""The protocol app's admin: delegations."""
