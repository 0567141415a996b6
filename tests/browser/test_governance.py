"""Governance of issue 15 in a real browser (Playwright driving Debian's Chromium), every page through
axe-core (no serious or critical violation) and the structure checks of the other journeys.

1. The project office (MOUS) plans a rehousing committee, edits it (searchable invitee picker),
   opens its agenda and a case's one-page summary, records a decision with a follow-up action.
2. The landlord plans a CALEOL session and records an attribution in rank 1 (the proposal machine
   allocates).
3. The metropolis creates a working group and adds a meeting.
4. Provider A addresses a request to the commune from the household file; the commune answers and
   closes it from its queue; the household file lists it.
5. The commune opens its alert centre from the menu (the badge counts its alerts).
6. The MOUS records a grievance, acknowledges it and closes it (the household agrees).

One test function: one world, one live server, one browser (the suite's budget).
"""

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from relogement.governance.models import Committee, CommitteeCase, DecisionKind, WorkingGroup
from relogement.grievances.models import Grievance
from relogement.offers.models import ProposalStatus
from relogement.requests.models import HandoffRequest, RequestStatus
from tests.browser.test_field_work import FieldJourney, chromium  # noqa: F401 (fixture)
from tests.browser.test_rehousing_journey import submit
from tests.governance.builders import accepted_proposal

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


@pytest.fixture
def gov(world, live_server, settings, chromium):  # noqa: F811
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    journey = FieldJourney(chromium, live_server, world)
    journey.series = "governance"
    journey.axe_problems = []
    return journey


def _committee_journey(gov, world):
    mous = gov.login_cookie("mous")
    gov.go(mous, reverse("governance:index"))
    gov.axe(mous, "gouvernance-accueil")
    submit(mous.get_by_role("link", name="Planifier un comité"))
    gov.axe(mous, "comite-planifier")
    mous.locator("#id_project").select_option(label=world.project.name)
    starts = timezone.localtime() + dt.timedelta(days=2)
    mous.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    mous.get_by_label("Lieu", exact=True).fill("Mairie de quartier")
    for name in ("Ville de Lille", "Prestataire A", "Bailleur Nord"):
        mous.get_by_label(name, exact=True).check()
    submit(mous.get_by_role("button", name="Planifier"))
    committee = Committee.objects.get(place="Mairie de quartier")
    gov.axe(mous, "comite-ordre-du-jour")
    # Edit it before it is held: the invitee picker is searchable.
    submit(mous.get_by_role("link", name="Modifier la date, le lieu ou les invitations"))
    search = mous.get_by_role("searchbox", name="Rechercher dans : Personnes invitées")
    search.fill("zzz-personne")
    assert mous.locator("#id_people option:not([hidden])").count() == 0
    search.fill("")
    gov.axe(mous, "comite-modifier")
    mous.get_by_label("Lieu", exact=True).fill("Mairie annexe")
    submit(mous.get_by_role("button", name="Enregistrer"))
    mous.get_by_text("Comité modifié.").wait_for()
    committee.refresh_from_db()
    assert committee.place == "Mairie annexe"
    # Household A on the agenda by reference, its summary opened in the side panel (htmx).
    mous.get_by_label("Ajouter un ménage du projet (référence)").fill(world.household_a.reference)
    submit(mous.get_by_role("button", name="Ajouter", exact=True))
    case = CommitteeCase.objects.get(committee=committee, household=world.household_a)
    mous.locator(f"a[href='{reverse('governance:case_summary', args=[committee.pk, case.pk])}']").click()
    mous.locator("#case-panel h2", has_text="Fiche de synthèse").wait_for()
    gov.axe(mous, "comite-fiche-synthese")
    # The decision with a follow-up action.
    submit(mous.locator(f"a[href='{reverse('governance:case_decide', args=[committee.pk, case.pk])}']"))
    gov.axe(mous, "comite-decision")
    mous.locator("#id_decision").select_option(DecisionKind.MEDIATION)
    mous.get_by_label("Motif de la décision").fill("Médiation avec le bailleur sur le loyer")
    mous.get_by_label("Action de suivi").fill("Organiser la médiation")
    mous.locator("#id_action_organisation").select_option(label="Bailleur Nord")
    mous.locator("#id_action_due").fill((TODAY + dt.timedelta(days=15)).isoformat())
    submit(mous.get_by_role("button", name="Enregistrer la décision"))
    mous.get_by_text("Organiser la médiation").first.wait_for()
    case.refresh_from_db()
    assert case.decision == DecisionKind.MEDIATION
    assert case.actions.get().owner_organisation == world.orgs["landlord"]
    gov.axe(mous, "comite-apres-decision")


def _caleol_journey(gov, world):
    proposal = accepted_proposal(world, household=world.household_b)
    landlord = gov.login_cookie("landlord")
    gov.go(landlord, reverse("governance:index"))
    submit(landlord.get_by_role("link", name="Planifier une séance"))
    gov.axe(landlord, "caleol-planifier")
    landlord.locator("#id_date").fill((TODAY - dt.timedelta(days=1)).isoformat())
    landlord.locator("#id_place").fill("Siège")
    submit(landlord.get_by_role("button", name="Planifier"))
    gov.axe(landlord, "caleol-seance")
    submit(landlord.get_by_role("link", name="Décider"))
    gov.axe(landlord, "caleol-decision")
    landlord.locator("#id_outcome").select_option("allocated")
    landlord.locator("#id_rank").fill("1")
    submit(landlord.get_by_role("button", name="Enregistrer la décision"))
    landlord.get_by_text("Décision de CALEOL enregistrée.").wait_for()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMMISSION_ALLOCATED
    gov.axe(landlord, "caleol-apres-decision")


def _group_journey(gov, world):
    metropolis = gov.login_cookie("metropolis")
    gov.go(metropolis, reverse("governance:group_list"))
    gov.axe(metropolis, "groupes")
    submit(metropolis.get_by_role("link", name="Créer un groupe de travail"))
    gov.axe(metropolis, "groupe-creer")
    metropolis.locator("#id_name").fill("Grandes familles")
    metropolis.get_by_label("Ville de Lille", exact=True).check()
    metropolis.get_by_label("MOUS Concorde", exact=True).check()
    submit(metropolis.get_by_role("button", name="Créer"))
    group = WorkingGroup.objects.get(name="Grandes familles")
    gov.axe(metropolis, "groupe")
    metropolis.locator("#id_date").fill(TODAY.isoformat())
    metropolis.locator("#id_place").fill("Salle du conseil")
    submit(metropolis.get_by_role("button", name="Ajouter la réunion"))
    meeting = group.meetings.get()
    gov.go(metropolis, reverse("governance:group_meeting", args=[group.pk, meeting.pk]))
    gov.axe(metropolis, "groupe-reunion")


def _request_journey(gov, world):
    social = gov.login_cookie("social_a")
    gov.go(social, reverse("households:detail", args=[world.household_a.pk]))
    submit(social.get_by_role("link", name="Adresser une demande"))
    gov.axe(social, "demande-adresser")
    social.locator("#id_recipient").select_option(label="Ville de Lille")
    social.locator("#id_subject").fill("Examen urgent en comité")
    social.locator("#id_text").fill("Pouvez-vous inscrire ce ménage au prochain comité ?")
    submit(social.get_by_role("button", name="Adresser la demande"))
    handoff = HandoffRequest.objects.get(subject="Examen urgent en comité")
    commune = gov.login_cookie("commune")
    gov.go(commune, reverse("requests:received"))
    gov.axe(commune, "demandes-recues")
    submit(commune.get_by_role("link", name="Examen urgent en comité"))
    gov.axe(commune, "demande")
    commune.locator("textarea[name=text]").fill("Inscrit au comité de la semaine prochaine.")
    submit(commune.get_by_role("button", name="Répondre"))
    submit(commune.get_by_role("button", name="Clore la demande"))
    handoff.refresh_from_db()
    assert handoff.status == RequestStatus.CLOSED
    # The household file lists it for the two organisations.
    gov.go(social, reverse("households:detail", args=[world.household_a.pk]))
    social.locator("#section-demandes", has_text="Examen urgent en comité").wait_for()
    return commune


def _alert_journey(gov, world, commune):
    gov.go(commune, reverse("home"))
    menu = commune.get_by_role("navigation", name="Navigation principale")
    menu.locator("[data-alert-count]").wait_for()
    submit(menu.get_by_role("link", name="Alertes"))
    commune.get_by_role("heading", level=1).wait_for()
    gov.axe(commune, "alertes")


def _grievance_journey(gov, world):
    mous = gov.login_cookie("mous")
    gov.go(mous, reverse("households:detail", args=[world.household_a.pk]))
    submit(mous.get_by_role("link", name="Enregistrer une réclamation"))
    gov.axe(mous, "reclamation-enregistrer")
    mous.locator("#id_category").select_option(label="Loyer et charges")
    mous.locator("#id_channel").select_option(index=1)
    mous.locator("#id_received_on").fill(TODAY.isoformat())
    mous.locator("#id_responsible").select_option(label="MOUS Concorde")
    mous.locator("#id_description").fill("Le loyer proposé est trop élevé.")
    submit(mous.get_by_role("button", name="Enregistrer la réclamation"))
    grievance = Grievance.objects.get(household=world.household_a)
    gov.axe(mous, "reclamation")
    submit(mous.get_by_role("button", name="Accuser réception"))
    mous.locator("textarea[name=outcome]").fill("Une offre moins chère a été recherchée.")
    mous.locator("select[name=household_agrees]").select_option("oui")
    mous.locator("input[name=closed_on]").fill(TODAY.isoformat())
    submit(mous.get_by_role("button", name="Clôturer"))
    grievance.refresh_from_db()
    assert grievance.status == "close" and grievance.household_agrees is True
    gov.axe(mous, "reclamation-cloturee")


def test_governance_journeys(gov, world):
    _committee_journey(gov, world)
    _caleol_journey(gov, world)
    _group_journey(gov, world)
    commune = _request_journey(gov, world)
    _alert_journey(gov, world, commune)
    _grievance_journey(gov, world)
    assert gov.axe_problems == [], "\n".join(gov.axe_problems)
    assert gov.problems == [], "\n".join(gov.problems)
