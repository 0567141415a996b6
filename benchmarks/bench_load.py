"""Load test (issue 19, point 3): locust, headless, on loopback, against two gunicorn sync workers.

Simulated users of every role (metropolis, commune, project office, social providers, landlord,
administrator) go through their journeys (home, household list, next pages, name search, household file,
dashboard, offers) with 1 to 3 s of thinking between two pages, 50 then 100 of them, each level for a
bounded time (``BENCH_LOAD_SECONDS``, 60 s by default; statistics reset once every user has started).
Recorded per level and page kind: p50, p95, p99, requests per second and errors (locust's figures), and
the memory of each gunicorn worker (PSS: shared pages divided among the processes), sampled every half second.

- ``BENCH_LOAD=0`` skips the module; ``BENCH_LOAD_USERS=50,100`` the levels; ``BENCH_LOCUST`` the locust
  executable (by default the one beside this Python, installed by ``pip install -e .[dev]``).
- The server runs the production settings (``benchmarks/load_settings.py``: DEBUG off, per-process
  cache, plain HTTP on 127.0.0.1) with ``config/gunicorn.conf.py`` and two workers; the users' sessions
  are created in the database beforehand, one per simulated user.
- locust runs on the same two cores as the server: its own CPU use lowers the figures a little.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROLES = ["metropole", "commune", "mous", "social-a", "social-b", "bailleur", "admin"]
LABELS = {
    "home": "Accueil",
    "list": "Liste des ménages",
    "page": "Liste, pages suivantes",
    "search": "Recherche par nom",
    "file": "Fiche ménage",
    "dashboard": "Tableau de bord",
    "offers": "Offres",
}
SEARCHES = ["ma", "du", "ler", "mar", "bern"]
FILES_PER_ROLE = 40
P95_TARGET_MS = 300
RPS_TARGET = 40


def _locust_command() -> list[str] | None:
    explicit = os.environ.get("BENCH_LOCUST")
    if explicit:
        return [explicit]
    beside = Path(sys.executable).parent / "locust"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("locust")
    return [found] if found else None


def _gunicorn_command() -> list[str]:
    beside = Path(sys.executable).parent / "gunicorn"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "gunicorn"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _plan(users: int) -> dict:
    """Per role: one session per simulated user of that role, and the URLs of each page kind that the
    role sees (each kind checked once: a kind the role may not open is left out of its journey)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from relogement.accounts.models import User
    from relogement.households.models import Household

    roles = {}
    present = {u.username: u for u in User.objects.filter(username__in=ROLES)}
    per_role = -(-users // max(len(present), 1))
    listing = reverse("households:list")
    for username in ROLES:
        user = present.get(username)
        if user is None:
            continue
        sessions = []
        for _ in range(per_role):
            client = Client()
            client.force_login(user)
            sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        files = list(
            Household.objects.visible_to(user).order_by("?").values_list("pk", flat=True)[:FILES_PER_ROLE]
        )
        candidates = {
            "home": ["/"],
            "list": [listing],
            "page": [f"{listing}?page={n}" for n in (2, 3, 5)],
            "search": [f"{listing}?q={q}" for q in SEARCHES],
            "file": [reverse("households:detail", args=[pk]) for pk in files],
            "dashboard": [reverse("indicators:dashboard")],
            "offers": [reverse("offers:list")],
        }
        urls = {}
        for kind, options in candidates.items():
            if options and client.get(options[0]).status_code == 200:
                urls[kind] = options
        roles[username] = {"sessions": sessions, "urls": urls}
    return {"cookie": settings.SESSION_COOKIE_NAME, "labels": LABELS, "roles": roles}


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _memory_mb(pid: int) -> dict[str, float]:
    """A process's memory (MB): resident (RSS, counting every page it maps, shared ones included),
    proportional (PSS: each shared page divided among the processes sharing it) and unique (USS: its
    private pages, what its exit would free). With ``preload_app`` the benefits engine is built in the
    master and shared by the workers: RSS counts it in each worker, PSS shares it out."""
    figures = {"rss": 0.0, "pss": 0.0, "uss": 0.0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, value = line.partition(":")
            kilobytes = int(value.split()[0]) if value.split() else 0
            if key == "Rss":
                figures["rss"] = kilobytes / 1024
            elif key == "Pss":
                figures["pss"] = kilobytes / 1024
            elif key in ("Private_Clean", "Private_Dirty"):
                figures["uss"] += kilobytes / 1024
    except (OSError, ValueError):
        pass
    return figures


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class _Sampler(threading.Thread):
    """The workers' PSS every half second: the largest seen during a level, per worker."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master = master
        self.peak: dict[int, float] = {}
        self.running = True

    def run(self):
        while self.running:
            for pid in _children(self.master):
                self.peak[pid] = max(self.peak.get(pid, 0.0), _memory_mb(pid)["pss"])
            time.sleep(0.5)

    def stop(self) -> dict[int, float]:
        self.running = False
        self.join()
        return self.peak


def _wait_until_idle(master: int, limit: float = 90) -> None:
    """Until both workers are idle (their start-up, e.g. the benefits engine's warm-up, finished)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        workers = _children(master)
        before = {pid: _cpu_seconds(pid) for pid in workers}
        time.sleep(1)
        if len(workers) >= 2 and all(_cpu_seconds(pid) - cpu < 0.1 for pid, cpu in before.items()):
            return


def _get(port: int, url: str, cookie: str, session: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{url}", headers={"Cookie": f"{cookie}={session}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _warm(port: int, plan: dict) -> None:
    """Every URL kind of every role twice (each worker's caches and connections), before measuring."""
    for spec in plan["roles"].values():
        for urls in spec["urls"].values():
            for _ in range(2):
                _get(port, urls[0], plan["cookie"], spec["sessions"][0])


def _run_level(locust: list[str], users: int, seconds: int, port: int, plan_path: Path, work: Path, env):
    prefix = work / f"users{users}"
    subprocess.run(
        [
            *locust,
            *("-f", str(Path(__file__).with_name("locustfile.py"))),
            "--headless",
            *("--users", str(users), "--spawn-rate", str(max(users // 10, 1))),
            *("--run-time", f"{seconds}s", "--stop-timeout", "5"),
            *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix)),
            "--reset-stats",
            "--only-summary",
            *("--loglevel", "WARNING"),
        ],
        env={**env, "BENCH_LOAD_PLAN": str(plan_path)},
        check=False,  # locust exits with 1 when a request failed: the failures are in the figures
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _rows_of(users: int, stats: list[dict], peaks: dict[int, float]) -> list[dict]:
    at_target = users == 50
    rows = []
    for stat in stats:
        name = stat["Name"]
        count, failures = int(_number(stat["Request Count"])), int(_number(stat["Failure Count"]))
        p50, p95, p99 = (_number(stat[k]) for k in ("50%", "95%", "99%"))
        rps = _number(stat["Requests/s"])
        figures = {"users": users, "kind": name, "p50": p50, "p95": p95, "p99": p99, "rps": rps}
        figures |= {"requests": count, "failures": failures}
        if name == "Aggregated":
            rows.append(
                {
                    "name": f"Charge, {users} utilisateurs : débit, toutes pages",
                    "value": round(rps, 1),
                    "unit": "req/s",
                    "target": f"≥ {RPS_TARGET} req/s, 0 erreur" if at_target else "",
                    "notes": f"{count} requêtes, {failures} erreur(s) ; p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
                    f"p99 {p99:.0f} ms",
                    "table": "load",
                    **figures,
                    "kind": "Toutes pages",
                }
            )
        else:
            rows.append(
                {
                    "name": f"Charge, {users} utilisateurs : {name}, p95",
                    "value": p95,
                    "unit": "ms",
                    "target": f"< {P95_TARGET_MS} ms" if at_target else "",
                    "notes": f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {rps:.1f} req/s, {failures} erreur(s)",
                    "table": "load",
                    **figures,
                }
            )
    if peaks:
        largest = max(peaks.values())
        rows.append(
            {
                "name": f"Charge, {users} utilisateurs : mémoire d'un worker gunicorn (PSS max)",
                "value": round(largest, 1),
                "unit": "Mo",
                "target": "",
                "notes": ", ".join(f"{v:.0f} Mo" for v in sorted(peaks.values())),
                "table": "load-memory",
                "users": users,
            }
        )
    return rows


def run(ctx) -> list[dict]:
    if os.environ.get("BENCH_LOAD", "1") == "0":
        return []
    locust = _locust_command()
    if locust is None:
        raise RuntimeError(
            "locust introuvable : installez les dépendances de développement (pip install -e .[dev])"
        )
    levels = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "50,100").split(",") if n.strip()]
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    plan = _plan(max(levels))
    port = _free_port()
    env = {
        **ctx.env,
        "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
        "DEBUG": "0",
        "WEB_CONCURRENCY": "2",
        "TASKS_IMMEDIATE": "false",
    }
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="relogement-load-") as folder:
        work = Path(folder)
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        with (work / "gunicorn.log").open("wb") as log:
            server = subprocess.Popen(
                [
                    *_gunicorn_command(),
                    *("--config", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"),
                    *("--workers", "2", "--worker-class", "sync", "config.wsgi"),
                ],
                cwd=ctx.base_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                deadline = time.monotonic() + 120
                while (
                    _get_health(port) == 0
                ):  # any answer: the workers are up (/sante/ also checks the queue)
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            "gunicorn n'a pas démarré : " + (work / "gunicorn.log").read_text()[-2000:]
                        )
                    time.sleep(0.5)
                _wait_until_idle(server.pid)
                _warm(port, plan)
                for users in levels:
                    sampler = _Sampler(server.pid)
                    sampler.start()
                    stats = _run_level(locust, users, seconds, port, plan_path, work, env)
                    rows += _rows_of(users, stats, sampler.stop())
                rows += _after_export(port, plan, server.pid)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
    return rows


def _after_export(port: int, plan: dict, master: int) -> list[dict]:
    """The workers' memory once a CSV export of the whole metropolis went through one of them (the
    export streams: a worker must not keep the rows it sent)."""
    spec = plan["roles"].get("metropole")
    if spec is None:
        return []
    before = max((_memory_mb(pid)["pss"] for pid in _children(master)), default=0.0)
    started = time.perf_counter()
    status = _get(port, "/menages/export.csv", plan["cookie"], spec["sessions"][0])
    seconds = time.perf_counter() - started
    time.sleep(1)
    workers = [_memory_mb(pid) for pid in _children(master)]
    if not workers:
        return []
    master_mb = _memory_mb(master)

    def listed(kind: str) -> str:
        return ", ".join(f"{w[kind]:.0f}" for w in sorted(workers, key=lambda w: w[kind]))

    return [
        {
            "name": "Worker gunicorn après un export CSV de toute la métropole : mémoire (PSS)",
            "value": round(max(w["pss"] for w in workers), 1),
            "unit": "Mo",
            "target": "< 200 Mo",
            "notes": f"par worker, PSS {listed('pss')} Mo, propre (USS) {listed('uss')} Mo, RSS {listed('rss')} Mo "
            f"(RSS compte en entier le moteur des prestations chargé par le maître, {master_mb['rss']:.0f} Mo, "
            f"partagé par les workers : preload_app) ; avant l'export : PSS {before:.0f} Mo au plus ; "
            f"export HTTP {status} en {seconds:.1f} s au travers de gunicorn",
            "key": "Worker après un export CSV (PSS)",
        }
    ]


def _get_health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sante/", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0
