import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

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


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """Threads for connections, one application call at a time: on SQLite the live server and the test
    share one in-memory connection, and two requests at once (a page and the menu's alert badge loaded
    by htmx) would use it from two threads ("database table is locked", or a hang). The lock is taken
    around the application only, not the socket: an idle connection Chromium opened ahead of time
    never blocks the others."""

    _lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self._lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite():
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        LiveServerThread.server_class = _OneRequestAtATimeServer
    yield
