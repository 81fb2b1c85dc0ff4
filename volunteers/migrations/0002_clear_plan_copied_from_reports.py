"""The seed used to copy the past editions' reported volunteer figures into the plan fields (2017:
target 1240 = the 1240 accepted; 2024: target 807 and standby 100 = the 807 chosen and the 100 on
standby). A reported result is no plan: clear the copies, where they still equal the report, on the
seeded (non-demo) programmes. Plans an organizer set to other values are kept."""
from django.db import migrations
from django.db.models import F


def clear_copied_plans(apps, schema_editor):
    Programme = apps.get_model("volunteers", "Programme")
    seeded = Programme.objects.filter(is_demo=False, edition__year__in=(2017, 2024))
    seeded.filter(target_headcount=F("reported_accepted")).update(target_headcount=None)
    seeded.filter(standby_size=F("reported_standby")).update(standby_size=None)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
    ]

    operations = [migrations.RunPython(clear_copied_plans, migrations.RunPython.noop)]
