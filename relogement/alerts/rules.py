"""The alert rules: what needs the attention of a user in their perimeter, as typed ``Alert`` objects.

One function, ``alerts_for(user)``, runs every rule; each rule costs a fixed number of queries
whatever the data size (a page, a digest or a home-page queue can call it). Alerts are computed, not
stored: they disappear when their cause does. An alert's title names a household by its reference
only (never its name, a social note or a health datum), so that it may be e-mailed as a count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from relogement.accounts.models import OrganisationKind
from relogement.alerts.models import DEFAULT_DEADLINE_WARNING_DAYS, DEFAULT_STALLED_DAYS, AlertKind
from relogement.permissions.scopes import organisation_of

# Rows per rule: the centre shows the most urgent ones and the count beyond.
LIMIT = 50


@dataclass(frozen=True)
class Alert:
    kind: str
    key: str  # stable across runs: the dedupe key of immediate e-mails
    title: str
    url: str
    due: dt.date | None = None
    overdue: bool = False
    subject: str = ""  # what the alert is about, for a table's row header (a building's reference)
    code: str = ""  # a machine-readable verdict (a building's risk)

    @property
    def kind_label(self) -> str:
        return AlertKind(self.kind).label


def _project_settings() -> dict[int, tuple[int | None, int]]:
    from relogement.alerts.models import ProjectAlertSettings

    return {
        pid: (stalled, warning)
        for pid, stalled, warning in ProjectAlertSettings.objects.values_list(
            "project_id", "stalled_proposal_days", "deadline_warning_days"
        )
    }


def _first_rows(queryset, limit: int | None) -> tuple[list, int]:
    """The first ``limit`` rows (all with None) and how many there are in all: one query, and a count
    only when the rows were cut."""
    if limit is None:
        rows = list(queryset)
        return rows, len(rows)
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, len(rows)
    return rows[:limit], queryset.count()


def stalled_proposals(user, today: dt.date, project_settings, limit: int | None = LIMIT) -> list[Alert]:
    return _stalled_proposals(user, today, project_settings, limit)[0]


def _stalled_condition(today: dt.date, project_settings) -> Q:
    """Notified at least N days ago, N being the project's (the default for projects without
    settings; never for projects that say so): one condition per distinct N, on project ids only."""
    by_days: dict[int, list[int]] = {}
    for project_id, (days, _) in project_settings.items():
        if days is not None:
            by_days.setdefault(days, []).append(project_id)
    condition = Q(notified_date__lte=today - dt.timedelta(days=DEFAULT_STALLED_DAYS)) & ~Q(
        household__project_id__in=list(project_settings)
    )
    for days, project_ids in by_days.items():
        condition |= Q(
            household__project_id__in=project_ids, notified_date__lte=today - dt.timedelta(days=days)
        )
    return condition


def _stalled_proposals(user, today: dt.date, project_settings, limit: int | None) -> tuple[list[Alert], int]:
    """Proposals notified to the household and still unanswered after the project's N days (never,
    when the project says so): the oldest ``limit`` ones and how many there are in all, the project
    rule applied in the query (a demo metropolis has thousands: never read them all)."""
    from relogement.offers.models import Answer, Proposal, ProposalStatus

    matching = (
        Proposal.objects.visible_to(user)
        .filter(status=ProposalStatus.PROPOSED, answer=Answer.PENDING)
        .filter(_stalled_condition(today, project_settings))
    )
    rows, total = _first_rows(
        matching.values_list("pk", "notified_date", "household__reference", "household__project_id").order_by(
            "notified_date", "pk"
        ),
        limit,
    )
    alerts = []
    for pk, notified, reference, project_id in rows:
        days = project_settings.get(project_id, (DEFAULT_STALLED_DAYS, 0))[0]
        alerts.append(
            Alert(
                AlertKind.STALLED_PROPOSAL,
                f"proposal-{pk}",
                f"{reference} : proposition notifiée le {notified:%d/%m/%Y}, sans réponse depuis {(today - notified).days} jours",
                reverse("offers:proposal", kwargs={"pk": pk}),
                due=notified + dt.timedelta(days=days),
                overdue=True,
            )
        )
    return alerts, total


def _months_before(day: dt.date, months: int) -> dt.date:
    from relogement.offers.offer_rules import add_months

    return add_months(day, -months)


def legal_deadlines(user, today: dt.date, project_settings, *, past_days: int = 31) -> list[Alert]:
    return _legal_deadlines(user, today, project_settings, LIMIT, past_days=past_days)[0]


def _legal_deadlines(
    user, today: dt.date, project_settings, limit: int | None, *, past_days: int = 31
) -> tuple[list[Alert], int]:
    """Households whose right to stay ends (``delay`` months after the notification of the refused
    compliant offer that reached the required number, under the household's offer rule:
    offers.offer_rules) within the project's warning period, or ended less than ``past_days`` ago.

    Set-based, two queries whatever the number of households (no list of ids travels back to the
    database): the distinct delays of the projects, then one query over the **trigger** proposals
    among the refused compliant proposals notified within the windows' envelope,
    i.e. the refused compliant proposals whose rank among their household's refused compliant
    proposals (a correlated count of the earlier ones) is the rule's required number. The rule
    (required, delay) is computed in SQL by the same decision as ``offer_rules.applicable_rule``; the
    trigger's notification date is bounded per delay, so that only the households near their deadline
    are read (the bounds are a few days wider than exact, month lengths vary; the exact date is then
    checked on the few rows returned with ``add_months``).
    """
    from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When

    from relogement.households.models import OccupancyStatus
    from relogement.offers.models import Answer, Proposal
    from relogement.offers.offer_rules import OPEN_STATUSES, add_months
    from relogement.projects.models import PRIVATE_STOCK_KINDS, OfferRuleBasis, Project

    project_rule = ~Q(household__project__offer_rule_basis=OfferRuleBasis.LEGAL)
    legal_clock = Q(household__occupancy_status=OccupancyStatus.SOCIAL_TENANT) & ~Q(
        household__building__operation__kind__in=list(PRIVATE_STOCK_KINDS)
    )
    # CCH L.442-6 II: three offers, six months; the project's own rule overrides it (offer_rules).
    required = Case(
        When(project_rule, then=F("household__project__required_offers")),
        When(legal_clock, then=Value(3)),
        default=Value(0),
        output_field=IntegerField(),
    )
    delay = Case(
        When(project_rule, then=F("household__project__departure_delay_months")),
        When(legal_clock, then=Value(6)),
        default=Value(None),
        output_field=IntegerField(),
    )
    delays = {
        6,
        *Project.objects.exclude(offer_rule_basis=OfferRuleBasis.LEGAL)
        .values_list("departure_delay_months", flat=True)
        .order_by()
        .distinct(),
    }
    widest = max([DEFAULT_DEADLINE_WARNING_DAYS, *(w for _, w in project_settings.values())])
    window = Q()
    bounds = []
    for months in delays:
        low = _months_before(today - dt.timedelta(days=past_days), months) - dt.timedelta(days=3)
        high = _months_before(today + dt.timedelta(days=widest), months) + dt.timedelta(days=3)
        window |= Q(delay=months, notified_date__gte=low, notified_date__lte=high)
        bounds.append((low, high))
    # The same windows' envelope as a plain range (the per-delay ones test a computed delay): the
    # query starts from the refused compliant proposals notified in it (offers_prop_refused_compliant),
    # not from every open household of the perimeter.
    envelope = Q(notified_date__gte=min(b[0] for b in bounds), notified_date__lte=max(b[1] for b in bounds))
    refused = Proposal.objects.filter(is_compliant=True, answer=Answer.REFUSED).exclude(notified_date=None)
    earlier = (
        refused.filter(household_id=OuterRef("household_id"))
        .filter(
            Q(notified_date__lt=OuterRef("notified_date"))
            | Q(notified_date=OuterRef("notified_date"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The refused compliant proposals of the envelope (an index range on offers_prop_refused_compliant)
    # in a subquery kept apart by its LIMIT (PostgreSQL plans it alone, does not pull it up): planned as
    # one query, the correlated count below was misjudged and PostgreSQL started from every open
    # household of the perimeter (100 ms at 100,000 households).
    candidates = (
        refused.visible_to(user)
        .filter(
            envelope,
            household__status__in=OPEN_STATUSES,
            household__specially_designed_dwelling=False,
        )
        .values("pk")[: 2**62]
    )
    rows = (
        refused.filter(pk__in=candidates)
        .annotate(required=required, delay=delay)
        .filter(window, required__gt=0)
        .annotate(earlier=Coalesce(Subquery(earlier, output_field=IntegerField()), Value(0)))
        .filter(earlier=F("required") - 1)
        .values_list(
            "household_id", "notified_date", "delay", "household__reference", "household__project_id"
        )
        .order_by("notified_date", "household_id")
    )
    alerts = []
    for household_id, notified, months, reference, project_id in rows:
        lost_on = add_months(notified, months)
        warning = project_settings.get(project_id, (0, DEFAULT_DEADLINE_WARNING_DAYS))[1]
        if (lost_on - today).days > warning or lost_on < today - dt.timedelta(days=past_days):
            continue
        alerts.append(
            Alert(
                AlertKind.LEGAL_DEADLINE,
                f"deadline-{household_id}-{lost_on:%Y%m%d}",
                f"{reference} : fin du droit au maintien dans les lieux le {lost_on:%d/%m/%Y}",
                reverse("households:detail", kwargs={"pk": household_id}),
                due=lost_on,
                overdue=lost_on < today,
            )
        )
    alerts.sort(key=lambda a: (a.due, a.key))
    return (alerts[:limit] if limit is not None else alerts), len(alerts)


def overdue_steps(user, today: dt.date, limit: int | None = LIMIT) -> list[Alert]:
    return _overdue_steps(user, today, limit)[0]


def _overdue_steps(user, today: dt.date, limit: int | None) -> tuple[list[Alert], int]:
    """The first ``limit`` overdue steps that are the user's to do, and how many there are in all."""
    from relogement.households.selectors import my_overdue_steps

    rows, total = _first_rows(my_overdue_steps(user, today=today), limit)
    return [
        Alert(
            AlertKind.OVERDUE_STEP,
            f"step-{s.pk}",
            f"{s.household.reference} : étape prévue le {s.due_date:%d/%m/%Y}",
            reverse("households:detail", kwargs={"pk": s.household_id}) + "#section-etapes",
            due=s.due_date,
            overdue=True,
            subject=s.title,  # shown on the home page, never e-mailed (notifications send counts)
        )
        for s in rows
    ], total


def followups_due(user, today: dt.date, limit: int | None = LIMIT) -> list[Alert]:
    return _followups_due(user, today, limit)[0]


def _followups_due(user, today: dt.date, limit: int | None) -> tuple[list[Alert], int]:
    from relogement.followup.selectors import due_followups_for

    due = due_followups_for(user, today=today)
    rows = list(due[:limit] if limit is not None else due)
    total = len(due) if rows or limit is None else 0  # the slice's window count: no second query
    return [
        Alert(
            AlertKind.FOLLOWUP_DUE,
            f"followup-{m.household.pk}-{m.months_after}",
            f"{m.household.reference} : enquête de suivi à {m.months_after} mois, prévue le {m.due_date:%d/%m/%Y}",
            reverse("followup:record", kwargs={"pk": m.household.pk, "months": m.months_after}),
            due=m.due_date,
            overdue=m.overdue,
        )
        for m in rows
    ], total


def buildings_at_risk(user, today: dt.date) -> list[Alert]:
    """For the roles that follow the demolition calendar (project office, commune, metropolis)."""
    org = organisation_of(user)
    if org is None or org.kind not in (
        OrganisationKind.PROJECT_OFFICE,
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.METROPOLIS,
    ):
        return []
    from relogement.indicators.cache import cached, scope_key

    # The risk of every building of the scope reads all its households: cached per scope, day and
    # data version like the dashboard's figures (the home page and the centre ask for it on each view).
    return cached(
        ("alerts-buildings-at-risk", scope_key(user), today.isoformat()),
        lambda: _buildings_at_risk(user, today),
    )


def _buildings_at_risk(user, today: dt.date) -> list[Alert]:
    from relogement.matching.risk import building_risks

    return [
        Alert(
            AlertKind.BUILDING_AT_RISK,
            f"building-{r.building.pk}",
            f"Bâtiment {r.building.reference} ({r.building.project.name}) : {r.remaining} ménage(s) encore à reloger, "
            f"démolition prévue le {r.planned:%d/%m/%Y}"
            if r.planned
            else f"Bâtiment {r.building.reference} : {r.remaining} ménage(s) encore à reloger",
            reverse("building_detail", kwargs={"pk": r.building.pk}),
            due=r.planned,
            overdue=bool(r.planned and r.planned < today),
            subject=r.building.reference,
            code=r.verdict.code,
        )
        # Every one: buildings are few, and the home page counts them from this list.
        for r in building_risks(user, on=today, only_at_risk=True, with_blockers=False)
    ]


def requests_received(user, today: dt.date) -> list[Alert]:
    return _requests_received(user, today, LIMIT)[0]


def _requests_received(user, today: dt.date, limit: int | None) -> tuple[list[Alert], int]:
    from relogement.requests.models import HandoffRequest

    org = organisation_of(user)
    if org is None:
        return [], 0
    rows, total = _first_rows(
        HandoffRequest.objects.received_by(org)
        .pending()
        .values_list("pk", "subject", "due_date", "sender_organisation__name")
        .order_by("due_date", "pk"),
        limit,
    )
    return [
        Alert(
            AlertKind.REQUEST_RECEIVED,
            f"request-{pk}",
            f"Demande de {sender} : {subject}",
            reverse("requests:detail", kwargs={"pk": pk}),
            due=due,
            overdue=due < today,
        )
        for pk, subject, due, sender in rows
    ], total


def committee_invitations(user, today: dt.date) -> list[Alert]:
    return _committee_invitations(user, today, LIMIT)[0]


def _committee_invitations(user, today: dt.date, limit: int | None) -> tuple[list[Alert], int]:
    from relogement.governance.models import Committee, SessionStatus

    org = organisation_of(user)
    if org is None:
        return [], 0
    rows, total = _first_rows(
        Committee.objects.filter(Q(invited_organisations=org) | Q(invited_people=user))
        .filter(status=SessionStatus.PLANNED, starts_at__date__gte=today)
        .values_list("pk", "starts_at", "project__name")
        .distinct()
        .order_by("starts_at", "pk"),
        limit,
    )
    return [
        Alert(
            AlertKind.COMMITTEE_INVITATION,
            f"committee-{pk}",
            f"Comité de relogement {project} le {timezone.localtime(starts):%d/%m/%Y à %H:%M}",
            reverse("governance:committee_detail", kwargs={"pk": pk}),
            due=timezone.localdate(starts),
        )
        for pk, starts, project in rows
    ], total


def overdue_grievances(user, today: dt.date) -> list[Alert]:
    return _overdue_grievances(user, today, LIMIT)[0]


def _overdue_grievances(user, today: dt.date, limit: int | None) -> tuple[list[Alert], int]:
    """Grievances past their acknowledgement or resolution deadline (issue 15, point 6), for the roles
    that read grievances one by one; the metropolis reads them as counts in the indicators."""
    from relogement.grievances.selectors import overdue_grievances as overdue
    from relogement.permissions.predicates import can_list_grievances

    if not can_list_grievances(user):
        return [], 0
    rows, total = _first_rows(
        overdue(user, today=today).values_list(
            "pk",
            "household__reference",
            "category",
            "acknowledged_on",
            "acknowledgement_due",
            "resolution_due",
        ),
        limit,
    )
    from relogement.grievances.models import GrievanceCategory

    alerts = []
    for pk, reference, category, acknowledged_on, ack_due, resolution_due in rows:
        due = resolution_due if acknowledged_on or ack_due >= today else ack_due
        step = "réponse" if acknowledged_on or ack_due >= today else "accusé de réception"
        alerts.append(
            Alert(
                AlertKind.OVERDUE_GRIEVANCE,
                f"grievance-{pk}-{step}",
                f"Réclamation du ménage {reference} ({GrievanceCategory(category).label}) : {step} en retard",
                reverse("grievances:detail", kwargs={"pk": pk}),
                due=due,
                overdue=True,
            )
        )
    return alerts, total


# --- Work queue stages that are not alerts: where each proposal of the user's perimeter waits -------

PROPOSAL_STAGES: dict[str, str] = {
    "reponse": "Propositions en attente de réponse du ménage",
    "delai": "Propositions au délai de réponse dépassé",
    "caleol": "Propositions acceptées en attente de CALEOL",
    "bail": "Attributions en attente de signature du bail",
    "emmenagement": "Baux signés en attente d'emménagement",
}


def proposal_stage_filter(stage: str, today: dt.date) -> Q:
    """The proposals at ``stage`` (a key of PROPOSAL_STAGES): the one definition that the home page's
    queue counts and the household list's « Proposition » filter applies."""
    from relogement.offers.models import Answer
    from relogement.offers.models import ProposalStatus as P

    waiting = Q(status=P.PROPOSED, answer=Answer.PENDING)
    late = Q(answer_deadline__lt=today)
    return {
        "reponse": waiting & ~late,
        "delai": waiting & late,
        "caleol": Q(status__in=[P.ACCEPTED, P.COMMISSION_POSTPONED]),
        "bail": Q(status=P.COMMISSION_ALLOCATED),
        "emmenagement": Q(status=P.LEASE_SIGNED),
    }[stage]


def households_at_stage(stage: str, today: dt.date):
    """Ids of the households with a proposal at ``stage`` (a subquery; the caller scopes it)."""
    from relogement.offers.models import Proposal

    return Proposal.objects.filter(proposal_stage_filter(stage, today)).values("household_id")


def _proposal_stages(user, today: dt.date, limit: int) -> dict[str, tuple[list[Alert], int]]:
    """Per stage, the first ``limit`` proposals (soonest date first) and the number of households with
    one, in two queries whatever the number of proposals."""
    from django.db.models import Case, CharField, Count, F, IntegerField, Value, When, Window
    from django.db.models.functions import RowNumber

    from relogement.offers.models import Proposal
    from relogement.offers.models import ProposalStatus as P

    stages = {key: proposal_stage_filter(key, today) for key in PROPOSAL_STAGES}
    scoped = Proposal.objects.visible_to(user).filter(
        status__in=[P.PROPOSED, P.ACCEPTED, P.COMMISSION_POSTPONED, P.COMMISSION_ALLOCATED, P.LEASE_SIGNED]
    )
    totals = scoped.aggregate(
        **{key: Count("household_id", distinct=True, filter=condition) for key, condition in stages.items()}
    )
    stage = Case(
        *(When(condition, then=Value(key)) for key, condition in stages.items()), output_field=CharField()
    )
    due = Case(
        When(stages["caleol"], then=F("commission_date")),
        When(stages["bail"], then=F("commission_date")),
        When(stages["emmenagement"], then=F("lease_date")),
        default=F("answer_deadline"),
    )
    rows = (
        (
            scoped.annotate(stage=stage, due=due)
            .exclude(stage=None)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("stage")],
                    order_by=[F("due").asc(nulls_last=True), F("pk").asc()],
                    output_field=IntegerField(),
                )
            )
            .filter(rank__lte=limit)
            .values_list("pk", "stage", "due", "notified_date", "household__reference")
            .order_by("stage", "rank")
        )
        if any(totals.values())
        else []
    )
    result = {key: ([], totals[key] or 0) for key in PROPOSAL_STAGES}
    texts = {
        "reponse": lambda due, notified: (
            f"réponse attendue avant le {due:%d/%m/%Y}"
            if due
            else f"notifiée le {notified:%d/%m/%Y}"
            if notified
            else "notifiée"
        ),
        "delai": lambda due, notified: f"délai de réponse dépassé depuis le {due:%d/%m/%Y}",
        "caleol": lambda due, notified: f"CALEOL prévue le {due:%d/%m/%Y}" if due else "CALEOL à programmer",
        "bail": lambda due, notified: (
            f"attribuée en CALEOL le {due:%d/%m/%Y}" if due else "attribuée en CALEOL"
        ),
        "emmenagement": lambda due, notified: f"bail signé le {due:%d/%m/%Y}" if due else "bail signé",
    }
    for pk, key, due, notified, reference in rows:
        result[key][0].append(
            Alert(
                key,
                f"proposal-{key}-{pk}",
                f"{reference} : {texts[key](due, notified)}",
                reverse("offers:proposal", kwargs={"pk": pk}),
                due=due,
                overdue=key == "delai",
            )
        )
    return result


def _offers_without_candidate(user, limit: int) -> tuple[list[Alert], int]:
    """A landlord's own offers still available: nobody positioned on them."""
    from relogement.offers.models import HousingOffer, OfferStatus

    org = organisation_of(user)
    if org is None or org.kind != OrganisationKind.LANDLORD:
        return [], 0
    offers = HousingOffer.objects.visible_to(user).filter(landlord=org, status=OfferStatus.AVAILABLE)
    rows, total = _first_rows(
        offers.order_by("available_from", "pk").values_list("pk", "reference", "address", "available_from"),
        limit,
    )
    return [
        Alert(
            "offer_without_candidate",
            f"offer-{pk}",
            f"{reference or address} : disponible depuis le {available:%d/%m/%Y}",
            reverse("offers:detail", kwargs={"pk": pk}),
            due=available,
        )
        for pk, reference, address, available in rows
    ], total


# --- The work queue: the home page's sections --------------------------------------------------------

QUEUE_ROWS = 5  # rows per section on the home page; the section says how many there are in all


@dataclass
class Section:
    key: str
    label: str
    alerts: list[Alert]
    total: int
    url: str  # the page that lists them all
    link_label: str
    counts_households: bool = False  # a count of households: the secret statistique applies
    unit: str = ""

    @property
    def overdue(self) -> int:
        return sum(a.overdue for a in self.alerts)

    @property
    def more(self) -> int:
        return self.total - len(self.alerts)


def _centre(kind: str) -> str:
    return f"{reverse('alerts:centre')}?type={kind}"


def work_queue(user, *, today: dt.date | None = None, rows: int = QUEUE_ROWS) -> list[Section]:
    """The sections of the user's home page, computed by the rules above (the alert centre shows the
    same alerts), each with its total and the page listing them all, in a constant number of queries.
    Only non-empty sections are returned; the roles without a given section never pay its queries."""
    from relogement.permissions import predicates

    today = today or timezone.localdate()
    org = organisation_of(user)
    if org is None or org.kind == OrganisationKind.ADMIN:
        return []
    sections: list[Section] = []
    households_url = reverse("households:list")
    for key, (alerts, total) in _proposal_stages(user, today, rows).items():
        sections.append(
            Section(
                f"proposition-{key}",
                PROPOSAL_STAGES[key],
                alerts,
                total,
                f"{households_url}?proposition={key}",
                "Voir ces ménages dans la liste",
                counts_households=True,
                unit="ménage(s)",
            )
        )
    project_settings = _project_settings()
    deadlines, deadlines_total = _legal_deadlines(user, today, project_settings, rows)
    sections.append(
        Section(
            AlertKind.LEGAL_DEADLINE,
            AlertKind.LEGAL_DEADLINE.label,
            deadlines,
            deadlines_total,
            reverse("offers:deadlines"),
            "Voir toutes les échéances",
            counts_households=True,
            unit="ménage(s)",
        )
    )
    stalled, stalled_total = _stalled_proposals(user, today, project_settings, rows)
    sections.append(
        Section(
            AlertKind.STALLED_PROPOSAL,
            AlertKind.STALLED_PROPOSAL.label,
            stalled,
            stalled_total,
            _centre(AlertKind.STALLED_PROPOSAL),
            "Voir toutes ces propositions",
            counts_households=True,  # one proposal per household, in practice: read as a count of them
            unit="proposition(s)",
        )
    )
    if predicates.can_list_next_steps(user):
        alerts, total = _overdue_steps(user, today, rows)
        sections.append(
            Section(
                AlertKind.OVERDUE_STEP,
                "Prochaines étapes en retard qui vous reviennent",
                alerts,
                total,
                _centre(AlertKind.OVERDUE_STEP),
                "Voir toutes mes étapes en retard",
                unit="étape(s)",
            )
        )
    if org.kind == OrganisationKind.SOCIAL_PROVIDER:
        alerts, total = _followups_due(user, today, rows)
        sections.append(
            Section(
                AlertKind.FOLLOWUP_DUE,
                "Suivis post-relogement à réaliser (échus ou dans les 30 jours)",
                alerts,
                total,
                reverse("followup:list"),
                "Voir tous les suivis à réaliser",
                unit="enquête(s)",
            )
        )
    risks = buildings_at_risk(user, today)
    sections.append(
        Section(
            AlertKind.BUILDING_AT_RISK,
            "Bâtiments en retard sur la démolition",
            risks[:rows],
            len(risks),
            reverse("matching:risk"),
            "Voir le calendrier des bâtiments",
            unit="bâtiment(s)",
        )
    )
    if org.kind == OrganisationKind.LANDLORD:
        alerts, total = _offers_without_candidate(user, rows)
        sections.append(
            Section(
                "offres-sans-candidat",
                "Vos offres sans candidat",
                alerts,
                total,
                f"{reverse('offers:list')}?status=available&mine=on",
                "Voir ces offres",
                unit="offre(s)",
            )
        )
    return [s for s in sections if s.total]


@dataclass
class AlertGroup:
    """The alerts of one kind as the centre and the menu's badge show them: the most urgent ``limit``
    ones and how many there are in all."""

    kind: AlertKind
    alerts: list[Alert]
    total: int

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def cut(self) -> bool:
        return self.total > len(self.alerts)

    @property
    def overdue(self) -> int:
        return sum(a.overdue for a in self.alerts)


def alert_groups(
    user, *, today: dt.date | None = None, kinds=None, limit: int | None = LIMIT
) -> list[AlertGroup]:
    """The user's alerts by kind (the non-empty kinds, in ``AlertKind`` order, or ``kinds`` only), each
    cut at ``limit`` (None: all of them) with its total."""
    today = today or timezone.localdate()
    org = organisation_of(user)
    if org is None or org.kind == OrganisationKind.ADMIN:
        return []
    wanted = set(kinds or AlertKind.values)
    project_settings = (
        _project_settings() if wanted & {AlertKind.STALLED_PROPOSAL, AlertKind.LEGAL_DEADLINE} else {}
    )

    def every_building() -> tuple[list[Alert], int]:
        risks = buildings_at_risk(user, today)  # few, and cached: every one is kept
        return (risks[:limit] if limit is not None else risks), len(risks)

    rules = [
        (AlertKind.LEGAL_DEADLINE, lambda: _legal_deadlines(user, today, project_settings, limit)),
        (AlertKind.STALLED_PROPOSAL, lambda: _stalled_proposals(user, today, project_settings, limit)),
        (AlertKind.OVERDUE_STEP, lambda: _overdue_steps(user, today, limit)),
        (AlertKind.FOLLOWUP_DUE, lambda: _followups_due(user, today, limit)),
        (AlertKind.BUILDING_AT_RISK, every_building),
        (AlertKind.REQUEST_RECEIVED, lambda: _requests_received(user, today, limit)),
        (AlertKind.COMMITTEE_INVITATION, lambda: _committee_invitations(user, today, limit)),
        (AlertKind.OVERDUE_GRIEVANCE, lambda: _overdue_grievances(user, today, limit)),
    ]
    groups = []
    for kind, rule in rules:
        if kind in wanted:
            alerts, total = rule()
            if total:
                groups.append(AlertGroup(AlertKind(kind), alerts, total))
    return groups


def alerts_for(user, *, today: dt.date | None = None, kinds=None, limit: int | None = LIMIT) -> list[Alert]:
    """Every alert of ``user`` (or of ``kinds`` only), most urgent first within each kind, each kind cut
    at ``limit`` (None: all of them)."""
    return [a for group in alert_groups(user, today=today, kinds=kinds, limit=limit) for a in group.alerts]
