"""The legal offer count and the right-to-stay clock (CCH L.442-6 II, L.353-15 III; C. urb. L.314-1/2).

Which rule applies is decided per household by ``applicable_rule``: from the kind of its operation and
its occupancy status (social tenants of an ANRU operation: CCH L.442-6, three offers and a six-month
clock; occupants of private degraded stock: C. urb. L.314-2, two offers, no statutory clock), unless
the project overrides it (``Project.offer_rule_basis`` other than "legale", with
``Project.required_offers`` and ``Project.departure_delay_months``). A household that refused the
required number of compliant offers loses its right to stay; where the rule has a clock, it loses any
right to occupy that many months after the notification of the last of them. Exception: its current
dwelling was specially designed for it. See docs/offer-rules.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator

from relogement.households.models import Household, OccupancyStatus
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import Answer, Proposal
from relogement.projects.models import PRIVATE_STOCK_KINDS, OfferRuleBasis, OperationKind

# Households whose right-to-stay clock still matters (not rehoused, not gone).
OPEN_STATUSES = [
    HouseholdStatus.TO_DIAGNOSE,
    HouseholdStatus.SEARCHING,
    HouseholdStatus.PROPOSAL_IN_PROGRESS,
    HouseholdStatus.TEMPORARILY_REHOUSED,
]


class RuleBasis:
    """Codes of the rule that applies to a household (``OfferRule.code``)."""

    CCH_L442_6 = "cch_l442_6"
    URB_L314_2 = "urb_l314_2"
    NONE = "aucune"
    PROJECT = "projet"


@dataclass(frozen=True)
class OfferRule:
    """The offer rule that applies to one household, and why (French, shown on its file)."""

    code: str
    label: str
    required: int  # compliant offers the household must receive (0: no statutory obligation)
    delay_months: int | None  # months after the last refused one; None: no statutory clock
    reason: str

    @property
    def has_clock(self) -> bool:
        return self.required > 0 and self.delay_months is not None


CCH_RULE_LABEL = "CCH L.442-6 II (démolition ANRU, locataire du parc social) : 3 offres, délai de 6 mois"
URB_RULE_LABEL = "Code de l'urbanisme L.314-1 et L.314-2 (obligation de relogement) : 2 offres"


def legal_rule(*, operation_kind: str, occupancy_status: str) -> OfferRule:
    """The statutory rule for a household, from its operation's kind and its occupancy status.

    - An operation on private degraded stock (RHI, OPAH, OPAH-RU, copropriété dégradée) is a
      town-planning operation: whoever initiated it owes every occupant (owner-occupier, tenant, good
      faith occupant: C. urb. L.314-1, CCH L.521-1) at least **two** offers meeting the habitability
      norms and art. 13 bis of the law of 1948 (C. urb. L.314-2). The code sets no delay after they
      are refused: the eviction then follows the expropriation code (one month after the indemnity is
      paid or the replacement offer accepted or validated by the judge, C. expr. L.231-1), a date the
      application cannot compute from the offers.
    - In the other (ANRU) operations, a social tenant falls under CCH L.442-6 II / L.353-15 III: after
      refusing **three** offers it loses the right to stay, and any right to occupy **six months**
      after the notification of the third. An owner-occupier or a private tenant there (a private
      building in the operation) falls under L.314-2. An occupant without title of social housing has
      no right to stay to lose: no statutory count (the project may set one).
    """
    kind_label = OperationKind(operation_kind).label if operation_kind in OperationKind.values else "—"
    status_label = (
        OccupancyStatus(occupancy_status).label if occupancy_status in OccupancyStatus.values else "—"
    )
    urbanisme_reason = (
        "Ni démolition ANRU d'un logement social ni locataire du parc social : l'obligation de relogement "
        "est celle du Code de l'urbanisme (art. L.314-1 et L.314-2), au moins deux propositions "
        "conformes aux normes d'habitabilité et à l'art. 13 bis de la loi du 1er septembre 1948. "
        "Aucun délai légal ne court après leur refus : l'éviction relève alors du juge de "
        "l'expropriation (C. expr. L.231-1)."
    )
    if operation_kind in PRIVATE_STOCK_KINDS:
        reason = f"Opération « {kind_label} », ménage « {status_label.lower()} » : " + urbanisme_reason
        if occupancy_status == OccupancyStatus.NO_TITLE:
            reason += " Pour un occupant sans titre, sous réserve qu'il soit de bonne foi (CCH L.521-1)."
        return OfferRule(RuleBasis.URB_L314_2, URB_RULE_LABEL, 2, None, reason)
    if occupancy_status == OccupancyStatus.SOCIAL_TENANT:
        return OfferRule(
            RuleBasis.CCH_L442_6,
            CCH_RULE_LABEL,
            3,
            6,
            f"Opération « {kind_label} », ménage locataire du parc social : après le refus de trois "
            "offres conformes, il perd le droit au maintien dans les lieux, puis tout droit d'occupation "
            "six mois après la notification de la troisième (CCH L.442-6 II, L.353-15 III).",
        )
    if occupancy_status == OccupancyStatus.NO_TITLE:
        return OfferRule(
            RuleBasis.NONE,
            "Aucune obligation légale d'offres",
            0,
            None,
            f"Opération « {kind_label} », occupant sans titre : la règle des trois offres (CCH L.442-6) "
            "vise les locataires ; sans bail, le ménage n'a pas de droit au maintien dans les lieux. "
            "Le projet peut fixer une règle (charte locale).",
        )
    return OfferRule(
        RuleBasis.URB_L314_2,
        URB_RULE_LABEL,
        2,
        None,
        f"Opération « {kind_label} », ménage « {status_label.lower()} » : " + urbanisme_reason,
    )


def applicable_rule(
    *,
    operation_kind: str,
    occupancy_status: str,
    project_basis: str,
    project_required: int,
    project_delay: int,
    project_basis_label: str = "",
) -> OfferRule:
    """The rule that applies: the legal one, unless the project overrides it for all its households."""
    legal = legal_rule(operation_kind=operation_kind, occupancy_status=occupancy_status)
    if project_basis == OfferRuleBasis.LEGAL:
        return legal
    label = project_basis_label or OfferRuleBasis(project_basis).label
    return OfferRule(
        RuleBasis.PROJECT,
        f"Règle du projet — {label}",
        project_required,
        project_delay,
        f"Le projet a fixé sa propre règle ({project_required} offre{'s' if project_required > 1 else ''} "
        f"conforme{'s' if project_required > 1 else ''}, délai de {project_delay} mois), qui remplace "
        f"pour tous ses ménages la règle légale (ici : {legal.label}).",
    )


def household_rule(household: Household) -> OfferRule:
    """The rule of one household (reads its project and its building's operation)."""
    project = household.project
    return applicable_rule(
        operation_kind=household.building.operation.kind,
        occupancy_status=household.occupancy_status,
        project_basis=project.offer_rule_basis,
        project_required=project.required_offers,
        project_delay=project.departure_delay_months,
        project_basis_label=project.get_offer_rule_basis_display(),
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the end of a shorter month (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def right_to_stay_lost_on(
    refused_compliant_dates: list[dt.date], *, required: int, delay_months: int | None, exception: bool
) -> dt.date | None:
    """Date from which the household may no longer occupy its dwelling, or None.

    ``refused_compliant_dates``: notification dates of the compliant offers it refused. The clock
    starts at the notification of the offer that reaches the required number (the third, or the
    second in a project that sets it). No date when the rule has no clock (``delay_months`` None).
    """
    if exception or required <= 0 or delay_months is None or len(refused_compliant_dates) < required:
        return None
    return add_months(sorted(refused_compliant_dates)[required - 1], delay_months)


@dataclass
class CountedOffer:
    proposal: Proposal
    compliant: bool | None
    refused: bool
    counted: bool  # counts toward the required number (notified and compliant)
    triggers_clock: bool = False


@dataclass
class OfferCount:
    required: int
    delay_months: int | None
    basis: str
    rule: OfferRule | None = None
    offers: list[CountedOffer] = field(default_factory=list)
    exception: bool = False
    right_to_stay_lost_on: dt.date | None = None
    # Notification of the refused compliant offer that reached the required number: the obligation
    # of offers is met from then on, whether or not the rule has a clock.
    obligation_met_on: dt.date | None = None

    @property
    def compliant_count(self) -> int:
        return sum(1 for o in self.offers if o.counted)

    @property
    def refused_compliant_count(self) -> int:
        return sum(1 for o in self.offers if o.counted and o.refused)

    @property
    def reached(self) -> bool:
        return self.required > 0 and self.refused_compliant_count >= self.required


def offer_count(household: Household, proposals: list | None = None) -> OfferCount:
    """The offers counted for the household under the rule that applies to it (4 queries at most,
    whatever the number of proposals). ``proposals``: the household's proposals already read (with
    their commune and offer), for a page that shows them too; the notified ones are counted."""
    rule = household_rule(household)
    if proposals is None:
        proposals = list(
            household.proposals.exclude(notified_date=None)
            .select_related("commune", "offer")
            .order_by("notified_date", "pk")
        )
    else:
        proposals = sorted(
            (p for p in proposals if p.notified_date is not None), key=lambda p: (p.notified_date, p.pk)
        )
    count = OfferCount(
        required=rule.required,
        delay_months=rule.delay_months,
        basis=rule.label,
        rule=rule,
        exception=household.specially_designed_dwelling,
    )
    refused_dates = []
    for p in proposals:
        refused = p.answer == Answer.REFUSED
        counted = bool(p.is_compliant)
        count.offers.append(
            CountedOffer(proposal=p, compliant=p.is_compliant, refused=refused, counted=counted)
        )
        if counted and refused:
            refused_dates.append(p.notified_date)
    count.right_to_stay_lost_on = right_to_stay_lost_on(
        refused_dates, required=count.required, delay_months=count.delay_months, exception=count.exception
    )
    if count.reached:
        n = 0
        for o in count.offers:
            if o.counted and o.refused:
                n += 1
                if n == count.required:
                    o.triggers_clock = rule.has_clock
                    count.obligation_met_on = o.proposal.notified_date
    return count


@dataclass
class DeadlineRow:
    household: Household
    refused_compliant: int
    required: int
    trigger_notified_date: dt.date
    lost_on: dt.date
    rule: OfferRule | None = None

    @property
    def days_left(self) -> int:
        return (self.lost_on - dt.date.today()).days


def legal_deadlines(user, *, today: dt.date | None = None, past_days: int = 31) -> list[tuple]:
    """(household_id, lost_on, trigger_date, refused_count, required, rule) for households of the
    user's scope whose right-to-stay deadline is upcoming (or passed within ``past_days``), soonest
    first, each under the rule that applies to it (``applicable_rule``).

    One query over the refused compliant proposals of visible open households; households whose
    dwelling was specially designed for them are left out (the exception applies), and so are those
    whose rule has no clock (C. urb. L.314-2, no statutory obligation).
    """
    today = today or dt.date.today()
    visible = Household.objects.visible_to(user).filter(
        status__in=OPEN_STATUSES, specially_designed_dwelling=False
    )
    rows = (
        Proposal.objects.filter(household__in=visible.values("pk"), is_compliant=True, answer=Answer.REFUSED)
        .exclude(notified_date=None)
        .values_list(
            "household_id",
            "notified_date",
            "household__building__operation__kind",
            "household__occupancy_status",
            "household__project__offer_rule_basis",
            "household__project__required_offers",
            "household__project__departure_delay_months",
        )
        .order_by("household_id", "notified_date", "pk")
    )
    grouped: dict[int, list] = {}
    rules: dict[int, OfferRule] = {}
    known: dict[tuple, OfferRule] = {}  # few distinct combinations: decide each once
    for household_id, notified, kind, occupancy, basis, required, delay in rows:
        grouped.setdefault(household_id, []).append(notified)
        key = (kind, occupancy, basis, required, delay)
        if key not in known:
            known[key] = applicable_rule(
                operation_kind=kind,
                occupancy_status=occupancy,
                project_basis=basis,
                project_required=required,
                project_delay=delay,
            )
        rules[household_id] = known[key]
    result = []
    for household_id, dates in grouped.items():
        rule = rules[household_id]
        lost_on = right_to_stay_lost_on(
            dates, required=rule.required, delay_months=rule.delay_months, exception=False
        )
        if lost_on is None or lost_on < today - dt.timedelta(days=past_days):
            continue
        result.append(
            (household_id, lost_on, sorted(dates)[rule.required - 1], len(dates), rule.required, rule)
        )
    result.sort(key=lambda r: (r[1], r[0]))
    return result


def legal_deadlines_page(user, *, page_number, per_page: int = 25, today: dt.date | None = None):
    """A page of DeadlineRow (constant number of queries: the deadlines, then the page's households)."""
    paginator = Paginator(legal_deadlines(user, today=today), per_page)
    page = paginator.get_page(page_number)
    households = (
        Household.objects.visible_to(user)
        .select_related("project", "building")
        .in_bulk([r[0] for r in page.object_list])
    )
    page.object_list = [
        DeadlineRow(households[hid], refused, required, trigger, lost_on, rule)
        for hid, lost_on, trigger, refused, required, rule in page.object_list
        if hid in households
    ]
    return page
