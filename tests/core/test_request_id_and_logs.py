"""Every response carries a request id, every log line of the request carries it too, in JSON."""

import json
import logging
import re
import sys

import pytest
from django.test import Client

from relogement.core.request_id import RequestIdFilter, request_id_context
from relogement.core.structured_logs import JsonFormatter


@pytest.fixture
def access_records():
    """The access log's records, through the filter of the console handler (LOGGING)."""
    records = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = records.append
    logger = logging.getLogger("relogement.access")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_gets_an_id_that_its_response_and_log_lines_carry(access_records):
    response = Client().get("/connexion/?q=Famille%20Martin")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert Client().get("/connexion/")["X-Request-ID"] != request_id
    [record] = access_records[:1]
    assert record.request_id == request_id and record.status == 200 and record.method == "GET"
    # The query string (a searched name) is not logged.
    assert record.path == "/connexion/" and "Martin" not in record.getMessage()


@pytest.mark.django_db
def test_a_well_formed_incoming_id_is_kept_and_a_forged_one_replaced(access_records):
    assert Client().get("/sante/", HTTP_X_REQUEST_ID="lb-7f3a.2")["X-Request-ID"] == "lb-7f3a.2"
    forged = Client().get("/sante/", HTTP_X_REQUEST_ID='x" level="CRITICAL')["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)
    assert [r.request_id for r in access_records] == ["lb-7f3a.2", forged]


def test_the_id_of_a_signed_in_users_request_is_on_its_pages(world, access_records):
    response = world.client_for("mous").get("/")
    assert response.status_code == 200
    assert access_records[-1].request_id == response["X-Request-ID"]
    assert access_records[-1].user_id == world.users["mous"].pk


def _record(message, *args, exc_info=None, **extra):
    record = logging.getLogger("relogement.test").makeRecord(
        "relogement.test", logging.ERROR, __file__, 1, message, args, exc_info, extra=extra or None
    )
    RequestIdFilter().filter(record)
    return record


def test_the_json_formatter_writes_one_object_per_line_with_the_request_id():
    try:
        raise ValueError("mauvaise valeur")
    except ValueError:
        exc_info = sys.exc_info()
    with request_id_context("abc123"):
        record = _record("Export %s en échec", 42, exc_info=exc_info, job_id=42)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "Export 42 en échec" and data["level"] == "ERROR"
    assert data["logger"] == "relogement.test" and data["request_id"] == "abc123"
    assert data["job_id"] == 42 and data["time"].endswith("+00:00")
    assert "ValueError: mauvaise valeur" in data["exception"]
    # Outside a request the id is empty, never another request's.
    assert json.loads(JsonFormatter().format(_record("hors requête")))["request_id"] == ""


def test_the_settings_log_json_outside_debug(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert settings.LOG_FORMAT == "json" and handler["formatter"] == "json"
    assert handler["filters"] == ["request_id"]
    assert settings.MIDDLEWARE[0] == "relogement.core.request_id.RequestIdMiddleware"
