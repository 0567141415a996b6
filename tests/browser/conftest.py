import os
from pathlib import Path

# Overridable only to check the skip/fail behaviour on a machine that has Chromium.
CHROMIUM = Path(os.environ.get("RELOGEMENT_CHROMIUM", "/usr/bin/chromium"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say it plainly at the end of the run when the browser test could not run."""
    if not CHROMIUM.exists():
        terminalreporter.write_line(
            f"Test navigateur sauté : {CHROMIUM} absent (Debian : apt-get install chromium ; "
            "obligatoire sous CI=true).",
            yellow=True,
        )
