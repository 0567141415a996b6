"""Schemathesis against the OpenAPI schema, inside pytest, on the test database with the world's data.

The schema is loaded from /api/schema/ of the WSGI application; for every operation, cases generated
from the schema are sent with tokens of three organisations (a landlord, a project office, the
metropolis), with random identifiers and with identifiers of real objects. Every answer must be no
server error, a documented status code and content type, and a body that conforms to the schema.
The examples are bounded and derandomised: the run is reproducible and takes well under two minutes.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import ProposalStatus, RefusalReason
from tests import factories
from tests.api.clients import key_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PERSONAS = ("landlord", "mous", "metropolis")
# Per operation, persona and kind of identifier; a deeper run: SCHEMATHESIS_EXAMPLES=100.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))


@pytest.fixture
def wsgi_app():
    """The application as a server runs it, inside the test's transaction: Django closes the
    connection around each request, which would end the transaction (its test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(world):
    """Identifiers of objects the three organisations reach, per path of the schema."""
    household = world.household_a
    household.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    household.save(update_fields=["status"])
    offer = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    proposal = factories.ProposalFactory(household=household, offer=offer, status=ProposalStatus.POSITIONED)
    RefusalReason.objects.create(code="localisation", label="Localisation ne convenant pas")
    return {
        "/api/v1/projets/{id}/": world.project.pk,
        "/api/v1/batiments/{id}/": world.building.pk,
        "/api/v1/menages/{id}/": household.pk,
        "/api/v1/offres/{id}/": offer.pk,
        "/api/v1/offres/{id}/retrait/": offer.pk,
        "proposition": proposal.pk,
    }


def _real_id(path: str, ids: dict) -> int | None:
    return ids["proposition"] if path.startswith("/api/v1/propositions/{id}/") else ids.get(path)


def test_every_operation_conforms_to_the_schema(world, wsgi_app, real_ids, settings):
    settings.API_THROTTLE_RATE = "100000/minute"
    keys = {persona: key_for(world, persona) for persona in PERSONAS}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", wsgi_app, headers={"Authorization": f"Token {keys['mous']}"}
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, [op.label for op in operations]
    tested = set()
    for operation in operations:
        fixed = _real_id(operation.path, real_ids)
        for path_parameters in ({}, {"id": fixed}) if fixed else ({},):
            for persona in PERSONAS:
                _run(operation, keys[persona], path_parameters)
        tested.add(operation.label)
    assert len(tested) == len(operations)


def _run(operation, key: str, path_parameters: dict) -> None:
    @given(case=operation.as_strategy(path_parameters=path_parameters))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)

    run()
