"""Hand-built perimeter for the exchange tests: splits, temporary rehousing, exits, refusals, gaps."""

import datetime as dt
from decimal import Decimal

from relogement.followup.models import FollowUp
from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import Answer, Proposal, ProposalStatus, ProposalTransition, RefusalReason
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories


def _history(household, *steps):
    previous = ""
    for status, date in steps:
        HouseholdStatusChange.objects.create(
            household=household, from_status=previous, to_status=status, effective_date=date
        )
        previous = status


def build_perimeter(world):
    """Adds five households to ``world.project`` (and keeps the world's three)."""
    HouseholdStatusChange.objects.all().delete()
    for h in (world.household_a, world.household_b, world.household_other):
        _history(h, (S.TO_DIAGNOSE, h.census_date))
    reason = RefusalReason.objects.create(code="trop-cher", label="Loyer trop élevé")
    make = factories.HouseholdFactory
    rehoused = make(
        building=world.building,
        reference="CONC-010",
        reference_name="Famille Bernard",
        status=S.REHOUSED,
        census_date=dt.date(2023, 1, 10),
        household_type="couple_avec_enfants",
        reference_age=44,
        reduced_mobility=True,
        with_history=False,
    )
    _history(rehoused, (S.TO_DIAGNOSE, dt.date(2023, 1, 10)), (S.SEARCHING, dt.date(2023, 2, 1)))
    _history(rehoused, (S.REHOUSED, dt.date(2024, 5, 15)))
    Rehousing.objects.create(
        household=rehoused,
        kind=RehousingKind.DEFINITIVE,
        move_in_date=dt.date(2024, 5, 15),
        landlord=world.orgs["other_landlord"],
        landlord_name="Bailleur Sud",
        commune=world.other_commune,
        in_qpv=False,
        housing_stock="social",
        commissioning_date=dt.date(2022, 9, 1),
        dwelling_type="T4",
        living_area=Decimal("78.50"),
        rent=Decimal("512.30"),
        charges=Decimal("95.00"),
        apl=Decimal("240.00"),
        rls=Decimal("48.10"),
        rent_reduction_payment=True,
    )
    FollowUp.objects.create(
        household=rehoused,
        months_after=6,
        due_date=dt.date(2024, 11, 15),
        done_on=dt.date(2024, 11, 15),
        home_satisfaction="satisfait",
        rent_arrears=False,
    )
    Proposal.objects.create(
        household=rehoused,
        offer=None,
        status=ProposalStatus.REFUSED,
        landlord_name="Bailleur Nord",
        commune=world.commune,
        dwelling_type="T3",
        living_area=Decimal("60.00"),
        rent=Decimal("450.00"),
        charges=Decimal("70.00"),
        in_qpv=True,
        notified_date=dt.date(2024, 1, 5),
        answer=Answer.REFUSED,
        answer_date=dt.date(2024, 1, 20),
        refusal_reason=reason,
        refusal_reason_text="Loyer trop élevé",
    )
    Proposal.objects.create(
        household=rehoused,
        status=ProposalStatus.ACCEPTED,
        landlord_name="Bailleur Sud",
        commune=world.other_commune,
        notified_date=dt.date(2024, 3, 2),
        answer=Answer.ACCEPTED,
        answer_date=dt.date(2024, 3, 9),
    )
    split = make(
        building=world.building,
        reference="CONC-010-D",
        reference_name="M. Bernard fils",
        split_from=rehoused,
        status=S.TEMPORARILY_REHOUSED,
        census_date=dt.date(2023, 6, 1),
        adults_count=1,
        children_count=0,
        monthly_resources=None,
        rent_before=None,
        charges_before=None,
        apl_before=None,
        rls_before=None,
        origin_dwelling_type="",
        origin_living_area=None,
        with_history=False,
    )
    _history(split, (S.TO_DIAGNOSE, dt.date(2023, 6, 1)), (S.TEMPORARILY_REHOUSED, dt.date(2024, 2, 1)))
    Rehousing.objects.create(
        household=split,
        kind=RehousingKind.TEMPORARY,
        move_in_date=dt.date(2024, 2, 1),
        commune=world.commune,
        in_qpv=None,
        housing_stock="structure",
    )
    Proposal.objects.create(
        household=split,
        landlord_name="Bailleur Nord",
        commune=world.commune,
        notified_date=dt.date(2024, 6, 1),
        answer=Answer.PENDING,
        stock_kind="foyer",  # the optional column ``type_logement`` round-trips too
    )
    exited = make(
        building=world.building,
        reference="CONC-011",
        reference_name="",
        status=S.EXITED,
        exit_reason="depart_autonome",
        census_date=dt.date(2023, 1, 10),
        with_history=False,
    )
    _history(exited, (S.TO_DIAGNOSE, dt.date(2023, 1, 10)), (S.EXITED, dt.date(2023, 9, 1)))
    searching = make(
        building=world.building,
        reference="CONC-012",
        status=S.SEARCHING,
        census_date=dt.date(2023, 1, 10),
        monthly_resources=Decimal("987.65"),
        rent_before=None,
        with_history=False,
    )
    _history(searching, (S.TO_DIAGNOSE, dt.date(2023, 1, 10)), (S.SEARCHING, dt.date(2023, 3, 3)))
    return {"rehoused": rehoused, "split": split, "exited": exited, "searching": searching}


def wipe_household_data():
    """The database as a partner's file would find it: referential and organisations only."""
    from relogement.households.models import Household
    from relogement.projects.models import Building, Operation

    # The two transition logs are protected (evidence, never cascade-deleted): removed explicitly.
    ProposalTransition.objects.all().delete()
    HouseholdStatusChange.objects.all().delete()
    Proposal.objects.all().delete()
    FollowUp.objects.all().delete()
    Rehousing.objects.all().delete()
    while Household.objects.exists():
        Household.objects.exclude(
            pk__in=Household.objects.filter(split_from__isnull=False).values("split_from_id")
        ).delete()
    Building.objects.all().delete()
    Operation.objects.all().delete()
