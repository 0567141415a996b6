"""Name search: the folded names stored in generated columns on PostgreSQL (issue 19).

0014 indexed ``relogement_fold(name)``; the index narrows a search of three letters or more, but every
candidate row was folded again to check it, and a search of one or two letters (no trigram to look up)
folded every name of the database: 1.3 s for ``?q=ma`` at 100,000 households. Here each name gets a
``<name>_folded`` column, ``GENERATED ALWAYS AS (relogement_fold(<name>)) STORED`` (PostgreSQL computes
it on every insert and update, whatever writes the row: services, imports, anonymisation, SQL), with
the trigram index on the column instead of the expression; ``households.search.Folded`` reads it.

The models do not declare these columns (Django never writes them; SQLite has none and folds in
Python). A later migration that changes the type of one of these names on PostgreSQL must drop the
generated column first and add it again (PostgreSQL refuses to alter a column a generated column uses).
As in 0014, without ``pg_trgm`` the columns are created without index: correct, only slower.
"""

from django.db import migrations, transaction

COLUMNS = [
    ("households_household", "reference_name", "household_name_folded_trgm", "household_name_fold_trgm"),
    ("households_householdmember", "last_name", "member_last_name_folded_trgm", "member_last_name_fold_trgm"),
    ("households_householdmember", "first_name", "member_first_name_folded_trgm", "member_first_name_fold_trgm"),
]


def _has_trigrams(cursor) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
    return cursor.fetchone()[0]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        trigrams = _has_trigrams(cursor)
        for table, column, index, replaced in COLUMNS:
            cursor.execute(
                f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}_folded" text '
                f'GENERATED ALWAYS AS (relogement_fold("{column}")) STORED'
            )
            if trigrams:
                cursor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" USING gin ("{column}_folded" gin_trgm_ops)'
                )
            cursor.execute(f'DROP INDEX IF EXISTS "{replaced}"')


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        trigrams = _has_trigrams(cursor)
        for table, column, index, replaced in COLUMNS:
            cursor.execute(f'DROP INDEX IF EXISTS "{index}"')
            cursor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{column}_folded"')
            if trigrams:
                with transaction.atomic(using=connection.alias):
                    cursor.execute(
                        f'CREATE INDEX IF NOT EXISTS "{replaced}" ON "{table}" '
                        f'USING gin (relogement_fold("{column}") gin_trgm_ops)'
                    )


class Migration(migrations.Migration):
    dependencies = [("households", "0017_household_provider_index")]

    operations = [migrations.RunPython(forwards, backwards)]
