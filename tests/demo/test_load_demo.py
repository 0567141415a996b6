"""load_demo: reproducible, consistent with the lifecycle, scoped personas, idempotent with --if-empty."""

import contextlib
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from relogement.accounts.models import Organisation, OrganisationKind, User
from relogement.households.lifecycle import TRANSITIONS
from relogement.households.models import Household, HouseholdStatusChange, OccupancyStatus
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import Answer, HousingOffer, Proposal
from relogement.projects.models import Building, OperationKind, Project
from relogement.rehousing.models import Rehousing, RehousingKind

pytestmark = pytest.mark.django_db

N = 160


class _Rollback(Exception):
    pass


def _fingerprint():
    households = list(
        Household.objects.order_by("reference").values_list(
            "reference", "reference_name", "status", "census_date", "monthly_resources", "pseudonym"
        )
    )
    offers = list(
        HousingOffer.objects.order_by("reference").values_list("reference", "commune__name", "rent")
    )
    proposals = Proposal.objects.count()
    return households, offers, proposals


@pytest.fixture
def demo(db):
    call_command("load_demo", households=N, seed=7, stdout=io.StringIO())


def test_same_seed_same_data_other_seed_other_data(db):
    def run(seed):
        with contextlib.suppress(_Rollback), transaction.atomic():
            call_command("load_demo", households=60, seed=seed, stdout=io.StringIO())
            result = _fingerprint()
            raise _Rollback
        return result

    first, second, other = run(3), run(3), run(4)
    assert first == second
    assert first != other


def test_structure_on_the_real_sites(demo):
    assert Project.objects.count() == 13
    assert Household.objects.count() >= N
    assert Building.objects.filter(project__isnull=True).count() == 0
    assert set(Building.objects.values_list("planned_demolition_date__year", flat=True)) <= set(
        range(2025, 2030)
    )
    landlords = Organisation.objects.filter(kind=OrganisationKind.LANDLORD)
    assert 4 <= landlords.count() <= 6
    assert HousingOffer.objects.count() >= 300
    assert HousingOffer.objects.filter(in_qpv=True).exists()


def test_private_degraded_stock(demo):
    """One RHI and one OPAH-RU operation, buildings without social landlord, every private occupancy."""
    private = Building.objects.filter(landlord__isnull=True)
    assert set(private.values_list("operation__kind", flat=True)) == {
        OperationKind.RHI,
        OperationKind.OPAH_RU,
    }
    assert not private.filter(private_owner="").exists()
    statuses = set(Household.objects.filter(building__in=private).values_list("occupancy_status", flat=True))
    assert {
        OccupancyStatus.OWNER_OCCUPIER,
        OccupancyStatus.PRIVATE_TENANT,
        OccupancyStatus.NO_TITLE,
    } <= statuses
    assert not Household.objects.filter(building__in=private, rls_before__isnull=False).exists()


def test_histories_follow_the_lifecycle_table(demo):
    allowed = {(source, t.target) for t in TRANSITIONS.values() for source in t.sources}
    changes = {}
    for change in HouseholdStatusChange.objects.order_by("household_id", "effective_date", "pk"):
        changes.setdefault(change.household_id, []).append(change)
    for household in Household.objects.all():
        chain = changes[household.pk]
        assert chain[0].from_status == "" and chain[0].to_status == HouseholdStatus.TO_DIAGNOSE
        assert chain[0].effective_date == household.census_date
        for before, after in zip(chain, chain[1:], strict=False):
            assert after.from_status == before.to_status
            assert (after.from_status, after.to_status) in allowed
            assert after.effective_date >= before.effective_date
        assert chain[-1].to_status == household.status
        if household.status == HouseholdStatus.EXITED:
            assert household.exit_reason


def test_money_and_rehousing_are_consistent(demo):
    for household in Household.objects.annotate(total=Sum("resources__monthly_amount"))[:50]:
        assert household.total == household.monthly_resources
    rehoused = Household.objects.filter(
        status__in=[HouseholdStatus.REHOUSED, HouseholdStatus.POST_REHOUSING_FOLLOWUP, HouseholdStatus.CLOSED]
    )
    definitive = Rehousing.objects.filter(kind=RehousingKind.DEFINITIVE)
    assert definitive.count() == rehoused.count()
    assert definitive.filter(rent__gt=0, apl__gte=0).count() == definitive.count()
    # Each household has at most one current record; a temporary one left for the definitive is history.
    assert not (
        Rehousing.objects.current().values("household").annotate(n=Count("pk")).filter(n__gt=1).exists()
    )
    temporarily = Household.objects.filter(status=HouseholdStatus.TEMPORARILY_REHOUSED)
    current_temporary = Rehousing.objects.current().filter(kind=RehousingKind.TEMPORARY).values("household")
    assert not temporarily.exclude(pk__in=current_temporary).exists()
    refused = Proposal.objects.filter(answer=Answer.REFUSED)
    assert refused.exists()
    assert not refused.filter(refusal_reason_text="").exists()
    assert Household.objects.filter(rent_before__gt=Decimal("100")).exists()


def test_social_notes_are_held_by_the_household_provider(demo):
    """Bulk inserts skip the models' save(): the generator attributes notes itself, or no provider
    would read them (permissions.predicates.can_view_social_note)."""
    from django.db.models import F

    from relogement.households.models import SocialDiagnosis, SupportLogEntry

    for model in (SupportLogEntry, SocialDiagnosis):
        assert model.objects.exists()
        assert not model.objects.exclude(holder=F("household__social_provider")).exists()
        assert not model.objects.exclude(organisation=F("household__social_provider")).exists()
    with_note = Household.objects.exclude(health_note="")
    assert with_note.exists()
    assert not with_note.exclude(health_note_holder=F("social_provider")).exists()


def test_demo_logins_and_perimeters(demo):
    client = Client()
    for username in ("metropole", "commune", "mous", "social-a", "social-b", "bailleur", "admin"):
        # django-axes' backend needs the request (it counts failures per address): the login page gives
        # it, the test client's login() does not unless passed one.
        assert client.login(request=HttpRequest(), username=username, password="demo-relogement"), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    commune_projects = set(User.objects.get(username="commune").active_organisation.projects.all())
    mous_projects = set(User.objects.get(username="mous").active_organisation.projects.all())
    assert commune_projects and commune_projects == mous_projects
    social_a = User.objects.get(username="social-a")
    provider_a = social_a.active_organisation
    assert Household.objects.visible_to(social_a).exclude(social_provider=provider_a).count() == 0
    assert Household.objects.visible_to(social_a).count() > 0
    assert Household.objects.filter(split_from__isnull=False).exists() or N < 200


def test_pages_work_for_every_persona(demo):
    for username in ("metropole", "commune", "mous", "social-a", "social-b", "bailleur", "admin"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("project_list")).status_code == 200
        response = client.get(reverse("building_list"))
        assert response.status_code == 200
        for building in response.context["page"][:2]:
            assert client.get(reverse("building_detail", args=[building.pk])).status_code == 200
            assert client.get(reverse("project_detail", args=[building.project_id])).status_code == 200


def test_if_empty_does_nothing_but_prints_logins(demo, capsys):
    count = Household.objects.count()
    call_command("load_demo", households=N, if_empty=True)
    out = capsys.readouterr().out
    assert Household.objects.count() == count
    assert "social-a" in out and "demo-relogement" in out


def test_refuses_to_add_to_existing_data(demo):
    with pytest.raises(CommandError, match="déjà des ménages"):
        call_command("load_demo", households=10)


def test_rejects_bad_size(db):
    with pytest.raises(CommandError, match="au moins 1"):
        call_command("load_demo", households=0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_load_demo_vacuums_and_builds_the_indicator_facts_on_postgresql():
    from django.db import connection

    from relogement.indicators.models import BuildingSummary, HouseholdFact, StaleHousehold

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM : PostgreSQL seulement")
    call_command("load_demo", households=40, stdout=io.StringIO())
    assert HouseholdFact.objects.count() == Household.objects.count() > 0
    assert BuildingSummary.objects.exists() and not StaleHousehold.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'households_household'"
        )
        assert cursor.fetchone()[0]


def test_a_few_households_show_potential_rights(demo):
    """Some demo households claim neither the RSA nor the housing benefit they may be entitled to: their
    social provider's "droits potentiels à vérifier" lists them (docs/benefits.md)."""
    from relogement.benefits.rights import potential_rights

    candidates = Household.objects.filter(apl_before__isnull=True, rent_before__isnull=False).select_related(
        "building__commune"
    )
    assert 0 < candidates.count() < N // 5
    flagged = [potential_rights(household) for household in candidates[:3]]
    assert any(check.rights for check in flagged)
