"""A clone of the repository runs alone: the reference data ship with it (issue 13, point 0).

The repository is copied into a folder with no ``../shared`` beside it, and its own ``manage.py`` loads
the referential into a fresh SQLite database, as ``make demo`` does on a fresh machine.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)


def _copy_of_the_repository(target: Path) -> Path:
    """The files a clone would hold (tracked, and new ones not ignored), without .git or the virtualenv."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = REPO / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def test_load_referential_runs_from_a_clone_without_shared_data(tmp_path):
    clone = _copy_of_the_repository(tmp_path / "relogement")
    assert not (clone.parent / "shared").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "RELOGEMENT_"))}
    env |= {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    where = "from django.conf import settings; print(settings.REFERENCE_DATA_DIR)"
    for command in (
        ["shell", "--no-imports", "-c", where],
        ["migrate", "--no-input", "-v0"],
        ["load_referential"],
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=clone, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        if command[0] == "shell":  # the clone's own code and data are used, not this working tree's
            assert Path(result.stdout.strip()).is_relative_to(clone), result.stdout
    assert "Référentiel chargé." in result.stdout
    with sqlite3.connect(tmp_path / "fresh.sqlite3") as db:
        communes, outlines = db.execute("select count(*), count(outline) from territory_commune").fetchone()
        projects = db.execute("select count(*) from projects_project").fetchone()[0]
    assert (communes, outlines, projects) == (95, 95, 13)


def test_the_reference_data_ship_inside_the_package():
    assert settings.REFERENCE_DATA_DIR == REPO / "relogement" / "territory" / "data"
    for name in (
        "mel_communes.csv",
        "mel_communes.geojson",
        "mel_zonages_logement.csv",
        "mel_npnru_sites.csv",
    ):
        assert (settings.REFERENCE_DATA_DIR / name).is_file(), name
