import pytest

from relogement.households.models import Household
from relogement.projects.models import Project


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("metropolis", {"CONC-001", "CONC-002", "ALMA-001"}),
        ("commune", {"CONC-001", "CONC-002"}),
        ("mous", {"CONC-001", "CONC-002"}),
        ("social_a", {"CONC-001"}),
        ("social_b", {"CONC-002", "ALMA-001"}),
        ("landlord", {"CONC-001", "CONC-002"}),
        ("admin", set()),
        ("outsider", {"ALMA-001"}),
    ],
)
def test_households_visible_per_persona(world, persona, expected):
    user = world.users[persona]
    assert set(Household.objects.visible_to(user).values_list("reference", flat=True)) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("metropolis", {"Lille-Concorde", "Roubaix Alma"}),
        ("social_a", {"Lille-Concorde"}),
        ("landlord", {"Lille-Concorde"}),
        ("admin", set()),
        ("outsider", {"Roubaix Alma"}),
    ],
)
def test_projects_visible_per_persona(world, persona, expected):
    user = world.users[persona]
    assert set(Project.objects.visible_to(user).values_list("name", flat=True)) == expected


def test_a_household_outside_the_perimeter_gives_a_french_404_page(world):
    response = world.client_for("social_b").get(f"/menages/{world.household_a.pk}/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert "Famille Martin" not in response.content.decode()
