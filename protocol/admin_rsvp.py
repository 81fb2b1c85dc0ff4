"""The protocol app's admin: rsvp."""
