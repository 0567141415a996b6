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

- `BENCH_MODULES=load,households` runs only these modules (`benchmarks/bench_<name>.py`), and
  `BENCH_OUTPUT=/tmp/x.md` writes elsewhere than docs/benchmarks.md (trying a module on a small base);
- `BENCH_LOAD=0` skips the load test (`benchmarks/bench_load.py`: locust against two gunicorn workers);
- each complete run also stores its rows in `benchmarks/results-<households>.json`; the growth table of
  docs/benchmarks.md compares every size stored there (e.g. 25,000, 100,000 and 250,000 households).
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

    def manage(self, *args: str, peak: str = "") -> float:
        """Run `manage.py <args>` in a subprocess on the bench database; return its duration (s). With
        ``peak``, the child's peak memory (maximum RSS, MB) goes to ``timings[peak]``."""
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), *args], env=self.env, cwd=BASE_DIR
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise subprocess.CalledProcessError(child.returncode, child.args)
        if peak:
            self.timings[peak] = usage.ru_maxrss / 1024  # kilobytes on Linux
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
    wanted = {
        f"bench_{name.strip()}" for name in os.environ.get("BENCH_MODULES", "").split(",") if name.strip()
    }
    return [
        f"benchmarks.{path.stem}"
        for path in sorted((BASE_DIR / "benchmarks").glob("bench_*.py"))
        if not wanted or path.stem in wanted
    ]


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


LOAD_EXPLANATION = [
    "## Test de charge",
    "",
    "`benchmarks/bench_load.py` : locust sans interface, sur 127.0.0.1 seulement, contre deux workers "
    "gunicorn synchrones (`config/gunicorn.conf.py`, réglages de production, cache par processus). Des "
    "utilisateurs de chaque rôle (métropole, commune, MOUS, opérateurs sociaux, bailleur, administrateur) "
    "enchaînent leur parcours (accueil, liste des ménages, pages suivantes, recherche par nom, fiche "
    "ménage, tableau de bord, offres) avec 1 à 3 s de réflexion entre deux pages, 50 puis 100 à la fois, "
    "chaque palier pendant une durée bornée (statistiques remises à zéro une fois tous les utilisateurs "
    "lancés). Cibles à 50 utilisateurs : p95 < 300 ms pour chaque type de page, 0 erreur, ≥ 40 requêtes/s. "
    "Avec 2 s de réflexion en moyenne, N utilisateurs ne demandent au plus que N / 2 pages par seconde "
    "(25 à 50 utilisateurs, 50 à 100) : à 50 utilisateurs, le débit doit suivre cette demande sans file "
    "d'attente ; les 40 requêtes/s se lisent au palier de 100. Mémoire des workers : PSS (les pages "
    "partagées avec le maître, dont le moteur des prestations chargé avant le fork, divisées entre les "
    "processus). locust tourne sur les mêmes deux cœurs que le serveur. `BENCH_LOAD=0` saute ce test.",
    "",
]

GROWTH_EXPLANATION = [
    "## Croissance avec le nombre de ménages",
    "",
    "Chaque passage complet de `make bench` garde ses mesures dans `benchmarks/results-<ménages>.json` ; "
    "ce tableau compare toutes les tailles gardées (par exemple `make bench BENCH_HOUSEHOLDS=25000`, puis "
    "100000, puis 250000). « Facteur » : la valeur à la plus grande taille divisée par celle à la plus "
    "petite, à comparer au rapport des nombres de ménages (un coût qui croît moins vite que les ménages "
    "tient à l'échelle ; un coût constant ne dépend pas de la taille).",
    "",
]


def _main_table(rows: list[dict]) -> list[str]:
    lines = ["| Mesure | Valeur | Unité | Cible | Notes |", "|---|---:|---|---|---|"]
    for row in rows:
        lines.append(
            f"| {row['name']} | {_format(row['value'])} | {row.get('unit', '')} | {row.get('target', '')} | "
            f"{row.get('notes', '')} |"
        )
    return lines


def _load_table(rows: list[dict]) -> list[str]:
    load = [r for r in rows if r.get("table") == "load"]
    memory = [r for r in rows if r.get("table") == "load-memory"]
    if not load:
        return []
    lines = [
        *LOAD_EXPLANATION,
        "| Utilisateurs | Page | Requêtes/s | p50 (ms) | p95 (ms) | p99 (ms) | Requêtes | Erreurs |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in load:
        lines.append(
            f"| {r['users']} | {r['kind']} | {_format(round(r['rps'], 1))} | {_format(int(r['p50']))} | "
            f"{_format(int(r['p95']))} | {_format(int(r['p99']))} | {_format(r['requests'])} | "
            f"{_format(r['failures'])} |"
        )
    if memory:
        lines += ["", "| Utilisateurs | Mémoire d'un worker (PSS max, Mo) | Par worker |", "|---:|---:|---|"]
        lines += [f"| {r['users']} | {_format(r['value'])} | {r['notes']} |" for r in memory]
    return ["", *lines]


def _key(row: dict) -> str:
    return row.get("key") or row["name"]


def _results_path(households: int) -> Path:
    return BASE_DIR / "benchmarks" / f"results-{households}.json"


def _stored_results(origins: dict[int, str] | None = None) -> dict[int, list[dict]]:
    """The stored runs' rows per size; ``origins`` receives when (and on which commit) each was run."""
    runs = {}
    for path in (BASE_DIR / "benchmarks").glob("results-*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            runs[int(data["households"])] = data["rows"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if origins is not None:
            commit = f", commit {data['commit']}" if data.get("commit") else ""
            origins[int(data["households"])] = f"{str(data.get('date', ''))[:10]}{commit}"
    return runs


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def _growth_table(households: int, rows: list[dict]) -> list[str]:
    """How each numeric measure grows with the number of households, over every stored run and this
    one: rows matched by their ``key`` (else their name)."""
    origins: dict[int, str] = {}
    runs = _stored_results(origins)
    runs[households] = rows
    origins[households] = f"{dt.date.today().isoformat()}, ce passage"
    sizes = sorted(runs)
    lines = ["", *GROWTH_EXPLANATION]
    if len(sizes) > 1:
        lines += [
            "Passages comparés : " + " ; ".join(f"{_format(n)} ménages ({origins[n]})" for n in sizes) + ".",
            "",
        ]
    if len(sizes) < 2:
        return [
            *lines,
            f"Une seule taille mesurée ({_format(households)} ménages) : pas encore de comparaison.",
        ]
    values: dict[str, dict[int, float]] = {}
    units: dict[str, str] = {}
    order: list[str] = []
    for size in sizes:
        for row in runs[size]:
            if row.get("table") or not isinstance(row.get("value"), int | float):
                continue
            key = _key(row)
            if key not in values:
                values[key] = {}
                order.append(key)
            values[key][size] = row["value"]
            units[key] = row.get("unit", "")
    header = "| Mesure | Unité | " + " | ".join(f"{_format(n)} ménages" for n in sizes) + " | Facteur |"
    lines += [header, "|---|---|" + "---:|" * (len(sizes) + 1)]
    for key in order:
        measured = values[key]
        if len(measured) < 2:
            continue
        first, last = measured[min(measured)], measured[max(measured)]
        factor = f"× {_format(round(last / first, 2))}" if first else ""
        cells = " | ".join(_format(measured[n]) if n in measured else "" for n in sizes)
        lines.append(f"| {key} | {units[key]} | {cells} | {factor} |")
    lines += ["", f"Rapport des nombres de ménages : × {_format(round(sizes[-1] / sizes[0], 2))}."]
    return lines


def _write(header: list[str], rows: list[dict], failures: list[str], households: int) -> None:
    lines = [*header, *_main_table([r for r in rows if not r.get("table")]), *_load_table(rows)]
    lines += _growth_table(households, rows)
    if failures:
        lines += ["", "## Modules en échec", ""] + [f"- `{f.splitlines()[0]}`" for f in failures]
    output = Path(os.environ.get("BENCH_OUTPUT") or OUTPUT)
    output.parent.mkdir(exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _store(households: int, rows: list[dict]) -> None:
    """A complete run's rows, for the growth table of later runs at other sizes."""
    data = {
        "households": households,
        "date": dt.datetime.now().astimezone().isoformat(),
        "commit": _commit(),
        "rows": rows,
    }
    _results_path(households).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


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
        ctx.timings["load_demo"] = ctx.manage(
            "load_demo", "--households", str(households), peak="load_demo_peak_mb"
        )
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
        _write(header, rows, failures, households)
    if not os.environ.get("BENCH_MODULES") and not os.environ.get("BENCH_OUTPUT"):
        _store(households, rows)  # a complete run only, for the growth table
    print(Path(os.environ.get("BENCH_OUTPUT") or OUTPUT).read_text(encoding="utf-8"))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--module":
        sys.exit(_child(sys.argv[2], sys.argv[3]))
    sys.exit(main())
