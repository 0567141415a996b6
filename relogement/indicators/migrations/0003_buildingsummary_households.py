"""Each building's summary also holds its number of households (a scope holding that many holds the
whole building: scope.pinned) and its proposals' answers and refusal reasons. Existing summaries are
marked to recompute, so that none is read with the defaults."""

from django.db import migrations, models

MARK_SUMMARIES = (
    "INSERT INTO indicators_stalebuilding (building_id) "
    "SELECT building_id FROM indicators_buildingsummary WHERE 1 = 1 ON CONFLICT DO NOTHING"
)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_stale_triggers")]

    operations = [
        migrations.AddField(
            model_name="buildingsummary",
            name="households",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="buildingsummary",
            name="proposals",
            field=models.JSONField(default=list),
        ),
        migrations.RunSQL(MARK_SUMMARIES, migrations.RunSQL.noop),
    ]
