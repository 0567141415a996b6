"""scripts/bench.py's writer: the load-test table and the growth table built from stored runs."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture
def bench(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_script", BENCH)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_script", module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    (tmp_path / "benchmarks").mkdir()
    monkeypatch.setattr(module, "BASE_DIR", tmp_path)
    monkeypatch.setenv("BENCH_OUTPUT", str(tmp_path / "out.md"))
    return module


def _row(name, value, **extra):
    return {"name": name, "value": value, "unit": "s", "target": "", "notes": "", **extra}


def test_growth_table_compares_every_stored_size(bench, tmp_path):
    bench._store(25000, [_row("load_demo --households 25000", 150.0, key="load_demo"), _row("Liste", 40.0)])
    assert json.loads((tmp_path / "benchmarks" / "results-25000.json").read_text())["households"] == 25000
    rows = [_row("load_demo --households 250000", 1500.0, key="load_demo"), _row("Liste", 44.0)]
    bench._write(["# Mesures"], rows, [], 250000)
    text = (tmp_path / "out.md").read_text()
    assert "| load_demo | s | 150,00 | 1\u202f500,00 | × 10,00 |" in text
    assert "| Liste | s | 40,00 | 44,00 | × 1,10 |" in text
    assert "Rapport des nombres de ménages : × 10,00." in text


def test_a_single_size_says_there_is_nothing_to_compare(bench, tmp_path):
    bench._write(["# Mesures"], [_row("Liste", 44.0)], [], 2000)
    assert "Une seule taille mesurée" in (tmp_path / "out.md").read_text()


def test_load_rows_get_their_own_table(bench, tmp_path):
    load = {"table": "load", "users": 50, "kind": "Fiche ménage", "p50": 20.0, "p95": 80.0, "p99": 120.0}
    load |= {"rps": 12.34, "requests": 600, "failures": 0}
    memory = {"table": "load-memory", "users": 50, "notes": "180 Mo, 190 Mo"}
    rows = [_row("Liste", 44.0), _row("Charge", 80.0, **load), _row("Mémoire", 190.0, **memory)]
    bench._write(["# Mesures"], rows, [], 2000)
    text = (tmp_path / "out.md").read_text()
    assert "| 50 | Fiche ménage | 12,30 | 20 | 80 | 120 | 600 | 0 |" in text
    assert "| 50 | 190,00 | 180 Mo, 190 Mo |" in text
    main_table = text.split("## Test de charge")[0]
    assert "| Liste |" in main_table and "Charge" not in main_table
