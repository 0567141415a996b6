"""The documentation page: Swagger UI from local files, under the application's strict CSP.

The rendering check drives Debian's Chromium (skipped without it, except under CI=true, like
tests/browser): the page must draw the operations with no Content-Security-Policy refusal.
"""

import os

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.clients import api_client
from tests.browser.test_login_and_lists import CHROMIUM, LAUNCH_ARGS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SCREENSHOT = os.environ.get("API_DOCS_SCREENSHOT", "/tmp/relogement-api-docs.png")


def test_docs_page_uses_local_assets_and_no_inline_code(world):
    response = world.client_for("landlord").get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
    script = world.client_for("landlord").get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert '"validatorUrl": null' in script.content.decode()


def test_docs_page_sends_anonymous_visitors_to_the_login_page(world):
    anonymous = Client().get(reverse("api:docs"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_schema_answers_a_token_or_a_session_and_nobody_else(world):
    assert Client().get(reverse("api:schema")).status_code == 401
    assert world.client_for("metropolis").get(reverse("api:schema")).status_code == 200
    schema = api_client(world, "landlord").get(reverse("api:schema")).json()
    assert schema["info"]["title"] == "API Relogement"
    assert schema["components"]["securitySchemes"]["jeton"]["name"] == "Authorization"
    assert "/api/v1/offres/{id}/retrait/" in schema["paths"]


@pytest.mark.browser
def test_swagger_ui_renders_the_operations_without_csp_refusal(world, live_server, settings):
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium absent ({CHROMIUM}) : le test navigateur est obligatoire sous CI=true.")
        pytest.skip(f"Chromium absent ({CHROMIUM}) : test navigateur sauté.")
    from playwright.sync_api import sync_playwright

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    refusals = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(locale="fr-FR")
            page.on(
                "console",
                lambda message: (
                    refusals.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )
            page.goto(live_server.url + reverse("login"))
            page.get_by_label("Identifiant").fill("landlord")
            page.get_by_label("Mot de passe").fill("demo-relogement")
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_url(live_server.url + reverse("home"))
            page.goto(live_server.url + reverse("api:docs"))
            page.get_by_text("/api/v1/menages/", exact=True).first.wait_for(timeout=20000)
            assert page.get_by_role("heading", name="API Relogement").count() >= 1
            page.screenshot(path=SCREENSHOT, full_page=False)
        finally:
            browser.close()
    assert refusals == []
