"""Issue 18 §2: each role's home page is its work queue, computed by the alert rules
(``alerts.rules.work_queue``): the right sections per role, their TOTAL (not cut at the rows shown),
links to the pages that show them all and agree with them, nothing outside the perimeter, the
explanation of the difference with the dashboard, and a constant number of queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relogement.alerts import rules
from relogement.households.models import Household, NextStep
from relogement.offers.models import Answer, OfferStatus, ProposalStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
P = ProposalStatus


def _proposal(world, household, status, **fields):
    return factories.ProposalFactory(
        household=household, offer__landlord=world.orgs["landlord"], status=status, **fields
    )


def _pipeline(world):
    """One proposal per stage in the project (household A: answer pending and late; B: the others)
    and, in the other project, one at each stage that must never be counted by the project's roles."""
    _proposal(
        world,
        world.household_a,
        P.PROPOSED,
        answer=Answer.PENDING,
        notified_date=TODAY,
        answer_deadline=TODAY + dt.timedelta(days=5),
    )
    _proposal(
        world,
        world.household_a,
        P.PROPOSED,
        answer=Answer.PENDING,
        notified_date=TODAY - dt.timedelta(days=20),
        answer_deadline=TODAY - dt.timedelta(days=2),
    )
    _proposal(world, world.household_b, P.ACCEPTED, answer=Answer.ACCEPTED)
    _proposal(world, world.household_b, P.COMMISSION_ALLOCATED, commission_date=TODAY)
    _proposal(world, world.household_b, P.LEASE_SIGNED, lease_date=TODAY)
    for status in (P.PROPOSED, P.ACCEPTED, P.COMMISSION_ALLOCATED, P.LEASE_SIGNED):
        factories.ProposalFactory(
            household=world.household_other, status=status, offer__landlord=world.orgs["other_landlord"]
        )


def _sections(user):
    return {s.key: s for s in rules.work_queue(user)}


def _totals(user):
    """The proposal stages' totals (the world's buildings have their own demolition verdicts)."""
    return {key: s.total for key, s in _sections(user).items() if key.startswith("proposition-")}


def test_project_office_sees_every_stage_of_its_project_only(world):
    _pipeline(world)
    assert _totals(world.users["mous"]) == {
        "proposition-reponse": 1,
        "proposition-delai": 1,
        "proposition-caleol": 1,
        "proposition-bail": 1,
        "proposition-emmenagement": 1,
    }
    html = world.client_for("mous").get(reverse("home")).content.decode()
    assert "Propositions au délai de réponse dépassé" in html and "CONC-001" in html
    assert "ALMA-001" not in html
    assert f'href="{reverse("households:list")}?proposition=caleol"' in html
    assert reverse("alerts:centre") in html


def test_social_worker_sees_its_households_only(world):
    _pipeline(world)
    totals = _totals(world.users["social_a"])
    assert totals == {"proposition-reponse": 1, "proposition-delai": 1}  # household A only
    html = world.client_for("social_a").get(reverse("home")).content.decode()
    assert "CONC-001" in html and "CONC-002" not in html
    # Provider B: household B in the project, its household in the other project too.
    assert _totals(world.users["social_b"])["proposition-caleol"] == 2


def test_outsider_and_admin_have_nothing_of_the_project(world):
    _pipeline(world)
    assert _totals(world.users["outsider"]) == {
        "proposition-reponse": 1,
        "proposition-caleol": 1,
        "proposition-bail": 1,
        "proposition-emmenagement": 1,
    }  # the other project's only
    assert rules.work_queue(world.users["admin"]) == []
    assert "À faire" not in world.client_for("admin").get(reverse("home")).content.decode()


def test_the_queue_counts_agree_with_the_filtered_household_list(world):
    _pipeline(world)
    for persona in ("mous", "social_a", "social_b", "commune"):
        client = world.client_for(persona)
        for key, section in _sections(world.users[persona]).items():
            if not key.startswith("proposition-"):
                continue
            response = client.get(section.url)
            assert response.status_code == 200
            assert response.context["page"].paginator.count == section.total, (persona, key)


def test_the_household_list_filter_by_stage(world):
    _pipeline(world)
    client = world.client_for("mous")
    response = client.get(reverse("households:list"), {"proposition": "bail"})
    assert [h.reference for h in response.context["page"]] == ["CONC-002"]
    response = client.get(reverse("households:list"), {"proposition": "reponse"})
    assert [h.reference for h in response.context["page"]] == ["CONC-001"]
    # An unknown stage is a form error that filters nothing away.
    response = client.get(reverse("households:list"), {"proposition": "pigeon"})
    assert response.context["form"].errors["proposition"]


def test_overdue_steps_give_their_total_and_link_to_all_of_them(world):
    user = world.users["social_a"]
    NextStep.objects.bulk_create(
        NextStep(
            household=world.household_a,
            title=f"Relancer {i}",
            due_date=TODAY - dt.timedelta(days=i + 1),
            assignee=user,
        )
        for i in range(rules.LIMIT + 3)
    )
    section = _sections(user)[rules.AlertKind.OVERDUE_STEP]
    assert section.total == rules.LIMIT + 3 and len(section.alerts) == rules.QUEUE_ROWS
    client = world.client_for("social_a")
    html = client.get(reverse("home")).content.decode()
    assert f"… et {rules.LIMIT + 3 - rules.QUEUE_ROWS} autre(s)" in html
    assert f'href="{reverse("alerts:centre")}?type=overdue_step"' in html
    # The alert centre cuts at its limit and says how many there are; its page for the kind shows all.
    centre = client.get(reverse("alerts:centre")).content.decode()
    assert "?type=overdue_step" in centre and f"plus urgentes sur {rules.LIMIT + 3}" in centre
    full = client.get(reverse("alerts:centre"), {"type": "overdue_step"})
    assert full.context["total"] == rules.LIMIT + 3
    assert len(full.context["page"].object_list) == rules.LIMIT + 3
    # Not the others' steps: provider B has none of them.
    assert rules.AlertKind.OVERDUE_STEP not in _sections(world.users["social_b"])
    assert (
        world.client_for("social_b").get(reverse("alerts:centre"), {"type": "overdue_step"}).context["total"]
        == 0
    )


def test_landlord_sees_its_offers_without_candidate(world):
    landlord = world.orgs["landlord"]
    for _ in range(7):
        factories.HousingOfferFactory(landlord=landlord, commune=world.commune)
    factories.HousingOfferFactory(landlord=landlord, commune=world.commune, status=OfferStatus.POSITIONED)
    factories.HousingOfferFactory(landlord=world.orgs["other_landlord"], commune=world.commune)
    section = _sections(world.users["landlord"])["offres-sans-candidat"]
    assert section.total == 7 and len(section.alerts) == rules.QUEUE_ROWS
    client = world.client_for("landlord")
    html = client.get(reverse("home")).content.decode()
    assert "Vos offres sans candidat" in html and "… et 2 autre(s)" in html
    listed = client.get(section.url)
    assert listed.context["page"].paginator.count == 7
    # Another landlord's offer that the landlord sees (one of its households was positioned on it):
    # in the offer list, not « its offers » — the « Mes offres seulement » filter keeps the two equal.
    seen = factories.HousingOfferFactory(landlord=world.orgs["other_landlord"], commune=world.commune)
    factories.ProposalFactory(household=world.household_a, offer=seen, status=ProposalStatus.WITHDRAWN)
    assert _sections(world.users["landlord"])["offres-sans-candidat"].total == 7
    assert client.get(reverse("offers:list"), {"status": "available"}).context["page"].paginator.count == 8
    assert client.get(section.url).context["page"].paginator.count == 7
    assert "Mes offres seulement" not in world.client_for("mous").get(reverse("offers:list")).content.decode()
    # Not for the other roles.
    for persona in ("mous", "commune", "social_a", "metropolis"):
        assert "offres-sans-candidat" not in _sections(world.users[persona])


def test_commune_and_project_office_see_buildings_at_risk_not_the_social_worker(world):
    world.building.planned_demolition_date = TODAY - dt.timedelta(days=30)
    world.building.save()
    for persona in ("mous", "commune"):
        section = _sections(world.users[persona])[rules.AlertKind.BUILDING_AT_RISK]
        assert section.total == 1 and section.alerts[0].subject == "BAT-A"
        html = world.client_for(persona).get(reverse("home")).content.decode()
        assert re.search(r'<th scope="row">BAT-A</th><td data-verdict="overdue">', html)
        assert reverse("matching:risk") in html
    assert rules.AlertKind.BUILDING_AT_RISK not in _sections(world.users["social_a"])
    outsider = _sections(world.users["outsider"])[rules.AlertKind.BUILDING_AT_RISK]
    assert [a.subject for a in outsider.alerts] == ["BAT-Z"]  # its own project's building only


def test_metropolis_reads_counts_only_under_the_secret(world):
    _pipeline(world)
    html = world.client_for("metropolis").get(reverse("home")).content.decode()
    assert "Propositions acceptées en attente de CALEOL" in html
    assert "CONC-001" not in html and "ALMA-001" not in html  # no line naming a household
    assert 'title="secret statistique"' in html


def test_home_explains_why_the_dashboard_counts_fewer_households(world):
    html = world.client_for("mous").get(reverse("home")).content.decode()
    assert "ecart-tableau-de-bord" not in html
    factories.HouseholdFactory(
        building=world.building, social_provider=world.orgs["social_a"], split_from=world.household_a
    )
    html = world.client_for("mous").get(reverse("home")).content.decode()
    assert 'id="ecart-tableau-de-bord"' in html and "décohabitation" in html
    assert "dont 1 ménage(s) issu(s) d'une décohabitation" in html
    assert Household.objects.visible_to(world.users["mous"]).count() == 3


def _grow(world, n):
    for i in range(n):
        h = factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], referent=world.users["social_a"]
        )
        for status in (P.PROPOSED, P.ACCEPTED, P.COMMISSION_ALLOCATED, P.LEASE_SIGNED):
            _proposal(
                world,
                h,
                status,
                notified_date=TODAY - dt.timedelta(days=60),
                answer_deadline=TODAY - dt.timedelta(days=i % 3),
            )
        NextStep.objects.create(household=h, title="Relancer", due_date=TODAY - dt.timedelta(days=1))
        factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
        factories.RehousingFactory(household=h, move_in_date=TODAY - dt.timedelta(days=170))
    world.building.planned_demolition_date = TODAY - dt.timedelta(days=30)
    world.building.save()


@pytest.mark.parametrize("persona", ["mous", "commune", "social_a", "landlord", "metropolis"])
def test_home_has_a_constant_number_of_queries(world, persona, django_assert_max_num_queries):
    client = world.client_for(persona)
    client.get(reverse("home"))  # warm the session
    _grow(world, rules.QUEUE_ROWS + 1)  # more rows than a section shows: its total is a count
    with django_assert_max_num_queries(40) as small:
        assert client.get(reverse("home")).status_code == 200
    _grow(world, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("home")).status_code == 200
