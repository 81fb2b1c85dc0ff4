"""Issue 21: access "not stated" (the default), closed-door as a flag beside the admission rule,
sessions without a day (scope: the edition), pre-event items, and a provenance note.

Data: a session stored as `closed_door` becomes closed_door=True with access `invited_only` (a
closed-door meeting admits invited participants only, as registration's invitation-only items
read it), so its API `access` still reads "closed_door". Every other row keeps its access, "open"
included: the organizers' sessions keep what they chose, and the seeded ones, whose texts state
no rule, are set to "not_stated" by the seed, which runs on every start (./run.sh).
"""
from django.db import migrations, models


def closed_door_to_flag(apps, schema_editor):
    Session = apps.get_model("agenda", "Session")
    Session.objects.filter(access="closed_door").update(access="invited_only", closed_door=True)


def flag_to_closed_door(apps, schema_editor):
    Session = apps.get_model("agenda", "Session")
    Session.objects.filter(closed_door=True).update(access="closed_door")
    Session.objects.filter(access="not_stated").update(access="open")


class Migration(migrations.Migration):

    dependencies = [
        ('agenda', '0005_session_search_text'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='session',
            options={'ordering': [models.OrderBy(models.F('date'), nulls_last=True), 'sort_key', 'sort_order', 'id'], 'verbose_name': 'session', 'verbose_name_plural': 'sessions'},
        ),
        migrations.AddField(
            model_name='session',
            name='closed_door',
            field=models.BooleanField(default=False, verbose_name='closed-door'),
        ),
        migrations.RunPython(closed_door_to_flag, flag_to_closed_door),
        migrations.AddField(
            model_name='session',
            name='pre_event',
            field=models.BooleanField(default=False, help_text="An item before the summit's days (an announcement, a signing, a send-off).", verbose_name='before the summit'),
        ),
        migrations.AddField(
            model_name='session',
            name='source_note',
            field=models.TextField(blank=True, verbose_name='note on the source'),
        ),
        migrations.AlterField(
            model_name='session',
            name='access',
            field=models.CharField(choices=[('not_stated', 'Not stated'), ('open', 'Open'), ('by_invitation', 'By invitation card'), ('invited_only', 'Invited participants only')], default='not_stated', max_length=20, verbose_name='access'),
        ),
        migrations.AlterField(
            model_name='session',
            name='date',
            field=models.DateField(blank=True, help_text='Empty where the sources give no day within the edition.', null=True, verbose_name='date'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.CheckConstraint(condition=models.Q(('date__isnull', False), models.Q(('period', ''), ('start__isnull', True)), _connector='OR'), name='session_undated_has_no_time'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.CheckConstraint(condition=models.Q(('access', 'open'), ('closed_door', True), _negated=True), name='session_closed_door_not_open'),
        ),
    ]
