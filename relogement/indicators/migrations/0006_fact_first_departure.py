"""The facts' first departure of each household (matching.risk counts the departures of a window from
it). Every household is marked stale so that the next read computes the column; on SQLite the
stale-marking triggers are created again in case the column's addition rebuilt the facts table (see
0005)."""

import importlib

from django.db import migrations, models

stale_triggers = importlib.import_module("relogement.indicators.migrations.0002_stale_triggers")


def recompute_every_fact(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        stale_triggers.drop_triggers(apps, schema_editor)
        stale_triggers.create_triggers(apps, schema_editor)
    qn = schema_editor.connection.ops.quote_name
    stale = qn(apps.get_model("indicators", "StaleHousehold")._meta.db_table)
    households = qn(apps.get_model("households", "Household")._meta.db_table)
    schema_editor.execute(
        f"INSERT INTO {stale} (household_id) SELECT id FROM {households} WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0015_saved_list_filter"),
        ("indicators", "0005_restore_sqlite_triggers"),
        ("projects", "0002_building_private_owner_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="householdfact",
            name="first_departure",
            field=models.DateField(null=True),
        ),
        migrations.AddIndex(
            model_name="householdfact",
            index=models.Index(fields=["first_departure", "building"], name="fact_first_departure_idx"),
        ),
        migrations.RunPython(recompute_every_fact, migrations.RunPython.noop),
    ]
