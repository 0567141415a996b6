"""« Recenser un ménage »: the census page and service (issue 14, point 1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.households import sne
from relogement.households.census import CensusError, MemberInput, household_census
from relogement.households.models import (
    Household,
    HouseholdMember,
    HouseholdStatusChange,
    HouseholdType,
    ResourceLine,
)
from relogement.households.statuses import HouseholdStatus
from relogement.indicators.perimeter import Perimeter
from relogement.indicators.selectors import compute_for
from relogement.projects.models import OriginDwelling
from tests import factories

SNE = "059 1023 517879 GDPUB"
SNE_STORED = "0591023517879GDPUB"
TODAY = dt.date.today()
TOMORROW = TODAY + dt.timedelta(days=1)


def _url(world):
    return reverse("households:census", args=[world.building.pk])


def _post_data(world, **overrides) -> dict:
    """A complete census: a couple with a child, a new dwelling, resources, rent and benefits."""
    data = {
        "reference": "CONC-100",
        "census_date": "2026-01-15",
        "social_provider": world.orgs["social_a"].pk,
        "sne_number": SNE,
        "occupancy_status": "locataire_social",
        "origin_dwelling": "",
        "new_dwelling_reference": "L-101",
        "new_dwelling_type": "T3",
        "new_dwelling_living_area": "62",
        "new_dwelling_floor": "2",
        "tenancy_start": "2015-03-01",
        "rent_before": "420",
        "charges_before": "80",
        "apl_before": "150",
        "rls_before": "30",
        "amount_salaire": "1400",
        "amount_prestations_familiales": "120",
        "members-TOTAL_FORMS": "6",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "20",
        "members-0-last_name": "Benali",
        "members-0-first_name": "Karima",
        "members-0-birth_date": "1980-05-04",
        "members-0-relation": "reference",
        "members-0-employment": "salarie",
        "members-1-last_name": "Benali",
        "members-1-first_name": "Youssef",
        "members-1-birth_date": "1978-11-20",
        "members-1-relation": "conjoint",
        "members-1-employment": "demandeur_emploi",
        "members-2-last_name": "Benali",
        "members-2-first_name": "Inès",
        "members-2-birth_date": "2014-02-10",
        "members-2-relation": "enfant",
        "members-2-employment": "etudiant",
    }
    data.update(overrides)
    return data


def _field_errors(response, field, form="form") -> list[str]:
    return list(response.context[form].errors.get(field, []))


def _member_errors(response, index, field) -> list[str]:
    return list(response.context["formset"].forms[index].errors.get(field, []))


def _nothing_written(before: int) -> None:
    assert Household.objects.count() == before
    assert not Household.objects.filter(reference="CONC-100").exists()
    assert not OriginDwelling.objects.filter(reference="L-101").exists()


# --- Happy path ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mous", "social_a"])
def test_census_records_the_household_visible_in_lists_and_indicators(world, persona):
    client = world.client_for(persona)
    perimeter = Perimeter("projet", str(world.project.pk))
    counted_before = compute_for(world.users["mous"], perimeter, TODAY).values["avancement.recenses"]

    response = client.post(_url(world), _post_data(world))

    household = Household.objects.get(reference="CONC-100")
    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[household.pk])
    assert household.building == world.building and household.project == world.project
    assert household.social_provider == world.orgs["social_a"]
    assert household.status == HouseholdStatus.TO_DIAGNOSE
    assert household.census_date == dt.date(2026, 1, 15)
    # Normalised: no spaces, upper case.
    assert household.sne_number == SNE_STORED
    assert (household.rent_before, household.charges_before) == (Decimal("420"), Decimal("80"))
    assert (household.apl_before, household.rls_before) == (Decimal("150"), Decimal("30"))
    assert household.monthly_resources == Decimal("1520")
    assert household.reference_name == "Karima Benali"
    assert (household.adults_count, household.children_count) == (2, 1)
    assert household.household_type == HouseholdType.COUPLE_WITH_CHILDREN
    dwelling = household.origin_dwelling
    assert (dwelling.building, dwelling.reference, dwelling.dwelling_type) == (world.building, "L-101", "T3")
    assert (household.origin_dwelling_type, household.origin_floor) == ("T3", 2)
    members = {m.first_name: m for m in HouseholdMember.objects.filter(household=household)}
    assert set(members) == {"Karima", "Youssef", "Inès"}
    assert members["Youssef"].employment == "demandeur_emploi"
    assert members["Inès"].birth_date == dt.date(2014, 2, 10)
    assert dict(ResourceLine.objects.filter(household=household).values_list("kind", "monthly_amount")) == {
        "salaire": Decimal("1400"),
        "prestations_familiales": Decimal("120"),
    }
    # The lifecycle's history starts at the census; the file's history says who recorded it.
    change = HouseholdStatusChange.objects.get(household=household)
    assert (change.from_status, change.to_status, change.effective_date) == (
        "",
        "to_diagnose",
        household.census_date,
    )
    record = household.history.earliest()
    assert (record.history_change_reason, record.history_user) == ("Recensement", world.users[persona])

    # In the list, the building page and the indicators at once.
    listing = world.client_for("mous").get(reverse("households:list"), {"q": "CONC-100"})
    assert "CONC-100" in listing.content.decode()
    assert household in listing.context["page"].object_list
    building_page = world.client_for("mous").get(reverse("building_detail", args=[world.building.pk]))
    assert "CONC-100" in building_page.content.decode()
    counted = compute_for(world.users["mous"], perimeter, TODAY).values["avancement.recenses"]
    assert counted == counted_before + 1


def test_census_in_a_private_stock_building_records_the_occupancy_status(world):
    """RHI / OPAH: the household is an owner-occupier, a private tenant or an occupant without title,
    never a social tenant; the offer rule follows (offers.offer_rules.applicable_rule)."""
    private = factories.BuildingFactory(
        private=True, operation__project=world.project, commune=world.commune, reference="PRIV-1"
    )
    url = reverse("households:census", args=[private.pk])
    client = world.client_for("mous")
    page = client.get(url).content.decode()
    assert 'value="locataire_prive" selected' in page
    refused = client.post(url, _post_data(world))
    assert refused.status_code == 200
    assert "parc privé n'a pas de bailleur social" in refused.context["form"].errors["occupancy_status"][0]
    assert not Household.objects.filter(reference="CONC-100").exists()
    response = client.post(url, _post_data(world, occupancy_status="proprietaire_occupant", rls_before=""))
    assert response.status_code == 302
    household = Household.objects.get(reference="CONC-100")
    assert (household.building, household.occupancy_status) == (private, "proprietaire_occupant")


def test_census_in_an_existing_dwelling_copies_its_features(world):
    dwelling = OriginDwelling.objects.create(
        building=world.building, reference="L-7", dwelling_type="T4", living_area=Decimal("75"), floor=3
    )
    data = _post_data(world, origin_dwelling=dwelling.pk, new_dwelling_reference="", new_dwelling_type="")
    data.update(new_dwelling_living_area="", new_dwelling_floor="")
    response = world.client_for("mous").post(_url(world), data)
    assert response.status_code == 302
    household = Household.objects.get(reference="CONC-100")
    assert household.origin_dwelling == dwelling
    assert (household.origin_dwelling_type, household.origin_living_area, household.origin_floor) == (
        "T4",
        Decimal("75"),
        3,
    )


def test_census_page_offers_the_building_dwellings_and_the_project_providers(world):
    OriginDwelling.objects.create(building=world.building, reference="L-7")
    OriginDwelling.objects.create(building=world.other_building, reference="Z-1")
    page = world.client_for("mous").get(_url(world))
    dwellings = [str(d) for d in page.context["form"].fields["origin_dwelling"].queryset]
    assert dwellings == ["BAT-A — L-7"]
    providers = set(page.context["form"].fields["social_provider"].queryset)
    assert providers == {world.orgs["social_a"], world.orgs["social_b"]}
    # A social provider records the households it follows: itself only, chosen for it.
    own = world.client_for("social_a").get(_url(world))
    assert list(own.context["form"].fields["social_provider"].queryset) == [world.orgs["social_a"]]
    assert own.context["form"].initial["social_provider"] == world.orgs["social_a"].pk


def test_census_start_picks_among_the_census_buildings(world):
    client = world.client_for("mous")
    page = client.get(reverse("households:census_start"))
    assert set(page.context["form"].fields["batiment"].queryset) == {world.building}
    chosen = client.get(reverse("households:census_start"), {"batiment": world.building.pk})
    assert chosen.status_code == 302 and chosen.url == _url(world)
    # A building of another project is not a choice: a French message, no redirect.
    refused = client.get(reverse("households:census_start"), {"batiment": world.other_building.pk})
    assert refused.status_code == 200
    assert _field_errors(refused, "batiment") == ["Choisissez un bâtiment de vos projets dans la liste."]


def test_links_to_the_census_are_shown_to_census_takers_only(world):
    link = reverse("households:census_start")
    assert link in world.client_for("mous").get(reverse("households:list")).content.decode()
    assert link not in world.client_for("commune").get(reverse("households:list")).content.decode()
    building_page = reverse("building_detail", args=[world.building.pk])
    assert _url(world) in world.client_for("social_a").get(building_page).content.decode()
    assert _url(world) not in world.client_for("landlord").get(building_page).content.decode()


# --- Perimeter ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "commune", "landlord", "metropolis", "admin"])
def test_census_outside_the_perimeter_is_404_and_writes_nothing(world, persona):
    before = Household.objects.count()
    response = world.client_for(persona).post(_url(world), _post_data(world))
    assert response.status_code == 404
    _nothing_written(before)


def test_census_into_another_project_building_is_404(world):
    url = reverse("households:census", args=[world.other_building.pk])
    assert world.client_for("mous").get(url).status_code == 404
    assert world.client_for("social_a").get(url).status_code == 404


def test_project_office_cannot_assign_a_provider_outside_the_project(world):
    stranger = factories.OrganisationFactory(name="Prestataire C", kind="social_provider")
    before = Household.objects.count()
    response = world.client_for("mous").post(_url(world), _post_data(world, social_provider=stranger.pk))
    assert response.status_code == 200
    assert _field_errors(response, "social_provider") == [
        "Choisissez un prestataire social du projet dans la liste."
    ]
    _nothing_written(before)


def test_service_refuses_a_building_outside_the_census_perimeter(world):
    with pytest.raises(CensusError):
        household_census(
            actor=world.users["outsider"],
            building=world.building,
            reference="X-1",
            census_date=TODAY,
            social_provider=world.orgs["social_a"],
            members=[MemberInput("Ana", "Lopez", "reference")],
        )
    assert not Household.objects.filter(reference="X-1").exists()


# --- Bad input: a French message next to the field, nothing written ---------------------------------

BAD_FIELDS = [
    ("census_date", TOMORROW.isoformat(), "La date de recensement ne peut pas être dans le futur"),
    ("census_date", "1990-01-01", "La date de recensement est invraisemblable."),
    ("sne_number", "SNE-59-001", "Numéro unique SNE invalide"),
    ("sne_number", "059 1323 517879 GDPUB", "Numéro unique SNE invalide"),  # month 13
    ("sne_number", "059 1023 51787 GDPUB", "Numéro unique SNE invalide"),  # 17 characters
    ("rent_before", "-1", "Le loyer ne peut pas être négatif."),
    ("charges_before", "-5", "Le montant des charges ne peut pas être négatif."),
    ("apl_before", "-0.01", "Le montant d'APL ne peut pas être négatif."),
    ("rls_before", "-3", "Le montant de RLS ne peut pas être négatif."),
    ("amount_salaire", "-100", "Le montant « Salaires » ne peut pas être négatif."),
    (
        "tenancy_start",
        TOMORROW.isoformat(),
        "La date d'entrée dans le logement ne peut pas être dans le futur",
    ),
    ("reference", "", "Ce champ est obligatoire."),
    ("new_dwelling_living_area", "-10", "La surface habitable doit être strictement positif."),
    ("new_dwelling_floor", "99", "L'étage doit être compris entre -2 et 60."),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_FIELDS, ids=[f"{f}={v}" for f, v, _ in BAD_FIELDS]
)
def test_bad_input_is_refused_next_to_the_field(world, field, value, message):
    before = Household.objects.count()
    response = world.client_for("mous").post(_url(world), _post_data(world, **{field: value}))
    assert response.status_code == 200
    errors = _field_errors(response, field)
    assert errors and errors[0].startswith(message), errors
    assert message.split(" (")[0] in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    _nothing_written(before)


def test_birth_date_in_the_future_is_refused_on_the_member_row(world):
    before = Household.objects.count()
    response = world.client_for("mous").post(
        _url(world), _post_data(world, **{"members-2-birth_date": TOMORROW.isoformat()})
    )
    assert response.status_code == 200
    assert _member_errors(response, 2, "birth_date")[0].startswith(
        "La date de naissance ne peut pas être dans le futur"
    )
    _nothing_written(before)


def test_birth_date_after_the_census_is_refused(world):
    response = world.client_for("mous").post(
        _url(world), _post_data(world, census_date="2025-01-01", **{"members-2-birth_date": "2025-06-01"})
    )
    assert _member_errors(response, 2, "birth_date") == [
        "Un membre ne peut pas être né après la date de recensement (01/01/2025)."
    ]
    assert not Household.objects.filter(reference="CONC-100").exists()


def test_a_household_needs_exactly_one_reference_person(world):
    none = _post_data(world, **{"members-0-relation": "conjoint"})
    response = world.client_for("mous").post(_url(world), none)
    assert _member_errors(response, 0, "relation") == ["Indiquez la personne de référence du ménage."]
    two = _post_data(world, **{"members-1-relation": "reference"})
    response = world.client_for("mous").post(_url(world), two)
    assert _member_errors(response, 1, "relation") == ["Le ménage a une seule personne de référence."]
    assert not Household.objects.filter(reference="CONC-100").exists()


def test_the_reference_person_row_is_required(world):
    data = _post_data(world)
    for name in ("last_name", "first_name", "birth_date", "relation", "employment"):
        data[f"members-0-{name}"] = ""
    response = world.client_for("mous").post(_url(world), data)
    assert _member_errors(response, 0, "last_name") == ["Ce champ est obligatoire."]
    assert not Household.objects.filter(reference="CONC-100").exists()


def test_origin_dwelling_reference_already_used_in_the_building(world):
    OriginDwelling.objects.create(building=world.building, reference="L-101")
    before = OriginDwelling.objects.count()
    response = world.client_for("mous").post(_url(world), _post_data(world, new_dwelling_reference="l-101"))
    assert _field_errors(response, "new_dwelling_reference") == [
        "Le logement « l-101 » existe déjà dans ce bâtiment : choisissez-le dans la liste."
    ]
    assert OriginDwelling.objects.count() == before
    assert not Household.objects.filter(reference="CONC-100").exists()


def test_origin_dwelling_is_required(world):
    data = _post_data(world, new_dwelling_reference="", new_dwelling_type="")
    data.update(new_dwelling_living_area="", new_dwelling_floor="")
    response = world.client_for("mous").post(_url(world), data)
    assert _field_errors(response, "origin_dwelling") == [
        "Choisissez le logement d'origine dans la liste ou décrivez le nouveau logement."
    ]


def test_a_dwelling_of_another_building_is_not_a_choice(world):
    elsewhere = OriginDwelling.objects.create(building=world.other_building, reference="Z-1")
    response = world.client_for("mous").post(_url(world), _post_data(world, origin_dwelling=elsewhere.pk))
    assert _field_errors(response, "origin_dwelling")
    assert not Household.objects.filter(reference="CONC-100").exists()


def test_household_reference_already_used_in_the_project(world):
    response = world.client_for("mous").post(_url(world), _post_data(world, reference="conc-001"))
    assert _field_errors(response, "reference") == ["La référence « conc-001 » existe déjà dans ce projet."]
    assert not OriginDwelling.objects.filter(reference="L-101").exists()


def test_the_error_message_is_next_to_its_field(world):
    response = world.client_for("mous").post(_url(world), _post_data(world, sne_number="12"))
    html = response.content.decode()
    # _field_feedback.html: the message carries the field's id, which the input points at.
    assert 'id="id_sne_number_error"' in html
    assert 'aria-describedby="id_sne_number_helptext id_sne_number_error"' in html or (
        "id_sne_number_error" in html.split('name="sne_number"')[1][:2000]
    )


# --- SNE number ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0591023517879GDPUB", "0591023517879GDPUB"),
        ("059 1023 517879 GDPUB", "0591023517879GDPUB"),
        ("  059 1023 517879 gdpub ", "0591023517879GDPUB"),
        ("02A 0119 000123 AB12C", "02A0119000123AB12C"),
        ("111 1023 517879 GDPUB", "1111023517879GDPUB"),
        ("", ""),
    ],
)
def test_sne_numbers_are_accepted_with_or_without_spaces_and_normalised(typed, stored):
    assert sne.validate(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "059123456789",
        "SNE-59-001",
        "0590023517879GDPUB",
        "0591023517879GDPU",
        "0591023517879GDPUBX",
        "05910235178-9GDPUB",
        "0AB1023517879GDPUB",
    ],
)
def test_sne_numbers_of_the_wrong_format_are_refused(typed):
    with pytest.raises(Exception, match="Numéro unique SNE invalide"):
        sne.validate(typed)


# --- Possible duplicates ---------------------------------------------------------------------------


def test_possible_duplicates_are_shown_before_saving_and_nothing_is_written(world):
    world.household_a.sne_number = "059 1023 517879 GDPUB"
    world.household_a.save()
    client = world.client_for("mous")
    before = Household.objects.count()

    response = client.post(_url(world), _post_data(world, sne_number=SNE_STORED.lower()))

    assert response.status_code == 200
    _nothing_written(before)
    [candidate] = response.context["candidates"]
    assert candidate.household == world.household_a
    assert candidate.reasons == ("même numéro SNE",)
    html = response.content.decode()
    assert "Doublons possibles" in html
    assert reverse("households:detail", args=[world.household_a.pk]) in html
    assert "CONC-001" in html and "90 / 100" in html and "même numéro SNE" in html
    # The candidate's name was shown: its read is logged like any page's (docs/personal-data.md §3).
    assert FileRead.objects.filter(user=world.users["mous"], household=world.household_a).exists()

    # Confirmed: « Ce n'est pas un doublon ».
    confirmed = client.post(_url(world), _post_data(world, sne_number=SNE_STORED.lower(), not_duplicate="on"))
    assert confirmed.status_code == 302
    new = Household.objects.get(reference="CONC-100", sne_number=SNE_STORED)
    # The answer is kept as a decision on the pair: it does not come back as a suspected duplicate.
    from relogement.duplicates.models import DuplicateDecision

    [decision] = DuplicateDecision.objects.all()
    assert {decision.household_low, decision.household_high} == {new, world.household_a}
    assert (decision.decision, decision.actor) == ("not_duplicate", world.users["mous"])
    assert "recensement" in decision.comment


def test_duplicates_outside_the_user_scope_are_not_revealed(world):
    # Household B is provider B's: provider A does not see it, so it is no candidate for provider A.
    world.household_b.sne_number = SNE_STORED
    world.household_b.save()
    response = world.client_for("social_a").post(_url(world), _post_data(world))
    assert response.status_code == 302
    assert Household.objects.filter(reference="CONC-100").exists()


def test_duplicate_detection_interface(world):
    from relogement.duplicates.detection import DuplicateCandidate, find_possible_duplicates

    world.household_a.sne_number = SNE_STORED
    world.household_a.save()
    found = find_possible_duplicates(
        viewer=world.users["mous"], sne_number=SNE, members=[("Martin", "Nadia", None)], limit=10
    )
    assert found == [DuplicateCandidate(household=world.household_a, score=90, reasons=("même numéro SNE",))]
    assert (
        find_possible_duplicates(
            viewer=world.users["mous"], sne_number=SNE, exclude_household_id=world.household_a.pk
        )
        == []
    )
    assert find_possible_duplicates(viewer=world.users["social_b"], sne_number=SNE) == []
    assert find_possible_duplicates(viewer=world.users["mous"]) == []


# --- Predicates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "census", "add_building"),
    [
        ("mous", True, True),
        ("outsider", True, True),  # a project office, of its own project (the perimeter is separate)
        ("social_a", True, False),
        ("social_b", True, False),
        ("commune", False, False),
        ("landlord", False, False),
        ("metropolis", False, False),
        ("admin", False, False),
    ],
)
def test_census_predicates_per_role(world, persona, census, add_building):
    from relogement.households.census import census_buildings
    from relogement.permissions import predicates
    from relogement.projects.services import building_projects

    user = world.users[persona]
    assert predicates.can_census_households(user) is census
    assert predicates.can_add_building(user) is add_building
    in_concorde = persona in {"mous", "social_a", "social_b"}
    assert census_buildings(user).filter(pk=world.building.pk).exists() is in_concorde
    assert building_projects(user).filter(pk=world.project.pk).exists() is (persona == "mous")


def test_only_the_reference_person_row_is_marked_required(world):
    """Rows 2–6 may be left empty: marking their fields « (obligatoire) » would mislead screen-reader
    users (RGAA 11.10)."""
    page = world.client_for("mous").get(_url(world)).content.decode()
    row_1 = page.split("Membre 1</legend>")[1].split("Membre 2</legend>")[0]
    row_2 = page.split("Membre 2</legend>")[1].split("Membre 3</legend>")[0]
    assert row_1.count("(obligatoire)") == 3  # name, first name, relation
    assert "(obligatoire)" not in row_2
