"""Proof of exactness: random households of the supported domain, the engine against openfisca run
directly on the full situation (``tests/benefits/reference.py``), equal to the cent for APL and RLS.

The domain (docs/benefits.md): 1–5 adults and 0–8 children, each adult with their own incomes by kind
and situation, RSA received, rents 0–1,500 € with cents, the four stock kinds, the 95 communes of the
MEL (both APL zones). Each example is one household against 5–40 dwellings (about 900 comparisons in
all), which goes through the engine's two stages, its curves, their interpolation and their exact
fallback: with the fallback disabled (every rent interpolated), the test fails. The number of examples
is bounded (``EXAMPLES``) and the generation derandomised, so that the test does the same work on
every run (60–100 s on two shared cores).
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relogement.benefits import engine
from relogement.benefits.cases import SITUATIONS
from tests.benefits.reference import MONTH, persons_of, reference

EXAMPLES = 40
COMMUNES = sorted(engine._zones_from_shared_csv())

amounts = st.one_of(
    st.just(Decimal("0")),
    st.integers(min_value=1, max_value=300_000).map(lambda cents: Decimal(cents) / 100),
)
situations = st.sampled_from(("", *SITUATIONS))


@st.composite
def adults(draw):
    count = draw(st.integers(min_value=1, max_value=5))
    spouse = count > 1 and draw(st.booleans())
    people = []
    for index in range(count):
        role = "reference" if index == 0 else ("spouse" if index == 1 and spouse else "other")
        situation = draw(situations)
        incomes = {name: draw(amounts) for name in ("salary", "pension", "unemployment", "alimony", "aah")}
        # Mostly the incomes a situation has, sometimes any: the engine must agree either way.
        if draw(st.integers(0, 3)):
            keep = {
                "salarie": ("salary",),
                "independant": ("salary",),
                "demandeur_emploi": ("unemployment",),
                "retraite": ("pension",),
                "handicap": ("aah",),
            }.get(situation, ())
            incomes = {
                name: value if name in keep or name == "alimony" else Decimal("0")
                for name, value in incomes.items()
            }
        people.append(
            engine.Person(
                role=role, age=draw(st.integers(min_value=18, max_value=90)), situation=situation, **incomes
            )
        )
    return people


@st.composite
def households(draw):
    persons = draw(adults())
    persons += [engine.Person("child", age) for age in draw(st.lists(st.integers(0, 20), max_size=8))]
    rsa = draw(st.one_of(st.just(Decimal("0")), st.integers(1, 90_000).map(lambda c: Decimal(c) / 100)))
    return engine.HouseholdProfile(tuple(persons), monthly_minimum_income=rsa)


# Rents anywhere in 0–1,500 €, and often below the rent ceilings (150–700 €), where the benefit varies
# with the rent and the curve's interpolation has to be right.
rents = st.one_of(st.integers(0, 150_000), st.integers(15_000, 70_000)).map(
    lambda cents: Decimal(cents) / 100
)
dwellings = st.tuples(
    st.sampled_from(COMMUNES),
    rents,
    st.integers(min_value=0, max_value=20_000).map(lambda cents: Decimal(cents) / 100),
    st.sampled_from(("social", "prive_vide", "prive_meuble", "foyer")),
)


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(profile=households(), offers=st.lists(dwellings, min_size=5, max_size=40))
def test_engine_equals_openfisca_on_random_households(profile, offers):
    results = engine.compute_for_offers(profile=profile, offers=offers, month=MONTH)
    want = reference(
        [
            {
                "persons": persons_of(profile),
                "rsa": profile.monthly_minimum_income,
                "rent": rent,
                "charges": charges,
                "commune": commune,
                "stock": stock,
            }
            for commune, rent, charges, stock in offers
        ]
    )
    for offer, result, (apl, rls) in zip(offers, results, want, strict=True):
        assert abs(float(result.apl) - apl) < 0.005, (offer, result.apl, apl)
        assert abs(float(result.rls) - rls) < 0.005, (offer, result.rls, rls)
        commune, rent, charges, stock = offer
        assert result.rac == rent + charges - result.apl - result.rls
        assert stock == "social" or result.rls == 0
