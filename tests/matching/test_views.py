"""Decision-support pages: ranking with reasons, "why not this offer?", offer → households, plan, weights."""

from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.households.models import WishedLocation, Wishes
from relogement.households.statuses import HouseholdStatus as S
from relogement.matching import views
from relogement.matching.residual_rent import estimated_residual_rent
from relogement.offers.models import OfferStatus
from relogement.projects.models import Project
from tests import factories


@pytest.fixture(autouse=True)
def estimated_rents(monkeypatch):
    """Pages use the estimate here; the engine has its own integration test."""
    monkeypatch.setattr(views, "default_provider", lambda: (estimated_residual_rent, False))


@pytest.fixture
def scene(world):
    household = world.household_a
    household.status = S.SEARCHING
    household.save()
    wishes = Wishes.objects.create(
        household=household, dwelling_types=["T3"], max_residual_rent=Decimal("400")
    )
    WishedLocation.objects.create(wishes=wishes, rank=1, commune=world.commune)
    landlord = world.orgs["landlord"]
    good = factories.HousingOfferFactory(
        landlord=landlord, commune=world.commune, reference="OF-BON", living_area=70
    )
    far = factories.HousingOfferFactory(landlord=landlord, commune=world.other_commune, reference="OF-LOIN")
    small = factories.HousingOfferFactory(
        landlord=landlord, commune=world.commune, reference="OF-PETIT", living_area=20
    )
    dear = factories.HousingOfferFactory(
        landlord=landlord, commune=world.commune, reference="OF-CHER", rent=Decimal("900"), living_area=70
    )
    let = factories.HousingOfferFactory(
        landlord=landlord, commune=world.commune, reference="OF-LOUE", status=OfferStatus.LET
    )
    return {"household": household, "good": good, "far": far, "small": small, "dear": dear, "let": let}


def test_household_offers_ranked_with_reasons(world, scene, django_assert_max_num_queries):
    client = world.client_for("mous")
    url = reverse("matching:household_offers", kwargs={"pk": scene["household"].pk})
    client.get("/")
    with django_assert_max_num_queries(
        13
    ):  # with the menu's API-token permission (loaded once a request) and the read log's insert
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("OF-BON") < html.index("OF-LOIN")
    assert "OF-PETIT" not in html and "OF-CHER" not in html and "OF-LOUE" not in html
    assert "Surpeuplement : 1" in html and "Reste à charge et taux d&#x27;effort : 1" in html
    assert "Lille : souhait n°1 sur 1." in html
    assert "CONC-001 — Famille Martin" in html


def test_household_offers_query_count_is_constant(world, scene, django_assert_max_num_queries):
    for i in range(30):
        factories.HousingOfferFactory(
            landlord=world.orgs["landlord"], commune=world.commune, reference=f"OF-X{i}"
        )
    client = world.client_for("mous")
    client.get("/")
    with django_assert_max_num_queries(
        13
    ):  # with the menu's API-token permission (loaded once a request) and the read log's insert
        response = client.get(reverse("matching:household_offers", kwargs={"pk": scene["household"].pk}))
    assert "Page 1 sur 2" in response.content.decode()


def test_why_not_this_offer(world, scene):
    url = reverse("matching:household_offers", kwargs={"pk": scene["household"].pk})
    html = world.client_for("social_a").get(url, {"offre": "OF-PETIT"}).content.decode()
    assert "Non suggérée :</strong> Surpeuplement" in html
    assert "inférieure au minimum de 25" in html
    html = world.client_for("social_a").get(url, {"offre": "OF-CHER"}).content.decode()
    assert "au-dessus du maximum indiqué par le ménage (400,00" in html
    html = world.client_for("social_a").get(url, {"offre": "OF-LOUE"}).content.decode()
    assert "n'est pas disponible (statut : Louée)" in html
    html = world.client_for("social_a").get(url, {"offre": "OF-BON"}).content.decode()
    assert "Cette offre est suggérée" in html
    response = world.client_for("social_a").get(url, {"offre": "NEXISTE-PAS"})
    assert response.status_code == 200
    assert 'role="alert">Aucune offre de référence « NEXISTE-PAS »' in response.content.decode()


def test_metropolis_sees_a_pseudonym(world, scene):
    url = reverse("matching:household_offers", kwargs={"pk": scene["household"].pk})
    html = world.client_for("metropolis").get(url).content.decode()
    assert "Famille Martin" not in html and scene["household"].pseudonym in html


def test_offer_households_for_the_landlord_hides_amounts(world, scene, django_assert_max_num_queries):
    url = reverse("matching:offer_households", kwargs={"pk": scene["dear"].pk})
    client = world.client_for("landlord")
    client.get("/")
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert "CONC-001 — Famille Martin" in html
    assert "Critère bloquant non satisfait : reste à charge et taux d&#x27;effort." in html
    html = world.client_for("mous").get(url).content.decode()
    assert "au-dessus du maximum indiqué" in html


# --- Plan --------------------------------------------------------------------------------------------


@pytest.fixture
def plan_scene(world, scene):
    other = world.household_b
    other.status = S.SEARCHING
    other.save()
    return scene


def test_plan_page_compares_with_fcfs(world, plan_scene, django_assert_max_num_queries):
    client = world.client_for("mous")
    client.get("/")
    with django_assert_max_num_queries(
        19
    ):  # 16 + the read log's insert (the plan names households) + the menu's API-token permission
        # + the communes of the offers (the "Commune des offres" filter)
        response = client.get(reverse("matching:plan"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Plan optimal" in html and "Premier arrivé, premier servi" in html
    assert "CONC-001 — Famille Martin" in html and "CONC-002 — Famille Durand" in html
    assert "Épingler" in html
    assert f"/positionner/?household={plan_scene['household'].pk}" in html


def test_plan_perimeter_out_of_scope_is_404(world, plan_scene):
    url = reverse("matching:plan")
    assert (
        world.client_for("outsider").get(url, {"perimetre": f"projet-{world.project.pk}"}).status_code == 404
    )
    assert world.client_for("mous").get(url, {"perimetre": "projet-abc"}).status_code == 404
    assert world.client_for("mous").get(url, {"perimetre": f"projet-{world.project.pk}"}).status_code == 200
    assert world.client_for("mous").get(url, {"perimetre": f"commune-{world.commune.pk}"}).status_code == 200
    assert (
        world.client_for("mous").get(url, {"perimetre": f"commune-{world.other_commune.pk}"}).status_code
        == 404
    )


def test_metropolis_plan_is_pseudonymised(world, plan_scene):
    html = world.client_for("metropolis").get(reverse("matching:plan")).content.decode()
    assert "Famille Martin" not in html and plan_scene["household"].pseudonym in html
    assert "Positionner le ménage" not in html  # the metropolis does not position households


def test_plan_pin_exclude_and_reset(world, plan_scene):
    client = world.client_for("mous")
    url = reverse("matching:plan")
    household = plan_scene["household"]
    far = plan_scene["far"]
    response = client.post(url, {"action": "pin", "menage": household.pk, "offre": far.pk})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Épinglée" in html and "Désépingler" in html
    session = client.session["matching_plan:tout"]
    assert session == {"pins": [[household.pk, far.pk]], "exclusions": []}
    client.post(url, {"action": "exclude", "menage": household.pk, "offre": far.pk})
    assert client.session["matching_plan:tout"] == {"pins": [], "exclusions": [[household.pk, far.pk]]}
    html = client.get(url).content.decode()
    assert "Paires exclues" in html
    client.post(url, {"action": "reset"})
    assert client.session["matching_plan:tout"] == {"pins": [], "exclusions": []}


def test_plan_rejects_pairs_outside_the_plan(world, plan_scene):
    client = world.client_for("mous")
    url = reverse("matching:plan")
    # A household of another project, an offer that is let, garbage.
    for data in (
        {"action": "pin", "menage": world.household_other.pk, "offre": plan_scene["good"].pk},
        {"action": "pin", "menage": plan_scene["household"].pk, "offre": plan_scene["let"].pk},
        {"action": "pin", "menage": "x", "offre": "y"},
        {"action": "hack", "menage": plan_scene["household"].pk, "offre": plan_scene["good"].pk},
    ):
        response = client.post(url, data, follow=True)
        assert "ne fait pas partie du plan : rien n&#x27;a été modifié" in response.content.decode()
    assert "matching_plan:tout" not in client.session


def test_plan_never_creates_proposals(world, plan_scene):
    from relogement.offers.models import Proposal

    world.client_for("mous").get(reverse("matching:plan"))
    world.client_for("mous").post(
        reverse("matching:plan"),
        {"action": "pin", "menage": plan_scene["household"].pk, "offre": plan_scene["good"].pk},
    )
    assert not Proposal.objects.exists()


# --- Weights ----------------------------------------------------------------------------------------


def test_weights_preview_does_not_save(world, scene):
    client = world.client_for("mous")
    url = reverse("matching:weights", kwargs={"pk": world.project.pk})
    assert "Localisation souhaitée" in client.get(url).content.decode()
    data = {
        "w_under_occupation": "1",
        "w_rooms_fit": "2",
        "w_housing_wishes": "2",
        "w_location": "0",
        "w_residual_rent": "3",
        "w_availability": "1",
        "w_anru_objectives": "5",
        "action": "preview",
    }
    html = client.post(url, data).content.decode()
    assert "Effet de la nouvelle pondération" in html and "CONC-001 — Famille Martin" in html
    world.project.refresh_from_db()
    assert world.project.matching_weights == {}


def test_weights_save(world, scene):
    client = world.client_for("mous")
    url = reverse("matching:weights", kwargs={"pk": world.project.pk})
    data = {
        "w_under_occupation": "1",
        "w_rooms_fit": "2",
        "w_housing_wishes": "2",
        "w_location": "4.5",
        "w_residual_rent": "3",
        "w_availability": "1",
        "w_anru_objectives": "0",
        "under_occupation_hard": "on",
        "action": "save",
    }
    assert client.post(url, data).status_code == 302
    project = Project.objects.get(pk=world.project.pk)
    assert project.matching_weights["location"] == 4.5
    assert project.matching_weights["under_occupation_hard"] is True
    assert project.history.first().history_change_reason.startswith("Pondération")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("w_location", "-1", "Le poids doit être positif ou nul."),
        ("w_location", "abc", "Le poids doit être un nombre."),
        ("w_location", "", "Indiquez un poids"),
        ("w_location", "1000", "Le poids ne peut dépasser 100."),
    ],
)
def test_weights_invalid_input(world, field, value, message):
    client = world.client_for("mous")
    url = reverse("matching:weights", kwargs={"pk": world.project.pk})
    data = {
        "w_under_occupation": "1",
        "w_rooms_fit": "2",
        "w_housing_wishes": "2",
        "w_location": "3",
        "w_residual_rent": "3",
        "w_availability": "1",
        "w_anru_objectives": "1",
        "action": "save",
    }
    data[field] = value
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.matching_weights == {}


def test_weights_all_zero_is_refused(world):
    client = world.client_for("mous")
    url = reverse("matching:weights", kwargs={"pk": world.project.pk})
    data = {
        f"w_{k}": "0"
        for k in (
            "under_occupation",
            "rooms_fit",
            "housing_wishes",
            "location",
            "residual_rent",
            "availability",
            "anru_objectives",
        )
    }
    data["action"] = "save"
    html = client.post(url, data).content.decode()
    assert "Au moins un critère doit avoir un poids strictement positif." in html


def test_service_validation():
    from relogement.core.errors import DomainError
    from relogement.matching.services import validate_weights

    with pytest.raises(DomainError, match="Critère inconnu"):
        validate_weights({"nope": 1})
    with pytest.raises(DomainError, match="doit être un nombre"):
        validate_weights({"location": "1"})
    with pytest.raises(DomainError, match="entre 0 et 100"):
        validate_weights({"location": -2})
    with pytest.raises(DomainError, match="Réglage inconnu"):
        validate_weights({"location": 1}, {"under_occupation_hard": "oui"})
    assert validate_weights({"location": 2}, {"under_occupation_hard": False}) == {
        "location": 2.0,
        "under_occupation_hard": False,
    }


def test_weights_change_the_ranking(world, scene):
    url = reverse("matching:household_offers", kwargs={"pk": scene["household"].pk})
    html = world.client_for("mous").get(url).content.decode()
    assert html.index("OF-BON") < html.index("OF-LOIN")


# --- Risk page and menu ------------------------------------------------------------------------------


def test_risk_page(world, django_assert_max_num_queries):
    client = world.client_for("mous")
    client.get("/")
    # With the menu's API-token permission (loaded once a request), the read log's insert and the
    # indicators facts' freshness check (the risk's departures are read from the facts).
    with django_assert_max_num_queries(14):
        response = client.get(reverse("matching:risk"), {"projet": world.project.pk, "a_risque": "1"})
    html = response.content.decode()
    assert "BAT-A" in html and "À risque" in html and "Famille Martin" in html
    assert client.get(reverse("matching:risk"), {"projet": world.other_project.pk}).status_code == 404
    assert client.get(reverse("matching:risk"), {"projet": "x"}).status_code == 404


def test_menu_entry(world):
    html = world.client_for("commune").get(reverse("matching:risk")).content.decode()
    assert "Aide à la décision" in html


def test_buildings_at_risk_tag_renders(world, rf):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = world.users["mous"]
    html = Template("{% load matching %}{% buildings_at_risk project=project %}").render(
        Context({"request": request, "project": world.project})
    )
    assert "BAT-A" in html and "Libération des bâtiments" in html
    html = Template("{% load matching %}{% buildings_at_risk %}").render(Context({"request": request}))
    assert "BAT-A" in html and "Bâtiments à risque" in html


def test_plan_too_large_asks_for_a_smaller_perimeter(world, plan_scene, monkeypatch):
    monkeypatch.setattr(views, "MAX_PLAN_CELLS", 1)
    response = world.client_for("mous").get(reverse("matching:plan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "trop pour calculer un plan" in html
    # It says what to do: a project or a commune, and/or a typology, with the form to do it.
    assert "choisissez <strong>un projet</strong> ou <strong>une commune</strong>" in html
    assert "<strong>une typologie</strong> (T1 à T6)" in html
    assert 'name="typologie"' in html and f'value="projet-{world.project.pk}"' in html


def test_plan_by_typology_keeps_only_those_offers(world, plan_scene, monkeypatch):
    from relogement.matching import selectors

    seen = {}
    real = selectors.plan_data

    def spy(households_qs, offers_qs, **kwargs):
        seen["offers"] = sorted(offers_qs.values_list("dwelling_type", flat=True).distinct())
        return real(households_qs, offers_qs, **kwargs)

    monkeypatch.setattr(selectors, "plan_data", spy)
    plan_scene["far"].dwelling_type = "T2"
    plan_scene["far"].save()
    client = world.client_for("mous")
    url = reverse("matching:plan")
    html = client.get(url, {"typologie": "T2"}).content.decode()
    assert seen["offers"] == ["T2"] and "offres T2" in html
    assert 'name="typologie" value="T2"' in html  # the pin and exclude forms keep it
    client.post(
        url,
        {
            "action": "exclude",
            "menage": plan_scene["household"].pk,
            "offre": plan_scene["far"].pk,
            "typologie": "T2",
        },
    )
    assert client.session["matching_plan:tout:T2"]["exclusions"] == [
        [plan_scene["household"].pk, plan_scene["far"].pk]
    ]
    assert "matching_plan:tout" not in client.session
    # The plan is small enough once split by typology.
    monkeypatch.setattr(views, "MAX_PLAN_CELLS", 2)
    assert "trop pour calculer un plan" in client.get(url).content.decode()
    assert "trop pour calculer un plan" not in client.get(url, {"typologie": "T2"}).content.decode()
    assert client.get(url, {"typologie": "T9"}).status_code == 404


def test_offer_households_suggested_first_excluded_last(world, plan_scene):
    html = world.client_for("mous").get(
        reverse("matching:offer_households", kwargs={"pk": plan_scene["dear"].pk})
    )
    html = html.content.decode()
    # Household B has no maximum residual rent: suggested; household A (max 400 €) is excluded.
    assert html.index("CONC-002 — Famille Durand") < html.index("CONC-001 — Famille Martin")
    assert "dont 1 sans critère bloquant" in html


def test_link_tags(world, rf, scene):
    from django.template import Context, Template

    template = Template(
        "{% load matching %}{% household_offers_link household %}|{% offer_households_link offer %}"
    )
    request = rf.get("/")
    request.user = world.users["mous"]
    html = template.render(
        Context({"request": request, "household": scene["household"], "offer": scene["good"]})
    )
    assert reverse("matching:household_offers", kwargs={"pk": scene["household"].pk}) in html
    assert reverse("matching:offer_households", kwargs={"pk": scene["good"].pk}) in html
    request.user = world.users["landlord"]
    html = template.render(
        Context({"request": request, "household": scene["household"], "offer": scene["good"]})
    )
    assert "Offres adaptées" not in html and "Ménages adaptés" in html


def _searching_households(world, count, **fields):
    households = [factories.HouseholdFactory(building=world.building, **fields) for _ in range(count)]
    for household in households:
        household.status = S.SEARCHING
        household.save()
    return households


def test_offer_households_queries_do_not_grow(world, scene, django_assert_max_num_queries):
    url = reverse("matching:offer_households", kwargs={"pk": scene["good"].pk})
    client = world.client_for("mous")
    client.get("/")
    _searching_households(world, 3)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    _searching_households(world, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Page 1 sur 3" in html


def test_offer_households_filters_in_the_database_and_keeps_the_best(world, scene, monkeypatch):
    from relogement.matching import selectors

    # A 20 m² dwelling: overcrowded for households of three or more persons, filtered in the database.
    _searching_households(world, 4, adults_count=2, children_count=2)
    _searching_households(world, 3, adults_count=1, children_count=0)
    monkeypatch.setattr(selectors, "MAX_MATCHES", 2)
    result = selectors.households_for_offer(world.users["mous"], scene["small"])
    assert result.candidates == 8  # household A and the seven above
    assert result.filtered_out == 5  # household A (2 adults, 1 child) and the four families
    assert result.suggested == 3
    assert len(result.matches) == 2 and not any(m.excluded for m in result.matches)
    assert all(m.context.persons == 1 for m in result.matches)
    html = (
        world.client_for("mous")
        .get(reverse("matching:offer_households", kwargs={"pk": scene["small"].pk}))
        .content.decode()
    )
    assert "5 sont écartés d'emblée" in html
    assert "Seuls les 2 ménages les plus adaptés sont listés." in html


def test_offer_page_links_to_its_households(world, scene):
    url = reverse("offers:detail", kwargs={"pk": scene["good"].pk})
    target = reverse("matching:offer_households", kwargs={"pk": scene["good"].pk})
    for persona in ("landlord", "mous"):
        html = world.client_for(persona).get(url).content.decode()
        assert f'href="{target}">Ménages adaptés</a>' in html, persona


def test_offer_households_when_the_database_filters_everyone(world, scene):
    from relogement.matching import selectors

    tiny = factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, living_area=8
    )
    result = selectors.households_for_offer(world.users["mous"], tiny)
    assert (result.candidates, result.filtered_out, result.matches) == (1, 1, [])
    html = world.client_for("mous").get(reverse("matching:offer_households", kwargs={"pk": tiny.pk}))
    assert "ne satisfait les critères bloquants vérifiables" in html.content.decode()
