"""Trigram indexes for the household list search (PostgreSQL only, skipped elsewhere).

The search is ``icontains`` (``UPPER(col) LIKE UPPER('%q%')``), which no B-tree can serve; on
PostgreSQL a GIN trigram index on the same ``UPPER(col::text)`` expression can. SQLite keeps the plain
scan (portable default). If the ``pg_trgm`` extension cannot be created (no privilege), the indexes are
skipped too: the search stays correct, only slower on large databases.
"""

from django.db import migrations, transaction

INDEXES = [
    ("households_member_last_name_trgm", "households_householdmember", "last_name"),
    ("households_member_first_name_trgm", "households_householdmember", "first_name"),
    ("households_reference_name_trgm", "households_household", "reference_name"),
    ("households_reference_trgm", "households_household", "reference"),
]


def _create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - no privilege or extension not installed: keep the plain scan
            return
        for name, table, column in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def _drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, _, _ in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("households", "0005_nextstep_open_due_idx")]

    operations = [migrations.RunPython(_create, _drop)]
