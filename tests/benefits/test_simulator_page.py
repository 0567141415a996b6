from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.benefits import engine

URL = reverse("benefits:simulator")
VALID = {
    "adults": "1",
    "children": "2",
    "taxable_income": "1400",
    "commune": "59350",
    "rent": "450",
    "charges": "60",
    "social_housing": "on",
    "month": "2025-11",
}


@pytest.fixture
def client(world):
    return world.client_for("social_a")


def test_empty_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Simulateur APL / RLS" in content
    assert '<label class="form-label" for="id_rent">' in content
    assert "Lille (59350)" in content  # communes of the referential
    assert "Renseignez la situation" in content


def test_result_shows_amounts_and_inputs(client):
    response = client.get(URL, VALID)
    assert response.status_code == 200
    result = response.context["result"]
    expected = engine.compute_benefits(
        profile=engine.HouseholdProfile.simple(1, 2, Decimal("1400")),
        insee_code="59350",
        rent=Decimal("450"),
        charges=Decimal("60"),
        stock="social",
        month=engine.parse_month("2025-11"),
    )
    assert (result.apl, result.rls, result.rac, result.effort_rate) == (
        expected.apl,
        expected.rls,
        expected.rac,
        expected.effort_rate,
    )
    content = response.content.decode()
    assert "270,00\u00a0€" in content  # APL, French formatting
    assert "54,39\u00a0€" in content  # RLS
    assert "185,61\u00a0€" in content  # 450 + 60 - 270 - 54.39
    assert "13,3\u00a0%" in content  # 185.61 / 1400
    assert "Données utilisées" in content
    assert "Lille (59350) — zone APL 2" in content
    assert "8, 8 ans" in content
    assert "<html" in content


def test_htmx_request_gets_the_result_only(client):
    response = client.get(URL, VALID, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Reste à charge" in content


def test_private_rental_has_no_rls(client):
    data = {**VALID}
    data.pop("social_housing")
    response = client.get(URL, data)
    assert response.context["result"].rls == 0
    assert "Allocation de logement" in response.content.decode()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"rent": "-5"}, "supérieure ou égale à 0"),
        ({"adults": "9"}, "inférieure ou égale à 8"),
        ({"commune": "75056"}, "Sélectionnez un choix valide"),
        ({"taxable_income": "abc"}, "Saisissez un nombre"),
        ({"month": "2031-01"}, "Mois hors de la période"),
        ({"month": "nov-25"}, "Mois invalide"),
    ],
)
def test_bad_input_gives_a_french_error(client, change, message):
    response = client.get(URL, {**VALID, **change}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in content
    assert message in content
    assert response.context["result"] is None


def test_inline_errors_without_javascript(client):
    response = client.get(URL, {**VALID, "rent": "-5"})
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "invalid-feedback" in content


def test_commune_choices_fall_back_on_the_shared_file(db):
    from relogement.benefits.forms import commune_choices

    choices = commune_choices()
    assert len(choices) == 96  # the 95 communes of the MEL and the empty choice
    assert ("59350", "Lille (59350)") in choices


def test_menu_entry_follows_the_predicate(world):
    assert f'href="{URL}"' in world.client_for("social_a").get(URL).content.decode()
    admin_home = world.client_for("admin").get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in admin_home


def test_adults_one_by_one_and_stock_kind(client):
    """Each adult's situation and incomes, RSA received, a private unfurnished let; a job seeker's
    registration date is an assumption the result states."""
    data = {
        "children": "1",
        "children_ages": "6",
        "commune": "59350",
        "rent": "480",
        "charges": "50",
        "stock": "prive_vide",
        "month": "2026-11",
        "adult1_situation": "salarie",
        "adult1_salary": "1250",
        "adult2_situation": "demandeur_emploi",
        "adult3_role": "autre",
        "adult3_age": "68",
        "adult3_situation": "retraite",
        "adult3_pension": "700",
    }
    response = client.get(URL, data)
    result = response.context["result"]
    profile = engine.HouseholdProfile(
        (
            engine.Person("reference", 35, "salarie", salary=Decimal("1250")),
            engine.Person("spouse", 35, "demandeur_emploi"),
            engine.Person("other", 68, "retraite", pension=Decimal("700")),
            engine.Person("child", 6),
        )
    )
    expected = engine.compute_benefits(
        profile=profile, insee_code="59350", rent=Decimal("480"), charges=Decimal("50"), stock="prive_vide"
    )
    assert (result.apl, result.rls, result.rac) == (expected.apl, Decimal("0.00"), expected.rac)
    content = response.content.decode()
    assert "Estimation" in content and "Demandeur d&#x27;emploi depuis plus de deux mois" in content
    assert "Autre adulte" in content and "68 ans, retraité(e)" in content
    assert "Parc privé, location vide" in content


def test_global_income_and_adult_detail_are_exclusive(client):
    response = client.get(URL, {**VALID, "adult1_salary": "900"}, HTTP_HX_REQUEST="true")
    assert "indiquez l&#x27;un ou l&#x27;autre" in response.content.decode()
    assert response.context["result"] is None
