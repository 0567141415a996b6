"""The API call log's retention runs every night through the task scheduler."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from relogement.accounts.models import OrganisationKind
from relogement.api import tasks
from relogement.api.models import ApiCall, ApiToken
from relogement.api.tokens import api_token_create
from tests.factories import OrganisationFactory


@pytest.fixture
def api_token(db):
    token, _ = api_token_create(
        organisation=OrganisationFactory(kind=OrganisationKind.LANDLORD), name="Logiciel du bailleur"
    )
    return token


def _call(token, days_ago):
    call = ApiCall.objects.create(
        token=token, method="GET", path="/api/v1/menages/", status=200, duration_ms=3
    )
    ApiCall.objects.filter(pk=call.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    return call


def test_the_nightly_task_deletes_the_calls_older_than_the_retention(db, settings, api_token):
    settings.API_CALL_RETENTION_DAYS = 365
    _call(api_token, 366)
    recent = _call(api_token, 364)
    due = {type(task) for task in HUEY.read_periodic(dt.datetime(2026, 12, 3, 2, 20))}
    assert tasks.purge_api_calls.task_class in due
    tasks.purge_api_calls()
    assert list(ApiCall.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_command_says_how_many_calls_it_deleted(db, settings, api_token, capsys):
    settings.API_CALL_RETENTION_DAYS = 30
    _call(api_token, 31)
    _call(api_token, 32)
    _call(api_token, 1)
    call_command("purge_api_calls")
    assert "2 appel(s) de l'API de plus de 30 jours supprimé(s)." in capsys.readouterr().out
    assert ApiCall.objects.count() == 1
    assert ApiToken.objects.filter(pk=api_token.pk).exists()
