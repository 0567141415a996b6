"""/api/v1/indicateurs/: the observatory pulls the same keys and values as the `indicators` command,
within its perimeter and under the secret statistique of its dashboard."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from relogement.accounts.models import OrganisationKind
from relogement.api.tokens import api_token_create
from relogement.indicators.perimeter import METROPOLIS_PERIMETER
from relogement.indicators.selectors import compute_for
from relogement.permissions.secrecy import hidden_for
from tests import factories
from tests.api.clients import ApiClient
from tests.indicators.builders import scenario

URL = "/api/v1/indicateurs/"
AS_OF = "2025-12-31"


@pytest.fixture
def s(db):
    return scenario()


def _client(organisation) -> ApiClient:
    _, key = api_token_create(organisation=organisation, name="Observatoire")
    return ApiClient(key)


def _command(*args) -> dict:
    out = StringIO()
    call_command("indicators", *args, "--as-of", AS_OF, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_a_project_office_gets_exactly_the_commands_values(s):
    office = factories.OrganisationFactory(name="MOUS P", kind=OrganisationKind.PROJECT_OFFICE)
    office.projects.add(s.project)
    response = _client(office).get(URL, {"perimetre": f"projet-{s.project.pk}", "date": AS_OF})
    assert response.status_code == 200
    body = response.json()
    expected = _command("--project", "lille-p")
    assert body["indicateurs"] == expected
    assert list(body["indicateurs"]) == list(expected)  # same keys, same order
    assert (
        body["indicateurs"]["avancement.recenses"] == 6 and body["indicateurs"]["avancement.taux"] == 0.6667
    )
    assert (body["perimetre"], body["perimetre_libelle"], body["date"]) == (
        f"projet-{s.project.pk}",
        "Projet : Projet Lille P",
        AS_OF,
    )
    assert body["secret_statistique"] is False and body["masques"] == []


def test_the_metropolis_pulls_the_commands_values_under_the_secret_statistique(s):
    metropolis = factories.OrganisationFactory(name="GIP", kind=OrganisationKind.METROPOLIS)
    body = _client(metropolis).get(URL, {"date": AS_OF}).json()
    expected = _command()
    assert list(body["indicateurs"]) == list(expected)
    assert body["secret_statistique"] is True
    analyst = factories.UserFactory(organisations=[metropolis])
    result = compute_for(analyst, METROPOLIS_PERIMETER, dt.date(2025, 12, 31))
    masked = [key for key in expected if hidden_for(result.bases[key])]
    assert body["masques"] == masked and masked  # the scenario has small populations…
    shown = [key for key in expected if key not in masked]
    assert shown  # … and large enough ones
    for key in expected:
        assert body["indicateurs"][key] == (None if key in masked else expected[key]), key


def test_a_perimeter_outside_the_organisations_scope_is_404(s):
    office = factories.OrganisationFactory(name="MOUS P", kind=OrganisationKind.PROJECT_OFFICE)
    office.projects.add(s.project)
    client = _client(office)
    assert client.get(URL, {"perimetre": f"projet-{s.other_project.pk}"}).status_code == 404
    assert client.get(URL, {"perimetre": f"batiment-{s.b3.pk}"}).status_code == 404
    assert client.get(URL, {"perimetre": "projet-999999"}).json()["code"] == "introuvable"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"perimetre": "quartier-3"}, "perimetre"),
        ({"perimetre": "projet-abc"}, "perimetre"),
        ({"date": "31/12/2025"}, "date"),
    ],
)
def test_invalid_parameters_are_400_with_the_field(s, params, field):
    metropolis = factories.OrganisationFactory(name="GIP", kind=OrganisationKind.METROPOLIS)
    response = _client(metropolis).get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["champs"]) == [field]
    if field == "perimetre":
        assert response.json()["champs"]["perimetre"] == [
            "Périmètre invalide : metropole, commune-<code INSEE>, projet-<id>, batiment-<id> ou bailleur-<id>."
        ]
