"""Re-create the SQLite stale-marking triggers after the migrations that rebuild tables.

On SQLite, adding a column with a default (``Household.occupancy_status``) or making a column nullable
(``Building.landlord``), a proposal's stock kind or a rehousing's superseded fields rebuilds the
table, which drops its triggers: without them the indicators would no longer see changes to
households, buildings, proposals and rehousings. PostgreSQL alters tables in place and keeps its
triggers: nothing to do there. Any later migration that rebuilds one of the tables of
``relogement.indicators.migrations`` 0002 (which holds the trigger definitions) on SQLite must depend
on this one and repeat the step.
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
        ("indicators", "0004_datageneration"),
        ("households", "0014_name_search_trigram"),
        ("projects", "0002_building_private_owner_and_more"),
        ("offers", "0007_proposal_stock_kind"),
        ("rehousing", "0003_remove_rehousing_one_definitive_rehousing_per_household_and_more"),
    ]

    operations = [migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop)]
