"""Triggers that mark what the indicators must recompute (see indicators/models.py).

- A change to a household, its status changes, rehousings, follow-ups or proposals, or to the commune
  of its building, marks the household (``StaleHousehold``): its facts are recomputed.
- A change to the facts marks their building (``StaleBuilding``): its summary is recomputed.

Database triggers rather than Django signals, so that every way of writing counts: ``save()``,
``QuerySet.update()``, ``bulk_create`` (imports, demo data), cascades, the admin, SQL. PostgreSQL:
statement-level triggers reading the transition tables (one INSERT per statement, cheap on bulk loads);
SQLite: row-level triggers. Existing households are all marked, so that the first read builds the facts.
"""

from django.db import migrations

STALE_HOUSEHOLDS = ("indicators_stalehousehold", "household_id")
STALE_BUILDINGS = ("indicators_stalebuilding", "building_id")
# (table, column holding the id to mark, target, events)
ALL_EVENTS = ("INSERT", "UPDATE", "DELETE")
MARKS = [
    # The facts of a deleted household go with it (Django's cascade), which marks its building.
    ("households_household", "id", STALE_HOUSEHOLDS, ("INSERT", "UPDATE")),
    ("households_householdstatuschange", "household_id", STALE_HOUSEHOLDS, ALL_EVENTS),
    ("rehousing_rehousing", "household_id", STALE_HOUSEHOLDS, ALL_EVENTS),
    ("followup_followup", "household_id", STALE_HOUSEHOLDS, ALL_EVENTS),
    ("offers_proposal", "household_id", STALE_HOUSEHOLDS, ALL_EVENTS),
    ("indicators_householdfact", "building_id", STALE_BUILDINGS, ALL_EVENTS),
]
ROWS = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}

POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION indicators_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TG_ARGV: column holding the id, table to mark, column of that table.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE format('INSERT INTO %I (%I) SELECT DISTINCT %I FROM new_rows ON CONFLICT DO NOTHING',
                       TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format('INSERT INTO %I (%I) SELECT DISTINCT %I FROM old_rows ON CONFLICT DO NOTHING',
                       TG_ARGV[1], TG_ARGV[2], TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION indicators_mark_building_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {STALE_HOUSEHOLDS[0]} (household_id)
        SELECT h.id FROM households_household h
        JOIN new_rows n ON n.id = h.building_id JOIN old_rows o ON o.id = n.id
        WHERE o.commune_id IS DISTINCT FROM n.commune_id
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
"""


def _postgres_sql() -> list[str]:
    statements = [POSTGRES_FUNCTIONS]
    for table, column, (target, target_column), events in MARKS:
        for event in events:
            referencing = " ".join(
                f"{row} TABLE AS {'new_rows' if row == 'NEW' else 'old_rows'}" for row in ROWS[event]
            )
            statements.append(
                f"CREATE TRIGGER indicators_stale_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION indicators_mark_stale('{column}', '{target}', '{target_column}')"
            )
    statements.append(
        "CREATE TRIGGER indicators_stale_update AFTER UPDATE ON projects_building REFERENCING OLD TABLE AS "
        "old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicators_mark_building_stale()"
    )
    return statements


def _sqlite_mark(target: str, column: str, value: str) -> str:
    # Not "INSERT OR IGNORE": the conflict clause of the statement that fires the trigger (an upsert of
    # the facts) would override it.
    return (
        f"INSERT INTO {target} ({column}) SELECT {value} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {target} WHERE {column} = {value});"
    )


def _sqlite_sql() -> list[str]:
    statements = []
    for table, column, (target, target_column), events in MARKS:
        for event in events:
            inserts = " ".join(_sqlite_mark(target, target_column, f"{row}.{column}") for row in ROWS[event])
            statements.append(
                f"CREATE TRIGGER indicators_stale_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {inserts} END"
            )
    statements.append(
        "CREATE TRIGGER indicators_stale_projects_building_update AFTER UPDATE OF commune_id ON "
        "projects_building WHEN OLD.commune_id IS NOT NEW.commune_id BEGIN "
        f"INSERT INTO {STALE_HOUSEHOLDS[0]} (household_id) SELECT h.id FROM households_household h "
        f"WHERE h.building_id = NEW.id AND NOT EXISTS (SELECT 1 FROM {STALE_HOUSEHOLDS[0]} s "
        "WHERE s.household_id = h.id); END"
    )
    return statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgres_sql()
    elif vendor == "sqlite":
        statements = _sqlite_sql()
    else:
        raise RuntimeError(f"Base de données non prise en charge pour les indicateurs : {vendor}")
    for statement in statements:
        schema_editor.execute(statement, None)
    schema_editor.execute(
        f"INSERT INTO {STALE_HOUSEHOLDS[0]} (household_id) SELECT id FROM households_household WHERE 1 = 1 "
        "ON CONFLICT DO NOTHING",
        None,
    )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    tables = [table for table, *_ in MARKS] + ["projects_building"]
    for table in tables:
        for event in ALL_EVENTS:
            if vendor == "postgresql":
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS indicators_stale_{event.lower()} ON {table}", None
                )
            else:
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS indicators_stale_{table}_{event.lower()}", None
                )
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS indicators_mark_stale()", None)
        schema_editor.execute("DROP FUNCTION IF EXISTS indicators_mark_building_stale()", None)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_household_facts"),
        ("households", "0006_search_trigram_indexes"),
        ("rehousing", "0002_historicalrehousing_rent_reduction_note_and_more"),
        ("followup", "0001_initial"),
        ("offers", "0002_historicalproposal_compliance_note_and_more"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
