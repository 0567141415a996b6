"""The number of households of each building's summary (summaries.coverage reads it instead of counting
the facts of every building of a scope). Existing summaries are marked to recompute, so that none is
read with the default 0."""

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
        migrations.RunSQL(MARK_SUMMARIES, migrations.RunSQL.noop),
    ]
