"""The register of processing (art. 30) is generated from the code: categories and fields from the
registry, recipients from the predicates and the scope, retention from the retention service."""

from django.urls import reverse

from relogement.accounts.models import OrganisationKind as K
from relogement.dataprotection.recipients import recipients_by_category, roles_allowed
from relogement.dataprotection.registry import Category
from relogement.households.retention import RETENTION_YEARS
from relogement.permissions import predicates


def by_category():
    return {c.category: c for c in recipients_by_category()}


def test_recipients_follow_the_predicates():
    assert roles_allowed("can_view_health_constraints") == [K.SOCIAL_PROVIDER]
    assert roles_allowed("can_view_diagnosis_conclusions") == [K.SOCIAL_PROVIDER, K.PROJECT_OFFICE]
    assert roles_allowed("can_view_access_log") == [K.ADMIN]
    # No predicate: every role whose scope reaches households, i.e. all but the administration.
    assert roles_allowed(None) == [
        K.SOCIAL_PROVIDER,
        K.PROJECT_OFFICE,
        K.MUNICIPALITY,
        K.LANDLORD,
        K.METROPOLIS,
    ]
    categories = by_category()
    assert list(categories[Category.HEALTH].fields_by_role) == [K.SOCIAL_PROVIDER]
    identity = categories[Category.IDENTITY].fields_by_role
    assert identity[K.METROPOLIS] == ["ménage : référence", "ménage : pseudonyme"]
    assert "membre du ménage : prénom" in identity[K.LANDLORD]
    assert "membre du ménage : date de naissance" not in identity[K.LANDLORD]


def test_a_changed_predicate_changes_the_register(monkeypatch):
    monkeypatch.setattr(predicates, "can_view_health_constraints", lambda user, household: True)
    assert K.METROPOLIS in by_category()[Category.HEALTH].fields_by_role


def test_the_page(world):
    page = world.client_for("admin").get(reverse("dataprotection:register")).content.decode()
    for expected in (
        "Registre des activités de traitement",
        "Santé (donnée sensible, art. 9 RGPD)",
        "Prestataire social chargé de l&#x27;accompagnement du ménage",
        "ménage : contraintes de santé (note sensible)",
        f"conservées {RETENTION_YEARS} ans après le dernier contact",
        "Aucun transfert de données hors de l&#x27;Union européenne",
        "indicators.HouseholdFact",
        "Responsable de traitement",
    ):
        assert expected in page, expected


def test_the_menu_offers_the_tools_to_administrators_only(world):
    url = reverse("dataprotection:home")
    assert f'href="{url}"' in world.client_for("admin").get(reverse("audit:index")).content.decode()
    for persona in ("mous", "social_a", "metropolis"):
        assert f'href="{url}"' not in world.client_for(persona).get(reverse("home")).content.decode()
