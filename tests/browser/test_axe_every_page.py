"""axe-core on every page of the access matrix, for every role that may open it (issue 18, point 4).

The pages are those of ``tests/<app>/access_cases.py`` (the same collection as
``tests/test_every_url_is_scoped.py``): every GET case, for each of its allowed personas. The test client
asks first (in-process, cheap) and only full HTML pages go to the browser; downloads (CSV, XLSX, PDF,
ZIP), JSON and htmx fragments are left out, and counted in the output. A case whose client is built by
the case (the DPO's search first) hands that client's session cookie to a context of its own.

Kept fast for the CI (< 30 min in total): one Chromium, one logged-in context per persona, one live
server; axe-core (npm package, read from node_modules) is injected once per page. Goal: no serious or
critical violation anywhere. The run's duration is printed (``-s``).
"""

import json
import os
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.access import UrlCase
from tests.browser.test_field_work import AXE, DUPLICATE_IDS
from tests.browser.test_field_work import chromium as chromium  # noqa: F401 (fixture)
from tests.browser.test_rehousing_journey import Journey
from tests.test_every_url_is_scoped import CASES

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


def _page_cases() -> list[UrlCase]:
    return [case for case in CASES if case.method == "get"]


def _url(world, case: UrlCase) -> tuple[str, dict]:
    return reverse(case.url_name, kwargs=case.kwargs(world)) + case.query, case.data(world)


def _is_page(response) -> bool:
    """A full HTML page (not a download, JSON or an htmx fragment)."""
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.get("Content-Disposition", "").startswith("attachment"):
        return False
    return b"<html" in response.content[:400]


# One persona per role: the matrix's second social provider and second project office (another
# perimeter, the same pages) would double the run without showing anything new.
SAME_ROLE = {"social_b": "social", "social_a": "social", "outsider": "mous", "mous": "mous"}
BADGE = "/alertes/compte/"  # reverse("alerts:count"), checked by the test below
REPORT = Path(os.environ.get("AXE_REPORT", "/tmp/axe-every-page.txt"))


def test_axe_finds_no_serious_violation_on_any_page_of_the_access_matrix(
    world,
    live_server,
    settings,
    chromium,  # noqa: F811
):
    assert reverse("alerts:count") == BADGE
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    started = time.monotonic()
    journey = Journey(chromium, live_server, world)
    pages: dict[str, object] = {}  # persona -> browser page of its logged-in context
    problems: list[str] = []
    skipped: list[str] = []
    checked = 0
    seen: set[tuple[str, str]] = set()
    report = REPORT.open("w")

    def new_page(client):
        context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.add_cookies(
            [
                {"name": name, "value": morsel.value, "url": journey.base}
                for name, morsel in client.cookies.items()
            ]
        )
        # Before the page's own scripts, outside the Content-Security-Policy (a DevTools injection).
        context.add_init_script(path=str(AXE))
        context.set_default_navigation_timeout(120_000)
        return journey._watch(context.new_page())

    for case in _page_cases():
        if case.url_name == "api:docs":
            # swagger-ui, a third party's interface drawn by script after the load (its contrasts are
            # raised in api/static/api/swagger.css): axe read it half-drawn or drawn by chance.
            skipped.append(f"{case.url_name} : interface tierce (swagger-ui)")
            continue
        by_role = {}
        for persona in case.allowed:
            if persona in world.users:
                by_role.setdefault(SAME_ROLE.get(persona, persona), persona)
        for persona in by_role.values():
            path, data = _url(world, case)
            if data:
                path += ("&" if "?" in path else "?") + urlencode(data, doseq=True)
            if (persona, path) in seen:
                continue
            seen.add((persona, path))
            label = f"{case.url_name} ({persona}) {path}"
            if case.client:
                own_client = case.client(world, persona)
                if not isinstance(own_client, Client) or own_client.defaults.get("HTTP_AUTHORIZATION"):
                    skipped.append(f"{case.url_name} : client d'API")
                    continue
                if not _is_page(own_client.get(path)):
                    skipped.append(f"{case.url_name} : pas une page HTML")
                    continue
                page = new_page(own_client)
            else:
                own_client = None
                if persona not in pages:
                    pages[persona] = new_page(world.client_for(persona))
                page = pages[persona]
            try:
                response = page.goto(journey.base + path)
            except Exception as error:  # a download (CSV, XLSX, PDF…) is not a page
                if "Download is starting" in str(error) or "ERR_ABORTED" in str(error):
                    skipped.append(f"{case.url_name} : téléchargement")
                    continue
                raise
            if response is None or response.status != 200:
                problems.append(f"{label}: HTTP {response and response.status}")
                continue
            if (
                not response.headers.get("content-type", "").startswith("text/html")
                or "<html" not in (response.text()[:400])
            ):
                skipped.append(f"{case.url_name} : pas une page HTML")
                continue
            # The menu's alert badge is a request of its own (htmx, on load): axe reads the page once
            # it is drawn whole.
            page.wait_for_function(
                "badge => !document.querySelector(`[hx-get='${badge}']`)", arg=BADGE, timeout=30_000
            )
            found = page.evaluate(AXE_RUN)
            found = [f"{label}: {json.dumps(v, ensure_ascii=False)}" for v in found]
            found += [f"{label}: {p}" for p in page.evaluate(DUPLICATE_IDS)]
            problems.extend(found)
            report.write(
                f"{time.monotonic() - started:6.1f} s {label}\n" + "".join(line + "\n" for line in found)
            )
            report.flush()
            checked += 1
            if own_client is not None:
                page.context.close()

    duration = time.monotonic() - started
    summary = f"axe-core : {checked} pages vérifiées en {duration:.0f} s ; {len(skipped)} cas hors HTML"
    report.write(summary + "\n")
    report.close()
    print("\n" + summary + " :", *sorted(set(skipped)), sep="\n  ")
    assert checked > 50, "la matrice d'accès devrait donner bien plus de pages HTML"
    assert not problems, "\n".join(problems)
    assert not journey.problems, "\n".join(journey.problems)
