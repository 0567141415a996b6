"""Demo grievances (docs/governance.md § Grievances): on the MOUS Lille's busiest project, a dozen
complaints of every category and channel, at every stage of the escalation path, two of them overdue,
so that each role's grievance page and the households' « Réclamations » sections show some on first
login. Written with bulk inserts and no history rows, like the rest of the demo; deadlines computed by
the service's rule (working days, the project's policy)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from relogement.grievances.models import Grievance, GrievanceTransition
from relogement.grievances.models import GrievanceStatus as G
from relogement.grievances.services import deadlines
from relogement.households.models import Household

# (category, channel, days before the demo date, responsible key, final status, text, outcome, agrees)
PLANS = [
    (
        "loyer",
        "courrier",
        3,
        "landlord",
        G.RECEIVED,
        "Le loyer du T3 proposé laisse un reste à charge trop élevé.",
        "",
        None,
    ),
    (
        "demenagement",
        "telephone",
        1,
        "mous",
        G.RECEIVED,
        "La date du déménagement a été fixée sans nous consulter.",
        "",
        None,
    ),
    (
        "accompagnement",
        "visite",
        12,
        "provider",
        G.ACKNOWLEDGED,
        "Nous n'avons pas vu notre travailleuse sociale depuis deux mois.",
        "",
        None,
    ),
    (
        "offre",
        "courriel",
        20,
        "mous",
        G.ACKNOWLEDGED,
        "Le logement proposé est trop loin de l'école des enfants.",
        "",
        None,
    ),
    (
        "discrimination",
        "commune",
        25,
        "commune",
        G.COMMUNE,
        "Le ménage estime avoir été écarté d'une offre en raison de son origine.",
        "",
        None,
    ),
    (
        "offre",
        "courrier",
        45,
        "mous",
        G.COMMUNE,
        "Trois offres refusées jugées non conformes par le ménage.",
        "",
        None,
    ),  # overdue
    (
        "loyer",
        "visite",
        50,
        "landlord",
        G.METROPOLIS,
        "Charges de chauffage bien plus élevées qu'annoncé.",
        "",
        None,
    ),  # overdue
    (
        "demenagement",
        "telephone",
        60,
        "mous",
        G.CLOSED,
        "Cartons non livrés avant le déménagement.",
        "Livraison faite le lendemain, frais remboursés.",
        True,
    ),
    (
        "offre",
        "courrier",
        80,
        "mous",
        G.CLOSED,
        "Aucune offre de T5 depuis six mois.",
        "Offre T5 obtenue sur le contingent préfectoral.",
        True,
    ),
    (
        "loyer",
        "courriel",
        90,
        "landlord",
        G.CLOSED,
        "Dépôt de garantie réclamé deux fois.",
        "Double prélèvement remboursé.",
        True,
    ),
    (
        "accompagnement",
        "visite",
        100,
        "provider",
        G.CLOSED,
        "Dossier APL déposé en retard.",
        "Dossier régularisé, rappel versé.",
        False,
    ),
    (
        "autre",
        "commune",
        120,
        "commune",
        G.CLOSED,
        "Nuisances du chantier voisin.",
        "Horaires du chantier aménagés.",
        True,
    ),
]
PATH = [G.RECEIVED, G.ACKNOWLEDGED, G.COMMUNE, G.METROPOLIS]


def generate_grievances(gen, as_of: dt.date) -> dict[str, int]:
    mous = gen.mous_orgs[0]
    project = mous.projects.annotate(n=Count("households")).filter(n__gt=0).order_by("-n", "pk").first()
    if project is None:
        return {}
    commune = gen.commune_orgs.get(project.commune.insee_code) or mous
    households = list(
        Household.objects.filter(
            project=project, social_provider__isnull=False, building__landlord__isnull=False
        )
        .select_related("building")
        .order_by("social_provider_id", "pk")[: len(PLANS)]
    )
    user = gen.persona_users["mous"]
    grievances = []
    for (category, channel, days, who, status, text, outcome, agrees), household in zip(
        PLANS, households, strict=False
    ):
        received = as_of - dt.timedelta(days=days)
        ack_due, resolution_due = deadlines(project_id=project.pk, received_on=received)
        responsible = {
            "landlord": household.building.landlord_id,
            "provider": household.social_provider_id,
            "commune": commune.pk,
            "mous": mous.pk,
        }[who]
        closed = status == G.CLOSED
        grievances.append(
            Grievance(
                household=household,
                category=category,
                channel=channel,
                received_on=received,
                description=text,
                responsible_id=responsible,
                recorded_by_organisation=mous,
                author=user,
                status=status,
                acknowledgement_due=ack_due,
                resolution_due=resolution_due,
                acknowledged_on=None if status == G.RECEIVED else received + dt.timedelta(days=1),
                closed_on=received + dt.timedelta(days=min(days - 1, 10 + days // 4)) if closed else None,
                outcome=outcome,
                household_agrees=agrees,
            )
        )
    grievances = Grievance.objects.bulk_create(grievances)
    transitions = []
    for g in grievances:
        reached = (
            PATH[: PATH.index(g.status) + 1] if g.status in PATH else [G.RECEIVED, G.ACKNOWLEDGED, G.CLOSED]
        )
        previous = ""
        for state in reached:
            reason = (
                "Pas de réponse satisfaisante au premier niveau."
                if state in (G.COMMUNE, G.METROPOLIS)
                else ""
            )
            transitions.append(
                GrievanceTransition(
                    grievance=g, from_status=previous, to_status=state, reason=reason, actor=user
                )
            )
            previous = state
    GrievanceTransition.objects.bulk_create(transitions)
    return {"réclamations": len(grievances)}
