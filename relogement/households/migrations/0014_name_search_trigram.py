"""Name search (issue 19): accents and case aside, answered from trigram indexes on PostgreSQL.

The search compares ``relogement_fold(name)`` with the folded term (households.search). On PostgreSQL
this migration creates that function, immutable so that an index can use it: ``lower(unaccent(text))``
with the ``unaccent`` extension (itself only stable), and GIN trigram indexes (``pg_trgm``,
``gin_trgm_ops``) on the folded names of households and members, which replace the ``UPPER(name)``
indexes of 0006 (no query uses those any more; ``UPPER(reference)`` stays). As in 0006, an extension
that cannot be created (no privilege) leaves the search correct, only slower: without ``unaccent`` the
function is ``lower(text)`` (accents then count), without ``pg_trgm`` there is no index.

SQLite: nothing to create (the function is registered on each connection, households.search); every
step here does nothing there, so SQLite still migrates.
"""

from django.db import migrations, transaction

FOLD_UNACCENT = """
CREATE OR REPLACE FUNCTION relogement_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
-- Qualified: an index expression is evaluated with an empty search_path when a dump is restored.
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""
FOLD_LOWER = """
CREATE OR REPLACE FUNCTION relogement_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower($1) $$
"""
INDEXES = [
    ("household_name_fold_trgm", "households_household", "reference_name"),
    ("member_last_name_fold_trgm", "households_householdmember", "last_name"),
    ("member_first_name_fold_trgm", "households_householdmember", "first_name"),
]
# 0006's indexes on UPPER(name), replaced by the ones above.
REPLACED = [
    ("households_member_last_name_trgm", "households_householdmember", "last_name"),
    ("households_member_first_name_trgm", "households_householdmember", "first_name"),
    ("households_reference_name_trgm", "households_household", "reference_name"),
]


def _extension(connection, cursor, name: str, schema: str = "") -> bool:
    try:
        with transaction.atomic(using=connection.alias):
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}{schema}")
    except Exception:  # noqa: BLE001 - no privilege or extension not installed: see the docstring
        return False
    return True


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(FOLD_UNACCENT if _extension(connection, cursor, "unaccent", " WITH SCHEMA public") else FOLD_LOWER)
        if not _extension(connection, cursor, "pg_trgm"):
            return
        for name, table, column in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (relogement_fold("{column}") gin_trgm_ops)'
            )
        for name, _, _ in REPLACED:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, _, _ in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute("DROP FUNCTION IF EXISTS relogement_fold(text)")
        if _extension(connection, cursor, "pg_trgm"):
            for name, table, column in REPLACED:
                cursor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
                )


class Migration(migrations.Migration):
    dependencies = [("households", "0013_member_birth_date_index")]

    operations = [migrations.RunPython(forwards, backwards)]
