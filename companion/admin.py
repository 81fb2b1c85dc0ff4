"""The companion's admin: each part's in admin_<part>.py."""
from . import admin_assistant, admin_map  # noqa: F401
