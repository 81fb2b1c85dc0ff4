"""PostgreSQL only: exclusion constraints backing the locked checks in expo.services.

- launches of an edition that are not cancelled never overlap on the expo stage;
- an exhibitor, and a guest, never have two accepted meetings that overlap.

Touching slots are allowed ('[)' ranges). btree_gist gives GiST the integer equality. On other
databases (SQLite on a laptop) this migration does nothing; the services' checks still hold.
"""
from django.db import migrations

CONSTRAINTS = (
    (
        "expo_launch",
        "expo_launch_no_overlap",
        "EXCLUDE USING gist (edition_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE (cancelled_at IS NULL)",
    ),
    (
        "expo_meetingrequest",
        "expo_meeting_exhibitor_not_double_booked",
        "EXCLUDE USING gist (exhibitor_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE (status = 'accepted')",
    ),
    (
        "expo_meetingrequest",
        "expo_meeting_guest_not_double_booked",
        "EXCLUDE USING gist (guest_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE (status = 'accepted')",
    ),
)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("expo", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
