"""Private degraded stock (issue 14, point 2): buildings without social landlord, occupancy statuses,
the offer rule that applies per operation kind and status (and the project's override), the landlord
perimeter without them, indicators, exchange round-trip, bad input."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from relogement.exchange.exporter import export_rows, write_export
from relogement.exchange.importer import exchange_import
from relogement.exchange.readers import read_upload
from relogement.households.models import Household, OccupancyStatus
from relogement.households.statuses import HouseholdStatus
from relogement.indicators.perimeter import PRIVATE_STOCK_PERIMETER, perimeter_choices
from relogement.indicators.selectors import scoped_households
from relogement.offers.models import Answer, ProposalStatus
from relogement.offers.offer_rules import (
    RuleBasis,
    applicable_rule,
    household_rule,
    legal_deadlines,
    offer_count,
)
from relogement.projects.models import NO_OWNER_MESSAGE, Building, OfferRuleBasis, OperationKind
from tests import factories
from tests.exchange.builders import wipe_household_data
from tests.exchange.files import menage, sheets

OS = OccupancyStatus
K = OperationKind
PRIVATE_KINDS = [K.RHI, K.OPAH, K.OPAH_RU, K.DEGRADED_COOWNERSHIP]


def _rule(kind, status, basis=OfferRuleBasis.LEGAL, required=3, delay=6):
    return applicable_rule(
        operation_kind=kind,
        occupancy_status=status,
        project_basis=basis,
        project_required=required,
        project_delay=delay,
    )


# --- which rule applies ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PRIVATE_KINDS)
@pytest.mark.parametrize("status", list(OS))
def test_private_stock_operations_follow_the_town_planning_code(kind, status):
    rule = _rule(kind, status)
    assert (rule.code, rule.required, rule.delay_months) == (RuleBasis.URB_L314_2, 2, None)
    assert not rule.has_clock
    assert "L.314-2" in rule.reason and "deux propositions" in rule.reason
    if status == OS.NO_TITLE:
        assert "bonne foi" in rule.reason


@pytest.mark.parametrize("kind", [K.DEMOLITION, K.HEAVY_RENOVATION, K.RESIDENTIALISATION, K.OTHER])
def test_anru_operations_by_occupancy_status(kind):
    social = _rule(kind, OS.SOCIAL_TENANT)
    assert (social.code, social.required, social.delay_months) == (RuleBasis.CCH_L442_6, 3, 6)
    assert social.has_clock and "L.442-6" in social.reason
    for status in (OS.OWNER_OCCUPIER, OS.PRIVATE_TENANT):
        rule = _rule(kind, status)
        assert (rule.code, rule.required, rule.delay_months) == (RuleBasis.URB_L314_2, 2, None)
    no_title = _rule(kind, OS.NO_TITLE)
    assert (no_title.code, no_title.required) == (RuleBasis.NONE, 0)
    assert "maintien dans les lieux" in no_title.reason


@pytest.mark.parametrize("kind", [K.DEMOLITION, K.RHI])
@pytest.mark.parametrize("status", list(OS))
def test_the_project_overrides_the_legal_rule(kind, status):
    rule = _rule(kind, status, basis=OfferRuleBasis.LOCAL_CHARTER, required=4, delay=3)
    assert (rule.code, rule.required, rule.delay_months) == (RuleBasis.PROJECT, 4, 3)
    assert "Charte locale" in rule.label and "remplace" in rule.reason


# --- data -----------------------------------------------------------------------------------------


def _private_household(
    world, *, kind=K.RHI, status=OS.OWNER_OCCUPIER, reference="RHI-001", provider="social_a"
):
    building = getattr(world, "_private_building", None)
    if building is None:
        building = factories.BuildingFactory(
            private=True,
            operation__project=world.project,
            operation__kind=kind,
            operation__name="RHI — îlot Filature",
            reference="RHI-01",
            commune=world.commune,
        )
        world._private_building = building
    return factories.HouseholdFactory(
        building=building,
        social_provider=world.orgs[provider],
        reference=reference,
        reference_name="Famille Privé",
        occupancy_status=status,
        rent_before=None,
        apl_before=None,
        rls_before=None,
    )


def _refused(household, notified):
    return factories.ProposalFactory(
        household=household,
        offer=None,
        status=ProposalStatus.REFUSED,
        notified_date=notified,
        answer=Answer.REFUSED,
        answer_date=notified,
        is_compliant=True,
    )


def test_offer_count_and_deadlines_follow_the_household_rule(world):
    today = dt.date.today()
    private = _private_household(world)
    assert household_rule(private).code == RuleBasis.URB_L314_2
    _refused(private, today - dt.timedelta(days=40))
    _refused(private, today - dt.timedelta(days=20))
    count = offer_count(private)
    assert (count.required, count.refused_compliant_count) == (2, 2) and count.reached
    assert count.right_to_stay_lost_on is None  # no statutory clock under L.314-2
    assert count.obligation_met_on == today - dt.timedelta(days=20)
    assert not any(o.triggers_clock for o in count.offers)
    # A social tenant of the same project, three refusals: CCH L.442-6, six months.
    for days in (90, 60, 30):
        _refused(world.household_a, today - dt.timedelta(days=days))
    social = offer_count(world.household_a)
    assert social.required == 3 and social.right_to_stay_lost_on is not None
    assert [r[0] for r in legal_deadlines(world.users["mous"])] == [world.household_a.pk]
    # The project's own rule applies to every household, the private one included.
    world.project.offer_rule_basis = OfferRuleBasis.LOCAL_CHARTER
    world.project.required_offers = 2
    world.project.departure_delay_months = 6
    world.project.save()
    private.refresh_from_db()
    assert offer_count(private).right_to_stay_lost_on is not None
    assert private.pk in {r[0] for r in legal_deadlines(world.users["mous"])}


def test_household_file_and_deadlines_page_say_which_rule_applies(world):
    private = _private_household(world)
    client = world.client_for("mous")
    html = client.get(reverse("households:detail", args=[private.pk])).content.decode()
    assert "Règle applicable : Code de l&#x27;urbanisme L.314-1 et L.314-2" in html
    assert "Propriétaire occupant" in html and "parc privé" in html
    assert "Résorption de l&#x27;habitat insalubre (RHI)" in html
    social = client.get(reverse("households:detail", args=[world.household_a.pk])).content.decode()
    assert "Règle applicable : CCH L.442-6 II" in social
    page = client.get(reverse("offers:deadlines")).content.decode()
    assert "Règle applicable" in page and "L.314-2" in page


def test_building_pages_print_the_private_owner(world):
    private = _private_household(world)
    client = world.client_for("mous")
    for url in (
        reverse("building_detail", args=[private.building_id]),
        reverse("building_list"),
        reverse("project_detail", args=[world.project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "SCI des Tilleuls (parc privé)" in response.content.decode(), url
    # The owner may name a person: the metropolis (pseudonymised data only) reads "parc privé" alone.
    metropolis = world.client_for("metropolis")
    html = metropolis.get(reverse("building_detail", args=[private.building_id])).content.decode()
    assert "SCI des Tilleuls" not in html and "Parc privé (propriétaire non communiqué)" in html
    export = metropolis.get(reverse("exchange:export"), {"format": "csv"})
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        text = archive.read("menages.csv").decode("utf-8-sig")
    assert "SCI des Tilleuls" not in text and "proprietaire_origine" in text
    from django.test import RequestFactory

    from relogement.api.projects import BuildingSerializer

    def api_owner(persona):
        request = RequestFactory().get("/")
        request.user = world.users[persona]
        data = BuildingSerializer(private.building, context={"request": request}).data
        assert data["bailleur"] is None and data["bailleur_nom"] is None
        return data["proprietaire_prive"]

    assert (api_owner("mous"), api_owner("metropolis")) == ("SCI des Tilleuls", "")


# --- the landlord perimeter has none of them ------------------------------------------------------


def test_landlord_sees_none_of_the_private_households(world):
    private = _private_household(world)
    client = world.client_for("landlord")
    assert client.get(reverse("households:detail", args=[private.pk])).status_code == 404
    assert client.get(reverse("building_detail", args=[private.building_id])).status_code == 404
    assert private.pk not in set(
        Household.objects.visible_to(world.users["landlord"]).values_list("pk", flat=True)
    )
    assert not Building.objects.visible_to(world.users["landlord"]).filter(landlord__isnull=True).exists()
    assert "Famille Privé" not in client.get(reverse("households:list")).content.decode()
    # Those who follow the project do see it.
    for persona in ("mous", "commune", "social_a", "metropolis"):
        response = world.client_for(persona).get(reverse("households:detail", args=[private.pk]))
        assert response.status_code == 200, persona
    assert (
        world.client_for("social_b").get(reverse("households:detail", args=[private.pk])).status_code == 404
    )


# --- indicators -----------------------------------------------------------------------------------


def _indicators(capsys, *args):
    call_command("indicators", *args, "--as-of", "2025-12-31", "--format", "json")
    return json.loads(capsys.readouterr().out)


def test_indicators_count_them_at_every_level_and_in_a_private_stock_row(world, capsys):
    _private_household(world)
    _private_household(world, status=OS.PRIVATE_TENANT, reference="RHI-002")
    # world: 2 households in the project (social), 1 in the other project; + 2 private.
    assert _indicators(capsys)["avancement.recenses"] == 5
    assert _indicators(capsys, "--commune", "59350")["avancement.recenses"] == 4
    assert _indicators(capsys, "--project", "lille-concorde")["avancement.recenses"] == 4
    # The landlord breakdown adds up: Bailleur Nord 2, Bailleur Sud 1, private stock 2.
    assert _indicators(capsys, "--landlord", "Bailleur Nord")["avancement.recenses"] == 2
    assert _indicators(capsys, "--landlord", "Bailleur Sud")["avancement.recenses"] == 1
    assert _indicators(capsys, "--landlord", "aucun")["avancement.recenses"] == 2


def test_private_stock_perimeter_for_users(world):
    _private_household(world)
    mous = world.users["mous"]
    groups = dict(perimeter_choices(mous))
    assert (PRIVATE_STOCK_PERIMETER.token, "Parc privé (sans bailleur social)") in groups[
        "Bailleurs d'origine"
    ]
    assert scoped_households(mous, PRIVATE_STOCK_PERIMETER).count() == 1
    response = world.client_for("mous").get(reverse("indicators:dashboard"), {"perimetre": "bailleur-aucun"})
    assert response.status_code == 200 and "Parc privé (sans bailleur social)" in response.content.decode()
    # A landlord has no private building: the perimeter is not offered, and asking for it is a 404.
    landlord = world.users["landlord"]
    assert PRIVATE_STOCK_PERIMETER.token not in dict(dict(perimeter_choices(landlord))["Bailleurs d'origine"])
    response = world.client_for("landlord").get(
        reverse("indicators:dashboard"), {"perimetre": "bailleur-aucun"}
    )
    assert response.status_code == 404


# --- exchange -------------------------------------------------------------------------------------


def _export_csv() -> dict[str, str]:
    buffer = io.BytesIO()
    write_export(buffer, export_rows(Household.objects.all(), viewer=None), "csv")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {
            name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()
        }, buffer.getvalue()


def test_exchange_round_trip_with_a_private_building(world):
    _private_household(world)
    _private_household(world, status=OS.NO_TITLE, reference="RHI-002")
    reference, exported = _export_csv()
    lines = reference["menages.csv"].splitlines()
    header = lines[0].split(";")
    rows = {line.split(";")[0]: dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]}
    assert rows["RHI-001"]["bailleur_origine"] == ""
    assert rows["RHI-001"]["proprietaire_origine"] == "SCI des Tilleuls"
    assert rows["RHI-001"]["statut_occupation"] == "proprietaire_occupant"
    assert rows["CONC-001"]["bailleur_origine"] == "Bailleur Nord"
    assert rows["CONC-001"]["statut_occupation"] == "locataire_social"
    wipe_household_data()
    report = exchange_import(sheets=read_upload(io.BytesIO(exported), "suivi.zip"))
    assert report.valid, report.text()
    building = Building.objects.get(reference="RHI-01")
    assert building.landlord is None and building.private_owner == "SCI des Tilleuls"
    assert Household.objects.get(reference="RHI-002").occupancy_status == OS.NO_TITLE
    assert _export_csv()[0] == reference
    again = exchange_import(sheets=read_upload(io.BytesIO(exported), "suivi.zip"))
    assert (again.households.created, again.households.updated) == (0, 0)


def test_exchange_bad_input_writes_nothing(world):
    before = Household.objects.count()
    neither = exchange_import(sheets=sheets([menage(batiment="BAT-NEW", bailleur_origine="")]))
    assert not neither.valid
    assert [(e.column, e.message) for e in neither.errors] == [
        (
            "bailleur_origine",
            "valeur obligatoire manquante : le bailleur d'origine, ou pour un bâtiment du parc privé "
            "son propriétaire (colonne proprietaire_origine)",
        )
    ]
    both = exchange_import(sheets=sheets([menage(batiment="BAT-NEW", proprietaire_origine="M. Dupont")]))
    assert not both.valid and both.errors[0].column == "proprietaire_origine"
    bad_status = exchange_import(sheets=sheets([menage(statut_occupation="squatteur")]))
    assert not bad_status.valid and bad_status.errors[0].column == "statut_occupation"
    assert Household.objects.count() == before
    assert not Building.objects.filter(reference="BAT-NEW").exists()


def test_exchange_existing_private_building_keeps_its_owner(world):
    _private_household(world)
    report = exchange_import(
        sheets=sheets(
            [
                menage(
                    ref_menage="IMP-009", batiment="RHI-01", bailleur_origine="", proprietaire_origine="Autre"
                )
            ]
        )
    )
    assert report.valid, report.text()
    assert any(w.column == "proprietaire_origine" for w in report.warnings)
    assert Building.objects.get(reference="RHI-01").private_owner == "SCI des Tilleuls"
    # A partner's file without the extension column: an empty landlord is fine for a private building,
    # not for a social landlord's one.
    ok = exchange_import(
        sheets=sheets([menage(ref_menage="IMP-010", batiment="RHI-01", bailleur_origine="")])
    )
    assert ok.valid, ok.text()
    social = exchange_import(
        sheets=sheets([menage(ref_menage="IMP-011", batiment="BAT-A", bailleur_origine="")])
    )
    assert [(e.column, e.row) for e in social.errors] == [("bailleur_origine", 2)]
    assert not Household.objects.filter(reference="IMP-011").exists()


# --- bad input on the model -----------------------------------------------------------------------


def test_building_needs_a_landlord_or_an_owner(world):
    building = Building(
        operation=world.building.operation,
        reference="SANS-PROPRIETAIRE",
        commune=world.commune,
        landlord=None,
        private_owner="   ",
    )
    with pytest.raises(ValidationError) as error:
        building.full_clean()
    assert error.value.message_dict == {"private_owner": [NO_OWNER_MESSAGE]}
    assert "Indiquez le bailleur social du bâtiment" in NO_OWNER_MESSAGE
    building.private_owner = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        building.save()  # the database refuses it too
    assert not Building.objects.filter(reference="SANS-PROPRIETAIRE").exists()
    building.private_owner = "Indivision Lefebvre"
    building.full_clean()
    building.save()
    assert building.is_private_stock and building.owner_label == "Indivision Lefebvre (parc privé)"


def test_a_private_household_file_opens_for_its_social_provider(world):
    private = _private_household(world)
    assert private.status == HouseholdStatus.TO_DIAGNOSE
    response = world.client_for("social_a").get(reverse("households:detail", args=[private.pk]))
    assert response.status_code == 200 and "Famille Privé" in response.content.decode()


def test_the_offers_record_of_a_private_household_is_kept_as_evidence(world):
    from relogement.dataprotection.erasure import erasure_blockers
    from relogement.households.statuses import ExitReason

    private = _private_household(world)
    private.status, private.exit_reason = HouseholdStatus.EXITED, ExitReason.SELF_DEPARTURE
    private.save()
    _refused(private, dt.date(2024, 1, 10))
    _refused(private, dt.date(2024, 2, 10))
    blockers = erasure_blockers(private, today=dt.date(2025, 6, 1))
    assert [b.code for b in blockers] == ["offer_record"]
    assert "obligation d'offres remplie le 10/02/2024" in blockers[0].message
    assert "L.314-2" in blockers[0].message
    assert erasure_blockers(private, today=dt.date(2029, 2, 11)) == []
