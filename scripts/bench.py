"""`make bench`: measure on PostgreSQL with a large demo dataset, write docs/benchmarks.md.

1. creates a fresh PostgreSQL database `relogement_bench` (same server rules as
   scripts/postgres_test_url.py: 127.0.0.1:5432, user postgres, or PGHOST/PGPORT/PGUSER);
2. migrates it, loads the referential, then `load_demo --households $BENCH_HOUSEHOLDS` (default 100000),
   timed;
3. runs every `benchmarks/bench_*.py` in a process of its own (so that what one module leaves in
   memory, e.g. a 100,000-household workbook, does not slow the next one's measures: a landlord's
   dashboard measured 1.34 s after the exchange module, 0.9 s alone) and calls its
   `run(ctx) -> list[dict]` (keys `name`, `value`, `unit`, `target`, `notes`);
4. writes the table, the machine description and the date to docs/benchmarks.md.

Everything runs with `config.settings_test` (production settings, DEBUG off, static files from the
finders). `BENCH_DATABASE_URL` uses another, empty database instead of creating `relogement_bench`;
`BENCH_SKIP_LOAD=1` (with `BENCH_DATABASE_URL`) measures an already loaded database.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
OUTPUT = BASE_DIR / "docs" / "benchmarks.md"
DB_NAME = "relogement_bench"


@dataclass
class BenchContext:
    """What a benchmark module receives. Django is set up on the bench database before `run(ctx)`."""

    database_url: str
    households: int
    base_dir: Path = BASE_DIR
    timings: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def manage(self, *args: str) -> float:
        """Run `manage.py <args>` in a subprocess on the bench database; return its duration (s)."""
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, env=self.env, cwd=BASE_DIR
        )
        return time.perf_counter() - started

    def __getitem__(self, key):  # modules may treat ctx as a dict
        return getattr(self, key)


def _fresh_postgres_database() -> str:
    import psycopg

    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    try:
        with psycopg.connect(
            host=host, port=port, user=user, dbname="postgres", connect_timeout=3, autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except psycopg.OperationalError as exc:
        sys.exit(f"PostgreSQL injoignable ({host}:{port}) : les mesures se font sur PostgreSQL. {exc}")
    return f"postgres://{user}@{host}:{port}/{DB_NAME}"


def _machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} Gio"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"- Processeur : {cpu} ({os.cpu_count()} cœurs logiques)",
        f"- Mémoire : {memory or 'inconnue'}",
        f"- Système : {platform.platform()}",
        f"- Python : {platform.python_version()}",
    ]


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        return f"{connection.vendor} {connection.Database.sqlite_version}"


def _module_names() -> list[str]:
    return [f"benchmarks.{path.stem}" for path in sorted((BASE_DIR / "benchmarks").glob("bench_*.py"))]


CONTEXT_VARIABLE = "BENCH_CONTEXT"


def _run_module(name: str, ctx: BenchContext) -> tuple[list[dict], str | None]:
    """Runs one module in a child process (this script with ``--module``); its rows come back as JSON
    in a file, its failure as the child's standard error."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        context = {"database_url": ctx.database_url, "households": ctx.households, "timings": ctx.timings}
        child = subprocess.run(
            [sys.executable, __file__, "--module", name, out.name],
            env={**ctx.env, CONTEXT_VARIABLE: json.dumps(context)},
            cwd=BASE_DIR,
            stderr=subprocess.PIPE,
            text=True,
        )
        if child.returncode != 0:
            return [], f"{name} : {child.stderr.strip()[-2000:]}"
        return json.loads(Path(out.name).read_text(encoding="utf-8")), None


def _child(name: str, output: str) -> int:
    import django

    django.setup()
    context = json.loads(os.environ[CONTEXT_VARIABLE])
    ctx = BenchContext(
        database_url=context["database_url"],
        households=context["households"],
        timings=context["timings"],
        env=dict(os.environ),
    )
    rows = importlib.import_module(name).run(ctx)
    Path(output).write_text(json.dumps(rows, default=str), encoding="utf-8")
    return 0


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def _write(header: list[str], rows: list[dict], failures: list[str]) -> None:
    lines = [*header, "| Mesure | Valeur | Unité | Cible | Notes |", "|---|---:|---|---|---|"]
    for row in rows:
        lines.append(
            f"| {row['name']} | {_format(row['value'])} | {row.get('unit', '')} | {row.get('target', '')} | "
            f"{row.get('notes', '')} |"
        )
    if failures:
        lines += ["", "## Modules en échec", ""] + [f"- `{f.splitlines()[0]}`" for f in failures]
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    households = int(os.environ.get("BENCH_HOUSEHOLDS", "100000"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or _fresh_postgres_database()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # Production settings (DEBUG off) with static files served from the finders, as in the tests:
        # no collectstatic needed before measuring.
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    ctx = BenchContext(database_url=database_url, households=households, env=env)
    if os.environ.get("BENCH_SKIP_LOAD") != "1":
        print(f"== Base de mesure : {database_url}")
        ctx.manage("migrate", "--no-input", "-v0")
        ctx.timings["load_referential"] = ctx.manage("load_referential")
        print(f"== load_demo --households {households}")
        ctx.timings["load_demo"] = ctx.manage("load_demo", "--households", str(households))
    os.environ.update(env)
    import django

    django.setup()
    rows: list[dict] = []
    failures: list[str] = []
    header = [
        "# Mesures de performance",
        "",
        "Écrit par `make bench` (`scripts/bench.py`) : ne pas modifier à la main.",
        "",
        f"- Date : {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Base : {_database_version()}, jeu de démonstration de {_format(households)} ménages",
        *_machine(),
        "",
    ]
    for name in _module_names():
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        module_rows, failure = _run_module(name, ctx)  # one failing module does not hide the others
        rows.extend(module_rows)
        if failure:
            failures.append(failure)
            print(failure, file=sys.stderr)
        print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
        # Written after every module, so that a long or interrupted run still leaves its figures.
        _write(header, rows, failures)
    print(OUTPUT.read_text(encoding="utf-8"))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--module":
        sys.exit(_child(sys.argv[2], sys.argv[3]))
    sys.exit(main())
