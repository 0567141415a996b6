"""« Ajouter un bâtiment »: the project office enters a building of its project (issue 14, point 1)."""

import datetime as dt

import pytest
from django.urls import reverse

from relogement.projects.models import Building, Operation
from relogement.projects.services import FieldError, building_create
from tests import factories


@pytest.fixture
def operation(world):
    return factories.OperationFactory(project=world.project, name="Démolition Concorde 2")


def _url(world):
    return reverse("building_create", args=[world.project.pk])


def _data(world, op, **overrides):
    data = {
        "reference": "BAT-N",
        "address": "12 rue Auguste Bonte",
        "commune": world.commune.pk,
        "landlord": world.orgs["landlord"].pk,
        "dwellings_count": "48",
        "planned_demolition_date": "2027-06-30",
        "operation": op.pk if op else "",
        "new_operation_name": "",
        "new_operation_kind": "",
    }
    data.update(overrides)
    return data


def test_project_office_adds_a_building_seen_on_the_project_page(world, operation):
    client = world.client_for("mous")
    response = client.post(_url(world), _data(world, operation))
    building = Building.objects.get(reference="BAT-N")
    assert response.status_code == 302 and response.url == reverse("building_detail", args=[building.pk])
    assert (building.project, building.operation, building.commune) == (
        world.project,
        operation,
        world.commune,
    )
    assert building.landlord == world.orgs["landlord"]
    assert (building.address, building.dwellings_count) == ("12 rue Auguste Bonte", 48)
    assert building.planned_demolition_date == dt.date(2027, 6, 30)
    record = building.history.get()
    assert (record.history_change_reason, record.history_user) == ("Bâtiment ajouté", world.users["mous"])
    assert "BAT-N" in client.get(reverse("project_detail", args=[world.project.pk])).content.decode()
    # The new building is then open to the census.
    assert client.get(reverse("households:census", args=[building.pk])).status_code == 200


def test_a_private_stock_building_has_its_owner_and_no_landlord(world):
    """RHI, OPAH and degraded co-ownerships: the building belongs to no social landlord."""
    response = world.client_for("mous").post(
        _url(world),
        _data(
            world,
            None,
            landlord="",
            private_owner="Syndicat des copropriétaires du 3 rue Roubaix",
            new_operation_name="OPAH-RU Centre",
            new_operation_kind="opah_ru",
        ),
    )
    building = Building.objects.get(reference="BAT-N")
    assert response.status_code == 302
    assert building.landlord is None and building.is_private_stock
    assert building.private_owner == "Syndicat des copropriétaires du 3 rue Roubaix"
    assert building.operation.kind == "opah_ru"


def test_a_new_operation_can_be_named_with_the_building(world):
    response = world.client_for("mous").post(
        _url(world),
        _data(
            world,
            None,
            operation="",
            new_operation_name="Requalification Concorde",
            new_operation_kind="requalification",
        ),
    )
    assert response.status_code == 302
    building = Building.objects.get(reference="BAT-N")
    assert (building.operation.name, building.operation.kind) == (
        "Requalification Concorde",
        "requalification",
    )


def test_the_project_page_links_to_the_form_for_the_project_office_only(world):
    url = _url(world)
    page = reverse("project_detail", args=[world.project.pk])
    assert url in world.client_for("mous").get(page).content.decode()
    for persona in ("commune", "social_a", "landlord", "metropolis"):
        assert url not in world.client_for(persona).get(page).content.decode()


BAD = [
    ({"reference": ""}, "reference", "Ce champ est obligatoire."),
    ({"reference": "bat-a"}, "reference", "Le bâtiment « bat-a » existe déjà dans ce projet."),
    (
        {"dwellings_count": "0"},
        "dwellings_count",
        "Le nombre de logements doit être compris entre 1 et 5000.",
    ),
    (
        {"dwellings_count": "-3"},
        "dwellings_count",
        "Le nombre de logements doit être compris entre 1 et 5000.",
    ),
    ({"dwellings_count": "abc"}, "dwellings_count", "Saisissez un nombre entier."),
    ({"commune": ""}, "commune", "Choisissez la commune du bâtiment."),
    (
        {"landlord": ""},
        "landlord",
        "Choisissez le bailleur social du bâtiment ou, pour un bâtiment du parc privé, "
        "indiquez son propriétaire.",
    ),
    (
        {"private_owner": "SCI Les Tilleuls"},
        "private_owner",
        "Un bâtiment a un bailleur social ou un propriétaire privé, pas les deux.",
    ),
    (
        {"planned_demolition_date": "1950-01-01"},
        "planned_demolition_date",
        "La date de démolition prévue est invraisemblable.",
    ),
    ({"operation": ""}, "operation", "Choisissez l'opération du bâtiment ou nommez une nouvelle opération."),
    (
        {"new_operation_name": "Autre"},
        "new_operation_name",
        "Choisissez une opération ou nommez-en une nouvelle, pas les deux.",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD, ids=[b[1] + ":" + str(list(b[0].values())[0]) for b in BAD]
)
def test_bad_input_is_refused_next_to_the_field(world, operation, overrides, field, message):
    before = (Building.objects.count(), Operation.objects.count())
    response = world.client_for("mous").post(_url(world), _data(world, operation, **overrides))
    assert response.status_code == 200
    assert list(response.context["form"].errors[field]) == [message]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert (Building.objects.count(), Operation.objects.count()) == before


def test_a_landlord_of_the_wrong_kind_is_refused(world, operation):
    with pytest.raises(FieldError, match="n'est pas un bailleur"):
        building_create(
            project=world.project,
            actor=world.users["mous"],
            reference="BAT-X",
            commune=world.commune,
            landlord=world.orgs["social_a"],
            dwellings_count=10,
            operation=operation,
        )
    assert not Building.objects.filter(reference="BAT-X").exists()


def test_an_operation_of_another_project_is_refused(world):
    elsewhere = factories.OperationFactory(project=world.other_project, name="Alma")
    with pytest.raises(FieldError, match="n'appartient pas au projet"):
        building_create(
            project=world.project,
            actor=world.users["mous"],
            reference="BAT-X",
            commune=world.commune,
            landlord=world.orgs["landlord"],
            dwellings_count=10,
            operation=elsewhere,
        )


@pytest.mark.parametrize("persona", ["outsider", "commune", "social_a", "landlord", "metropolis", "admin"])
def test_outside_the_perimeter_or_role_is_404_and_writes_nothing(world, operation, persona):
    before = Building.objects.count()
    response = world.client_for(persona).post(_url(world), _data(world, operation))
    assert response.status_code == 404
    assert Building.objects.count() == before


def test_the_service_refuses_a_project_outside_the_perimeter(world, operation):
    with pytest.raises(FieldError):
        building_create(
            project=world.project,
            actor=world.users["outsider"],
            reference="BAT-X",
            commune=world.commune,
            landlord=world.orgs["landlord"],
            dwellings_count=10,
            operation=operation,
        )
    assert not Building.objects.filter(reference="BAT-X").exists()
