"""The controller named on the notices and the register: recorded by an administrator, one row per
project and one default, with its history; bad input changes nothing."""

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.dataprotection.controller import controller_for, data_controller_set
from relogement.dataprotection.models import DataController


def test_the_page_records_then_updates_the_default_controller(world):
    client = world.client_for("admin")
    url = reverse("dataprotection:controller")
    data = {"name": "Métropole", "address": "1 rue du Ballon", "dpo_contact": "dpo@example.org"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "name": "Métropole Européenne de Lille"}).status_code == 302
    row = DataController.objects.get()
    assert (row.project, row.name) == (None, "Métropole Européenne de Lille")
    assert row.history.count() == 2 and row.history.first().history_user == world.users["admin"]
    assert controller_for(world.project).configured
    assert "Métropole Européenne de Lille" in client.get(url).content.decode()


def test_bad_input_changes_nothing(world):
    client = world.client_for("admin")
    response = client.post(
        reverse("dataprotection:controller"), {"name": "", "address": "x", "dpo_contact": "y"}
    )
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
    with pytest.raises(DomainError, match="contact du délégué"):
        data_controller_set(
            project=None, name="M", address="A", dpo_contact="   ", actor=world.users["admin"]
        )
    assert not DataController.objects.exists()
    assert not controller_for(world.project).configured
