"""Issue 14 §5: no lifecycle action can make the file and the indicators disagree.

One household walks every action of ``TRANSITIONS`` (the rehousing ones through the proposal chain and
the direct rehousing form), another is split, exits and is reopened, the split-off household is
rehoused; after every step the indicators of every perimeter of the households (metropolis, project,
building, commune, landlord) are computed by the real code (``indicators.selectors``) and checked
against each other and against the files.
"""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.households.lifecycle import TRANSITIONS, TransitionNotAllowed, household_transition
from relogement.households.models import Household, HouseholdMember, ResourceLine
from relogement.households.splits import household_split
from relogement.households.statuses import HouseholdStatus as S
from relogement.indicators.perimeter import perimeter_for_user
from relogement.indicators.selectors import compute, compute_for
from relogement.offers import services as offers
from relogement.offers.models import CommissionDecision
from relogement.rehousing.models import HousingStock, Rehousing, RehousingKind
from relogement.rehousing.services import rehousing_record_direct
from tests import factories

D = dt.date
REHOUSED = {S.REHOUSED, S.POST_REHOUSING_FOLLOWUP, S.CLOSED}
STATUSES = (
    "a_diagnostiquer",
    "en_recherche",
    "proposition_en_cours",
    "reloge_temporaire",
    "reloge",
    "sorti_sans_relogement",
)


def _files(households) -> dict:
    """What the files say, counted in Python from the households and their current records."""
    census = [h for h in households if h.split_from_id is None]
    current = {
        (r.household_id, r.kind)
        for r in Rehousing.objects.current().filter(household__in=households, move_in_date__lte=D.today())
    }
    return {
        "census": len(census),
        "rehoused": sum(h.status in REHOUSED for h in census),
        "temporary": sum(h.status == S.TEMPORARILY_REHOUSED for h in census),
        "exited": sum(h.status == S.EXITED for h in census),
        "split_rehoused": sum(h.status in REHOUSED for h in households if h.split_from_id),
        "current": current,
    }


def _check(values: dict, households: list[Household], where: str) -> None:
    f = _files(households)
    v = {k: values[k] for k in values if k.startswith("avancement.")}
    by_status = [v[f"avancement.par_statut.{s}"] for s in STATUSES]
    # Each census household in exactly one status: none counted twice, none forgotten.
    assert sum(by_status) == v["avancement.recenses"] == f["census"], where
    # "Relogé" in the statuses is exactly the definitive rehousings: each has its current record.
    assert v["avancement.par_statut.reloge"] == v["avancement.reloges_definitifs"] == f["rehoused"], where
    assert (
        v["avancement.par_statut.reloge_temporaire"] == v["avancement.reloges_temporaires"] == f["temporary"]
    ), where
    assert v["avancement.sortis_sans_relogement"] == f["exited"], where
    assert v["avancement.decohabitations"] == f["split_rehoused"], where
    assert v["avancement.restant_a_reloger"] == (
        v["avancement.recenses"] - v["avancement.reloges_definitifs"] - v["avancement.sortis_sans_relogement"]
    ), where
    for h in households:
        kind = {S.TEMPORARILY_REHOUSED: RehousingKind.TEMPORARY}.get(h.status)
        if h.status in REHOUSED:
            kind = RehousingKind.DEFINITIVE
        if kind:
            assert (h.pk, kind) in f["current"], (where, h.reference, h.status)
            # One current record per household at most.
            assert Rehousing.objects.current().filter(household=h).count() == 1, (where, h.reference)


def check_everything(world, step: str, *, every_perimeter: bool = False) -> None:
    """The metropolis (building summaries) and the project (facts) after each step; the building,
    commune and landlord perimeters too after the steps that create or supersede a rehousing."""
    mous = world.users["mous"]
    households = list(Household.objects.filter(project=world.project))
    today = D.today()
    _check(
        compute(Household.objects.all(), today).values, list(Household.objects.all()), f"{step} / métropole"
    )
    if not every_perimeter:
        result = compute_for(mous, perimeter_for_user(mous, f"projet-{world.project.pk}"), today)
        _check(result.values, households, f"{step} / projet")
        return
    tokens = {
        "projet": f"projet-{world.project.pk}",
        "bâtiment": f"batiment-{world.building.pk}",
        "commune": f"commune-{world.commune.insee_code}",
        "bailleur": f"bailleur-{world.orgs['landlord'].pk}",
    }
    for label, token in tokens.items():
        result = compute_for(mous, perimeter_for_user(mous, token), today)
        _check(result.values, households, f"{step} / {label}")
    landlord = world.users["landlord"]
    result = compute_for(landlord, perimeter_for_user(landlord, "metropole"), today)
    _check(result.values, households, f"{step} / vue du bailleur")


def _through_lease(world, household, offer, start: D):
    mous = world.users["mous"]
    p = offers.proposal_position(offer=offer, household=household, actor=mous)
    offers.proposal_notify(proposal=p, actor=mous, notified_date=start)
    offers.proposal_accept(proposal=p, actor=mous, answer_date=start + dt.timedelta(days=1))
    offers.proposal_record_commission(
        proposal=p,
        actor=mous,
        decision=CommissionDecision.ALLOCATED,
        commission_date=start + dt.timedelta(days=2),
    )
    offers.proposal_sign_lease(proposal=p, actor=mous, lease_date=start + dt.timedelta(days=3))
    return p


def _direct(world, household, kind, day, **extra):
    data = {
        "housing_stock": HousingStock.PRIVATE,
        "landlord_name": "M. Dupont (propriétaire)",
        "commune": world.commune,
        "rent": Decimal("520"),
        "charges": Decimal("40"),
        "apl": Decimal("180"),
    }
    data.update(extra)
    return rehousing_record_direct(
        household=household, actor=world.users["mous"], kind=kind, move_in_date=day, **data
    )


@pytest.mark.django_db
def test_every_lifecycle_action_keeps_file_and_indicators_in_agreement(world):
    a, b = world.household_a, world.household_b
    mous = world.users["mous"]
    done: set[str] = set()

    def act(household, action, day, **kwargs):
        household_transition(household=household, action=action, actor=mous, effective_date=day, **kwargs)
        done.add(action)
        check_everything(world, f"{household.reference} {action} {day}")

    check_everything(world, "départ")
    # The plain lifecycle action cannot set "relogé" without its record, nor with another household's.
    act(a, "diagnose", D(2024, 4, 1))
    for action in ("rehouse", "rehouse_temporarily"):
        with pytest.raises(TransitionNotAllowed, match="s'enregistre avec le relogement"):
            household_transition(household=a, action=action, actor=mous, effective_date=D(2024, 4, 2))
    stray = factories.RehousingFactory(household=b, commune=world.commune, move_in_date=D(2024, 4, 2))
    with pytest.raises(TransitionNotAllowed):
        household_transition(
            household=a, action="rehouse", actor=mous, effective_date=D(2024, 4, 2), rehousing=stray
        )
    stray.delete()
    check_everything(world, "refus sans relogement")

    act(a, "start_proposal", D(2024, 4, 10))
    act(a, "resume_search", D(2024, 4, 20), reason="refus du ménage")
    # Temporary rehousing by the direct form, then a proposal that fails: back to the temporary dwelling.
    _direct(world, a, RehousingKind.TEMPORARY, D(2024, 5, 1))
    done.add("rehouse_temporarily")
    check_everything(world, "relogement provisoire direct", every_perimeter=True)
    act(a, "start_proposal", D(2024, 6, 1))
    act(a, "resume_temporary", D(2024, 6, 15), reason="refus en CALEOL")
    # Definitive rehousing through the proposal chain: supersedes the temporary record.
    offer = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    p = _through_lease(world, a, offer, D(2024, 7, 1))
    check_everything(world, "proposition jusqu'au bail")
    first = offers.proposal_move_in(proposal=p, actor=world.users["landlord"], move_in_date=D(2024, 7, 10))
    done.add("rehouse")
    check_everything(world, "emménagement", every_perimeter=True)
    temporary = Rehousing.objects.get(household=a, kind=RehousingKind.TEMPORARY)
    assert temporary.superseded_on == D(2024, 7, 10) and temporary.superseded_by == first
    act(a, "start_followup", D(2024, 8, 1))
    act(a, "close", D(2025, 7, 10))
    act(a, "reopen", D(2025, 8, 1), reason="le ménage a quitté le logement")
    # Reopened and rehoused again (private stock): a second definitive record supersedes the first.
    second = _direct(world, a, RehousingKind.DEFINITIVE, D(2025, 9, 1))
    check_everything(world, "relogement définitif après réouverture", every_perimeter=True)
    first.refresh_from_db()
    assert first.superseded_on == D(2025, 9, 1) and first.superseded_by == second
    assert Rehousing.objects.filter(household=a).count() == 3
    act(a, "close", D(2025, 9, 2))

    # Split, exit and reopen on the other household; the split-off household is rehoused.
    leaving = HouseholdMember.objects.create(
        household=b, first_name="Léa", last_name="Durand", relation="other"
    )
    HouseholdMember.objects.create(household=b, first_name="Paul", last_name="Durand", relation="reference")
    ResourceLine.objects.create(household=b, kind="salaire", monthly_amount=Decimal("1200"), member=leaving)
    new = household_split(
        household=b,
        member_ids=[leaving.pk],
        new_reference="CONC-002-B",
        actor=mous,
        effective_date=D(2024, 5, 1),
    )
    check_everything(world, "décohabitation", every_perimeter=True)
    # The leaving member's income went with her; the original household's total no longer counts it.
    assert list(new.resources.values_list("member", flat=True)) == [leaving.pk]
    b.refresh_from_db()
    new.refresh_from_db()
    assert new.monthly_resources == Decimal("1200") and b.monthly_resources is None
    act(b, "exit", D(2024, 6, 1), exit_reason="depart_autonome")
    act(b, "reopen", D(2024, 7, 1), reason="retour du ménage")
    act(new, "diagnose", D(2024, 6, 1))
    _direct(world, new, RehousingKind.DEFINITIVE, D(2024, 9, 1))
    check_everything(world, "décohabitant relogé", every_perimeter=True)
    act(b, "exit", D(2024, 10, 1), exit_reason="deces")

    assert done == set(TRANSITIONS), set(TRANSITIONS) - done
