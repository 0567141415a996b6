"""Re-create the SQLite stale-marking triggers after the private-stock migrations.

On SQLite, adding a column with a default (``Household.occupancy_status``) or making a column nullable
(``Building.landlord``) rebuilds the table, which drops its triggers: without them the indicators
would no longer see changes to households and buildings. PostgreSQL alters tables in place and keeps
its triggers: nothing to do there. Any later migration that rebuilds one of these tables on SQLite
needs the same step (``relogement.indicators.migrations`` 0002 holds the trigger definitions).
"""

import importlib

from django.db import migrations

stale_triggers = importlib.import_module("relogement.indicators.migrations.0002_stale_triggers")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    stale_triggers.drop_triggers(apps, schema_editor)
    stale_triggers.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_buildingsummary_households"),
        ("households", "0011_historicalhousehold_occupancy_status_and_more"),
        ("projects", "0002_building_private_owner_and_more"),
    ]

    operations = [migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop)]
