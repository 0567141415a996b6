"""Shared fixtures: a small world with one named persona per role.

The personas (DOMAIN.md §2): ``metropolis`` analyst, ``commune`` agent, ``mous`` project officer,
``social_a`` and ``social_b`` social workers of two providers, ``landlord`` agent, ``admin``, and
``outsider`` (a project office of another project) who must get 404s everywhere.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from relogement.accounts.models import Organisation, OrganisationKind, User
from relogement.households.models import Household
from relogement.projects.models import Building, Project
from tests import factories


@dataclass
class World:
    commune: object
    other_commune: object
    project: Project
    other_project: Project
    building: Building
    other_building: Building
    orgs: dict[str, Organisation]
    users: dict[str, User]
    household_a: Household  # followed by provider A, in the project
    household_b: Household  # followed by provider B, in the project
    household_other: Household  # in the other project, provider B

    def client_for(self, persona: str) -> Client:
        client = Client()
        client.force_login(self.users[persona])
        return client


@pytest.fixture
def world(db) -> World:
    commune = factories.CommuneFactory(insee_code="59350", name="Lille", zone_apl=2, zone_abc="A")
    other_commune = factories.CommuneFactory(insee_code="59512", name="Roubaix", zone_apl=2, zone_abc="B1")
    project = factories.ProjectFactory(code="lille-concorde", name="Lille-Concorde", commune=commune)
    other_project = factories.ProjectFactory(code="roubaix-alma", name="Roubaix Alma", commune=other_commune)
    orgs = {
        "metropolis": factories.OrganisationFactory(name="GIP Métropole", kind=OrganisationKind.METROPOLIS),
        "commune": factories.OrganisationFactory(
            name="Ville de Lille", kind=OrganisationKind.MUNICIPALITY, commune=commune
        ),
        "mous": factories.OrganisationFactory(name="MOUS Concorde", kind=OrganisationKind.PROJECT_OFFICE),
        "social_a": factories.OrganisationFactory(
            name="Prestataire A", kind=OrganisationKind.SOCIAL_PROVIDER
        ),
        "social_b": factories.OrganisationFactory(
            name="Prestataire B", kind=OrganisationKind.SOCIAL_PROVIDER
        ),
        "landlord": factories.OrganisationFactory(name="Bailleur Nord", kind=OrganisationKind.LANDLORD),
        "other_landlord": factories.OrganisationFactory(name="Bailleur Sud", kind=OrganisationKind.LANDLORD),
        "admin": factories.OrganisationFactory(name="Administration", kind=OrganisationKind.ADMIN),
        "outsider": factories.OrganisationFactory(name="MOUS Alma", kind=OrganisationKind.PROJECT_OFFICE),
    }
    for key in ("commune", "mous", "social_a", "social_b"):
        orgs[key].projects.add(project)
    orgs["social_b"].projects.add(other_project)
    orgs["outsider"].projects.add(other_project)
    building = factories.BuildingFactory(
        operation__project=project, reference="BAT-A", landlord=orgs["landlord"], commune=commune
    )
    other_building = factories.BuildingFactory(
        operation__project=other_project,
        reference="BAT-Z",
        landlord=orgs["other_landlord"],
        commune=other_commune,
    )
    users = {}
    for key in ("metropolis", "commune", "mous", "social_a", "social_b", "landlord", "admin", "outsider"):
        users[key] = factories.UserFactory(username=key, organisations=[orgs[key]])
    household_a = factories.HouseholdFactory(
        building=building,
        social_provider=orgs["social_a"],
        reference="CONC-001",
        reference_name="Famille Martin",
    )
    household_b = factories.HouseholdFactory(
        building=building,
        social_provider=orgs["social_b"],
        reference="CONC-002",
        reference_name="Famille Durand",
    )
    household_other = factories.HouseholdFactory(
        building=other_building,
        social_provider=orgs["social_b"],
        reference="ALMA-001",
        reference_name="Famille Petit",
    )
    return World(
        commune=commune,
        other_commune=other_commune,
        project=project,
        other_project=other_project,
        building=building,
        other_building=other_building,
        orgs=orgs,
        users=users,
        household_a=household_a,
        household_b=household_b,
        household_other=household_other,
    )


@pytest.fixture
def cache_on(settings):
    """The figures' and alerts' caches as in production (the test settings turn them off), empty:
    primary keys are reused from one test to the next on SQLite, so a previous test's figures could
    share a data version."""
    from django.core.cache import cache

    settings.INDICATORS_CACHE_SECONDS = 600
    settings.ALERTS_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()
