"""Name search (issue 19): accent-insensitive, answered from trigram indexes on PostgreSQL.

PostgreSQL: the ``pg_trgm`` and ``unaccent`` extensions (trusted extensions: the database owner may
create them), an immutable ``relogement_fold(text)`` = ``lower(unaccent(text))`` (``unaccent`` itself
is only stable, so an index cannot use it directly), and GIN trigram indexes on the folded names of
households and of their members. SQLite: nothing to create (the function is registered on each
connection, households.search); every operation here does nothing there, so SQLite still migrates.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION relogement_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""
INDEXES = [
    ("household_name_fold_trgm", "households_household", "reference_name"),
    ("member_last_name_fold_trgm", "households_householdmember", "last_name"),
    ("member_first_name_fold_trgm", "households_householdmember", "first_name"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (relogement_fold({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS relogement_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("households", "0010_member_situations_parental_leave_disability")]

    operations = [
        TrigramExtension(),  # does nothing outside PostgreSQL
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards),
    ]
