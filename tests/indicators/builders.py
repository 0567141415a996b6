"""Hand-built data for the indicator tests: every figure of ``scenario`` is worked out in its docstring."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from relogement.accounts.models import OrganisationKind
from relogement.followup.models import FollowUp
from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import Answer, Proposal, RefusalReason
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories

D = dt.date


def household(building, *, census, history, split_from=None, provider=None, **fields):
    """A household whose status history is exactly ``history`` [(date, status), …]."""
    h = factories.HouseholdFactory(
        building=building,
        census_date=census,
        status=history[-1][1],
        split_from=split_from,
        social_provider=provider,
        **fields,
    )
    h.status_changes.all().delete()
    previous = ""
    for date, status in history:
        HouseholdStatusChange.objects.create(
            household=h, from_status=previous, to_status=status, effective_date=date
        )
        previous = status
    return h


def rehouse(h, *, move_in, commune, kind=RehousingKind.DEFINITIVE, **fields):
    return Rehousing.objects.create(household=h, kind=kind, move_in_date=move_in, commune=commune, **fields)


def proposal(h, *, notified, answer, answer_date=None, reason=None, text=""):
    return Proposal.objects.create(
        household=h,
        notified_date=notified,
        answer=answer,
        answer_date=answer_date,
        refusal_reason=reason,
        refusal_reason_text=text or (reason.label if reason else ""),
        commune=h.building.commune,
    )


@dataclass
class Scenario:
    project: object
    other_project: object
    b1: object
    b2: object
    b3: object
    empty_building: object
    lille: object
    roubaix: object
    l1: object
    l2: object
    provider_a: object
    provider_b: object
    h: dict


def scenario() -> Scenario:
    """Project P (Lille): building B1 (Lille, landlord L1) and B2 (Roubaix, landlord L2); project Q: B3
    (Roubaix, L2). Expected figures for project P as of 2025-12-31 (see test_compute.py):

    C = h1 h2 h3 h4 h5 h8 (h6 is a split, h7 censused in 2026) → 6; D = h1 h2 h6 h8 → 4; Dc = h1 h2 h8.
    """
    lille = factories.CommuneFactory(insee_code="59350", name="Lille")
    roubaix = factories.CommuneFactory(insee_code="59512", name="Roubaix")
    l1 = factories.OrganisationFactory(name="Bailleur Un", kind=OrganisationKind.LANDLORD)
    l2 = factories.OrganisationFactory(name="Bailleur Deux", kind=OrganisationKind.LANDLORD)
    provider_a = factories.OrganisationFactory(
        name="Prestataire Alpha", kind=OrganisationKind.SOCIAL_PROVIDER
    )
    provider_b = factories.OrganisationFactory(name="Prestataire Bêta", kind=OrganisationKind.SOCIAL_PROVIDER)
    project = factories.ProjectFactory(code="lille-p", name="Projet Lille P", commune=lille)
    other_project = factories.ProjectFactory(code="roubaix-q", name="Projet Roubaix Q", commune=roubaix)
    b1 = factories.BuildingFactory(operation__project=project, reference="B1", commune=lille, landlord=l1)
    b2 = factories.BuildingFactory(operation__project=project, reference="B2", commune=roubaix, landlord=l2)
    b3 = factories.BuildingFactory(
        operation__project=other_project, reference="B3", commune=roubaix, landlord=l2
    )
    empty_building = factories.BuildingFactory(
        operation__project=project, reference="B-VIDE", commune=lille, landlord=l1
    )
    too_expensive = RefusalReason.objects.create(code="trop_cher", label="Loyer trop cher")
    RefusalReason.objects.create(code="trop_petit", label="Logement trop petit")
    RefusalReason.objects.create(code="ancien", label="Ancien motif", active=False)
    y24 = D(2024, 1, 1)
    h = {}
    h["h1"] = household(
        b1,
        census=y24,
        history=[(y24, S.TO_DIAGNOSE), (D(2024, 2, 1), S.SEARCHING), (D(2025, 3, 1), S.REHOUSED)],
        provider=provider_a,
        monthly_resources=Decimal("1000.00"),
        adults_count=2,
        children_count=1,
        origin_living_area=Decimal("62.00"),
    )
    rehouse(
        h["h1"],
        move_in=D(2025, 3, 1),
        commune=lille,
        in_qpv=False,
        housing_stock="social",
        commissioning_date=D(2021, 6, 1),
        living_area=Decimal("70.00"),
        rent=Decimal("400.00"),
        charges=Decimal("100.00"),
        apl=Decimal("150.00"),
        rls=Decimal("30.00"),
        rent_reduction_payment=True,
    )
    FollowUp.objects.create(
        household=h["h1"],
        months_after=6,
        due_date=D(2025, 9, 1),
        done_on=D(2025, 9, 1),
        home_satisfaction="satisfait",
        rent_arrears=False,
    )
    proposal(
        h["h1"],
        notified=D(2024, 6, 1),
        answer=Answer.REFUSED,
        answer_date=D(2024, 6, 10),
        reason=too_expensive,
    )
    proposal(h["h1"], notified=D(2025, 1, 10), answer=Answer.ACCEPTED, answer_date=D(2025, 1, 20))
    h["h2"] = household(
        b1,
        census=y24,
        history=[
            (y24, S.TO_DIAGNOSE),
            (D(2024, 2, 1), S.SEARCHING),
            (D(2025, 6, 1), S.REHOUSED),
            (D(2025, 10, 1), S.POST_REHOUSING_FOLLOWUP),
        ],
        provider=provider_a,
    )
    rehouse(
        h["h2"],
        move_in=D(2025, 6, 1),
        commune=roubaix,
        in_qpv=True,
        housing_stock="prive",
        rent=Decimal("500.00"),
        charges=Decimal("50.00"),
        apl=None,
    )
    FollowUp.objects.create(
        household=h["h2"],
        months_after=6,
        due_date=D(2025, 12, 1),
        done_on=D(2025, 12, 1),
        home_satisfaction="pas_satisfait",
        rent_arrears=True,
    )
    proposal(h["h2"], notified=D(2025, 4, 1), answer=Answer.ACCEPTED, answer_date=D(2025, 4, 5))
    h["h3"] = household(
        b1,
        census=y24,
        history=[(y24, S.TO_DIAGNOSE), (D(2025, 5, 1), S.TEMPORARILY_REHOUSED)],
        provider=provider_b,
    )
    rehouse(h["h3"], move_in=D(2025, 5, 1), commune=lille, kind=RehousingKind.TEMPORARY)
    h["h4"] = household(
        b1,
        census=y24,
        history=[(y24, S.TO_DIAGNOSE), (D(2025, 4, 1), S.EXITED)],
        provider=provider_b,
        exit_reason="depart_autonome",
    )
    h["h5"] = household(
        b1,
        census=y24,
        history=[(y24, S.TO_DIAGNOSE), (D(2024, 3, 1), S.SEARCHING), (D(2026, 2, 1), S.REHOUSED)],
        provider=provider_b,
    )
    rehouse(h["h5"], move_in=D(2026, 2, 1), commune=lille, housing_stock="social")
    # Refused after the as-of date (pending on 2025-12-31), then one notified after it.
    proposal(
        h["h5"],
        notified=D(2025, 11, 1),
        answer=Answer.REFUSED,
        answer_date=D(2026, 1, 10),
        reason=too_expensive,
    )
    proposal(
        h["h5"],
        notified=D(2026, 1, 5),
        answer=Answer.REFUSED,
        answer_date=D(2026, 1, 6),
        reason=too_expensive,
    )
    h["h6"] = household(
        b1,
        census=D(2025, 2, 1),
        history=[(D(2025, 2, 1), S.SEARCHING), (D(2025, 8, 1), S.REHOUSED)],
        split_from=h["h1"],
        provider=provider_a,
    )
    rehouse(
        h["h6"],
        move_in=D(2025, 8, 1),
        commune=lille,
        in_qpv=False,
        housing_stock="social",
        rent=Decimal("300.00"),
        charges=Decimal("50.00"),
        apl=Decimal("100.00"),
    )
    h["h7"] = household(
        b1, census=D(2026, 1, 15), history=[(D(2026, 1, 15), S.TO_DIAGNOSE)], provider=provider_b
    )
    h["h8"] = household(
        b2,
        census=D(2024, 6, 1),
        history=[(D(2024, 6, 1), S.TO_DIAGNOSE), (D(2024, 7, 1), S.SEARCHING), (D(2025, 10, 1), S.REHOUSED)],
        provider=provider_b,
        monthly_resources=Decimal("0.00"),
        adults_count=2,
        children_count=3,
        origin_living_area=Decimal("40.00"),
        rent_before=Decimal("400.00"),
        charges_before=Decimal("70.00"),
        apl_before=Decimal("250.00"),
        rls_before=None,
    )
    rehouse(
        h["h8"],
        move_in=D(2025, 10, 1),
        commune=roubaix,
        in_qpv=False,
        housing_stock="social",
        commissioning_date=D(2015, 1, 1),
        living_area=Decimal("80.00"),
        rent=Decimal("450.00"),
        charges=Decimal("60.00"),
        apl=Decimal("200.00"),
        rls=Decimal("50.00"),
        rent_reduction_payment=False,
    )
    proposal(
        h["h8"],
        notified=D(2024, 9, 1),
        answer=Answer.REFUSED,
        answer_date=D(2024, 9, 5),
        text="Logement trop petit",
    )
    proposal(
        h["h8"],
        notified=D(2025, 2, 1),
        answer=Answer.REFUSED,
        answer_date=D(2025, 2, 5),
        reason=too_expensive,
    )
    proposal(h["h8"], notified=D(2025, 6, 1), answer=Answer.ACCEPTED, answer_date=D(2025, 6, 5))
    h["h9"] = household(
        b3, census=y24, history=[(y24, S.TO_DIAGNOSE), (D(2025, 1, 1), S.REHOUSED)], provider=provider_b
    )
    rehouse(h["h9"], move_in=D(2025, 1, 1), commune=lille, in_qpv=True, housing_stock="social")
    proposal(
        h["h9"],
        notified=D(2024, 10, 1),
        answer=Answer.REFUSED,
        answer_date=D(2024, 10, 2),
        text="Trop loin du travail",
    )
    return Scenario(
        project, other_project, b1, b2, b3, empty_building, lille, roubaix, l1, l2, provider_a, provider_b, h
    )
