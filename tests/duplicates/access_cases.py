from relogement.duplicates.models import DecisionKind, DuplicateDecision
from relogement.households.models import Household
from tests import factories
from tests.access import UrlCase

# Pages: the roles that see members' details (can_view_duplicates), each within its perimeter.
# Actions: those who keep both files (can_decide_duplicate): the project office; a provider only for
# pairs of its own households (household_a and a twin of provider A).
VIEWERS = ("mous", "commune", "social_a", "social_b", "outsider")
NOT_VIEWERS = ("metropolis", "landlord", "admin")


def _twin(world):
    """A second file of household_a's family (same SNE number), also followed by provider A."""
    world.household_a.sne_number = "059 1223 0000 1234"
    world.household_a.save(update_fields=["sne_number"])
    twin = Household.objects.filter(reference="CONC-001-BIS").first()
    if twin is None:  # the crawls build the URL once per persona
        twin = factories.HouseholdFactory(
            building=world.building,
            social_provider=world.orgs["social_a"],
            reference="CONC-001-BIS",
            reference_name="Famille Martin bis",
            sne_number="05912230000 1234",
        )
    return twin


def _pair(world):
    twin = _twin(world)
    return {"pk": world.household_a.pk, "other_pk": twin.pk}


def _decision(world):
    twin = _twin(world)
    decision = DuplicateDecision.objects.active().first() or DuplicateDecision.objects.create(
        household_low=world.household_a,
        household_high=twin,
        decision=DecisionKind.LINKED,
        score=90,
        reasons="même numéro SNE",
        actor=world.users["mous"],
    )
    return {"pk": decision.pk}


DECIDERS = ("mous", "social_a")
NOT_DECIDERS = ("commune", "social_b", "outsider", *NOT_VIEWERS)

CASES = [
    # With a suspected pair on the page (the read-log crawl then checks that its names are logged).
    UrlCase("duplicates:pairs", kwargs=lambda w: _twin(w) and {}, allowed=VIEWERS, denied=NOT_VIEWERS),
    UrlCase(
        "duplicates:pairs",
        kwargs=lambda w: _decision(w) and {},
        query="?vue=decisions",
        allowed=VIEWERS,
        denied=NOT_VIEWERS,
    ),
    UrlCase("duplicates:decide", kwargs=_pair, allowed=DECIDERS, denied=NOT_DECIDERS),
    UrlCase(
        "duplicates:decide",
        method="post",
        kwargs=_pair,
        data=lambda w: {"decision": DecisionKind.NOT_DUPLICATE, "comment": "Deux familles différentes"},
        allowed=("mous",),
        denied=NOT_DECIDERS,
        expected_status=(302,),
    ),
    UrlCase("duplicates:undo", kwargs=_decision, allowed=DECIDERS, denied=NOT_DECIDERS),
    UrlCase(
        "duplicates:undo",
        method="post",
        kwargs=_decision,
        data=lambda w: {"reason": "Lien fait par erreur"},
        allowed=("mous",),
        denied=NOT_DECIDERS,
        expected_status=(302,),
    ),
]
