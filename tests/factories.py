"""factory_boy factories for the domain. Traits name the situations tests need."""

import datetime as dt
from decimal import Decimal

import factory

from relogement.accounts.models import Membership, Organisation, OrganisationKind, User
from relogement.households.models import Household, HouseholdMember, HouseholdStatusChange, Relation
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import Financing, HousingOffer, Proposal
from relogement.projects.models import Building, Operation, OriginDwelling, Project
from relogement.rehousing.models import Rehousing, RehousingKind
from relogement.territory.models import Commune

DEMO_PASSWORD = "demo-relogement"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    # Five characters whatever the sequence (PostgreSQL enforces the length; codes 9xxxx are unused here).
    insee_code = factory.Sequence(lambda n: f"9{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    zone_apl = 2
    zone_abc = "B1"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.PROJECT_OFFICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        for org in extracted or []:
            Membership.objects.create(user=self, organisation=org)
        self.save()


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"projet-{n}")
    name = factory.Sequence(lambda n: f"Projet {n}")
    commune = factory.SubFactory(CommuneFactory)


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Démolition {n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    operation = factory.SubFactory(OperationFactory)
    reference = factory.Sequence(lambda n: f"BAT-{n}")
    address = factory.Sequence(lambda n: f"{n} rue des Tilleuls")
    commune = factory.LazyAttribute(lambda o: o.operation.project.commune)
    landlord = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.LANDLORD)
    dwellings_count = 40
    planned_demolition_date = dt.date(2027, 6, 30)

    class Params:
        # A building of private degraded stock: no social landlord, an owner recorded as text.
        private = factory.Trait(landlord=None, private_owner="SCI des Tilleuls")


class OriginDwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OriginDwelling

    building = factory.SubFactory(BuildingFactory)
    reference = factory.Sequence(lambda n: f"LOG-{n}")
    dwelling_type = "T3"
    living_area = Decimal("62.00")
    floor = 2


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"M{n:05d}")
    building = factory.SubFactory(BuildingFactory)
    project = factory.LazyAttribute(lambda o: o.building.project)
    census_date = dt.date(2024, 3, 1)
    reference_name = factory.Sequence(lambda n: f"Famille Exemple{n}")
    adults_count = 2
    children_count = 1
    monthly_resources = Decimal("1650.00")
    rent_before = Decimal("420.00")
    charges_before = Decimal("80.00")
    apl_before = Decimal("210.00")
    rls_before = Decimal("40.00")
    origin_dwelling_type = "T3"
    origin_living_area = Decimal("62.00")

    class Params:
        searching = factory.Trait(status=HouseholdStatus.SEARCHING)
        rehoused = factory.Trait(status=HouseholdStatus.REHOUSED)

    @factory.post_generation
    def with_history(self, create, extracted, **kwargs):
        if create:
            HouseholdStatusChange.objects.create(
                household=self, from_status="", to_status=self.status, effective_date=self.census_date
            )


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    first_name = "Alex"
    # Distinct from households' names ("Famille Exemple…"): the read-log crawl finds each name on pages.
    last_name = factory.Sequence(lambda n: f"Nommembre{n}")
    birth_date = dt.date(1980, 5, 17)
    relation = Relation.REFERENCE


class HousingOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingOffer

    landlord = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.LANDLORD)
    reference = factory.Sequence(lambda n: f"OF-{n}")
    address = factory.Sequence(lambda n: f"{n} avenue de la Paix")
    commune = factory.SubFactory(CommuneFactory)
    dwelling_type = "T3"
    living_area = Decimal("65.00")
    floor = 1
    rent = Decimal("430.00")
    charges = Decimal("90.00")
    financing = Financing.PLUS
    available_from = dt.date(2026, 1, 1)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    household = factory.SubFactory(HouseholdFactory)
    offer = factory.SubFactory(HousingOfferFactory)


class RehousingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rehousing

    household = factory.SubFactory(HouseholdFactory)
    kind = RehousingKind.DEFINITIVE
    move_in_date = dt.date(2025, 6, 1)
    commune = factory.SubFactory(CommuneFactory)
