"""Print a DATABASE_URL for a fresh PostgreSQL database, or exit 1 when no server answers.

Used by `make test`: the database is dropped and created anew on every run (pytest-django then
creates its own test_ database next to it).
"""

import os
import sys
import uuid

import psycopg

HOST = os.environ.get("PGHOST", "127.0.0.1")
PORT = os.environ.get("PGPORT", "5432")
USER = os.environ.get("PGUSER", "postgres")


def main() -> int:
    name = f"relogement_ci_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(
            host=HOST, port=PORT, user=USER, dbname="postgres", connect_timeout=3, autocommit=True
        ) as conn:
            for (old,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'relogement_ci_%%' OR datname LIKE 'test_relogement_ci_%%'"
            ).fetchall():
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL injoignable : {exc}", file=sys.stderr)
        return 1
    print(f"postgres://{USER}@{HOST}:{PORT}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
