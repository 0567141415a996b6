"""Writes of governance. Every function is atomic, checks the actor's right (named predicates),
validates, writes the history (simple_history) and the sessions' transition log in the same
transaction. Decisions that move a proposal go through ``offers.services`` (its state machine), never
around it; e-mails leave on commit through the task worker.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relogement.accounts.models import Organisation, OrganisationKind, User
from relogement.core.errors import DomainError
from relogement.core.notifications import absolute_url, notify_user
from relogement.governance import selectors
from relogement.governance.models import (
    Action,
    ActionStatus,
    CaseReason,
    CommissionItem,
    CommissionOutcome,
    CommissionSession,
    Committee,
    CommitteeCase,
    CommitteeFlag,
    DecisionKind,
    SessionStatus,
    SessionTransition,
)
from relogement.offers import services as offer_services
from relogement.offers.models import CommissionDecision, HousingOffer, Proposal, ProposalStatus
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of

# The sessions' state machine: action → (from, to, label). Same table in docs/governance.md.
SESSION_TRANSITIONS = {
    "hold": (SessionStatus.PLANNED, SessionStatus.HELD, "Séance tenue"),
    "send_minutes": (SessionStatus.HELD, SessionStatus.MINUTES_SENT, "Compte rendu envoyé"),
}


def _log(session, previous: str, target: str, actor) -> None:
    kind = "committee" if isinstance(session, Committee) else "commission"
    SessionTransition.objects.create(**{kind: session}, from_status=previous, to_status=target, actor=actor)


def _move(session, action: str, actor, *, not_before: dt.date) -> None:
    source, target, label = SESSION_TRANSITIONS[action]
    if session.status != source:
        raise DomainError(
            f"« {label} » est impossible pour une séance à l'état « {session.get_status_display()} »."
        )
    if action == "hold" and not_before > timezone.localdate():
        raise DomainError("Une séance ne peut pas être tenue avant sa date.")
    previous = session.status
    session.status = target
    session._change_reason = label
    session.save()
    _log(session, previous, target, actor)


# --- flags -----------------------------------------------------------------------------------------


@transaction.atomic
def committee_flag(*, household, actor, reason: str) -> CommitteeFlag:
    """« À présenter en comité »: the assigned provider brings the household to the next committee."""
    if not predicates.can_flag_for_committee(actor, household):
        raise DomainError("Seul le prestataire social du ménage peut le présenter en comité.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Indiquez le motif de la présentation en comité.")
    if household.committee_flags.filter(closed_at__isnull=True).exists():
        raise DomainError("Ce ménage est déjà signalé pour le prochain comité.")
    flag = CommitteeFlag(
        household=household, reason=reason, organisation=organisation_of(actor), flagged_by=actor
    )
    flag._change_reason = "À présenter en comité"
    flag.save()
    return flag


# --- committees ------------------------------------------------------------------------------------


def _check_invitations(organisations, people) -> None:
    org_ids = {o.pk for o in organisations}
    for person in people:
        if not person.memberships.filter(organisation_id__in=org_ids).exists():
            raise DomainError(f"{person} n'appartient à aucune des organisations invitées.")
    if any(o.kind == OrganisationKind.ADMIN for o in organisations):
        raise DomainError("L'administration n'est pas membre d'un comité de relogement.")


@transaction.atomic
def committee_plan(
    *,
    project,
    actor,
    starts_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    organisations=(),
    people=(),
) -> Committee:
    """Plan a committee for a project the actor acts on (fetched through its scope) and build its
    agenda from the rules of ``selectors.agenda_candidates``."""
    if not predicates.can_plan_committee(actor):
        raise DomainError("Seuls la commune et le bureau d'étude planifient un comité de relogement.")
    if not (place or "").strip() and not (video_link or "").strip():
        raise DomainError("Indiquez un lieu ou un lien de visioconférence.")
    organisations, people = list(organisations), list(people)
    _check_invitations(organisations, people)
    committee = Committee(
        project=project,
        organiser=organisation_of(actor),
        starts_at=starts_at,
        place=(place or "").strip(),
        video_link=(video_link or "").strip(),
        created_by=actor,
    )
    committee._change_reason = "Planification du comité"
    committee.save()
    committee.invited_organisations.set(organisations)
    committee.invited_people.set(people)
    _log(committee, "", SessionStatus.PLANNED, actor)
    _add_candidates(committee, actor)
    return committee


@transaction.atomic
def committee_update(
    *,
    committee: Committee,
    actor,
    starts_at: dt.datetime,
    place: str = "",
    video_link: str = "",
    organisations=(),
    people=(),
) -> Committee:
    """Change a planned committee's date, place or link and invitations (the secretary, before the
    session is held). One history row (« Modification du comité ») for the fields; the invitation
    lists are tracked in the history of their own (m2m) and summed up in the change reason. The
    newly invited see the committee (and its invitation alert) at once; the agenda stays."""
    committee = _require_secretary(committee, actor)
    if committee.status != SessionStatus.PLANNED:
        raise DomainError("Le comité a été tenu : sa date, son lieu et ses invitations ne changent plus.")
    if not (place or "").strip() and not (video_link or "").strip():
        raise DomainError("Indiquez un lieu ou un lien de visioconférence.")
    if starts_at < timezone.now() - dt.timedelta(minutes=5):
        raise DomainError("La nouvelle date du comité est passée : choisissez une date à venir.")
    organisations, people = list(organisations), list(people)
    _check_invitations(organisations, people)
    before_orgs = set(committee.invited_organisations.values_list("name", flat=True))
    before_people = set(committee.invited_people.values_list("pk", flat=True))
    changes = []
    if committee.starts_at != starts_at:
        changes.append("date")
    if committee.place != (place or "").strip() or committee.video_link != (video_link or "").strip():
        changes.append("lieu")
    after_orgs = {o.name for o in organisations}
    if after_orgs != before_orgs:
        added, removed = len(after_orgs - before_orgs), len(before_orgs - after_orgs)
        changes.append(f"organisations invitées (+{added} −{removed})")
    if {p.pk for p in people} != before_people:
        changes.append("personnes invitées")
    if not changes:
        return committee
    committee.starts_at = starts_at
    committee.place = (place or "").strip()
    committee.video_link = (video_link or "").strip()
    committee._change_reason = ("Modification du comité : " + ", ".join(changes))[:100]
    committee.save()
    committee.invited_organisations.set(organisations)
    committee.invited_people.set(people)
    return committee


def _require_secretary(committee: Committee, actor, *, open_agenda: bool = False) -> Committee:
    if not predicates.can_run_committee(actor, committee):
        raise DomainError("Seul le secrétariat du comité (l'organisation qui l'a planifié) peut le modifier.")
    committee = Committee.objects.select_for_update(no_key=True).get(pk=committee.pk)
    if committee.status == SessionStatus.MINUTES_SENT:
        raise DomainError("Le compte rendu est envoyé : le comité ne peut plus être modifié.")
    if open_agenda and committee.status != SessionStatus.PLANNED:
        raise DomainError("L'ordre du jour ne change plus une fois la séance tenue.")
    return committee


def _add_candidates(committee: Committee, actor) -> int:
    candidates = selectors.agenda_candidates(project=committee.project, actor=actor)
    existing = set(committee.cases.values_list("household_id", flat=True))
    added = 0
    for pk, candidate in candidates.items():
        if pk in existing:
            continue
        case = CommitteeCase(
            committee=committee,
            household_id=pk,
            reasons=candidate.reasons,
            flag_id=candidate.flag_id,
            pending_proposal_id=candidate.proposal_id,
        )
        case._change_reason = "Inscription à l'ordre du jour"
        case.save()
        added += 1
    return added


@transaction.atomic
def committee_refresh_agenda(*, committee: Committee, actor) -> int:
    """Add the cases that need a decision since the agenda was built (removed cases stay removed)."""
    committee = _require_secretary(committee, actor, open_agenda=True)
    return _add_candidates(committee, actor)


@transaction.atomic
def committee_case_add(*, committee: Committee, household, actor) -> CommitteeCase:
    """The secretary adds a household of the committee's project (fetched through its scope)."""
    committee = _require_secretary(committee, actor, open_agenda=True)
    if household.project_id != committee.project_id:
        raise DomainError("Ce ménage n'appartient pas au projet du comité.")
    case = committee.cases.filter(household=household).first()
    if case is not None and case.removed_at is None:
        raise DomainError("Ce ménage est déjà à l'ordre du jour.")
    if case is None:
        case = CommitteeCase(committee=committee, household=household, reasons=[CaseReason.MANUAL])
    case.removed_at = None
    case._change_reason = "Ajout à l'ordre du jour par le secrétariat"
    case.save()
    return case


@transaction.atomic
def committee_case_remove(*, case: CommitteeCase, actor) -> CommitteeCase:
    _require_secretary(case.committee, actor, open_agenda=True)
    if case.decision:
        raise DomainError("Une décision est enregistrée : le dossier ne peut plus être retiré.")
    case.removed_at = timezone.now()
    case._change_reason = "Retrait de l'ordre du jour par le secrétariat"
    case.save()
    return case


@transaction.atomic
def action_create(
    *,
    actor,
    title: str,
    owner_organisation: Organisation,
    due_date: dt.date,
    owner_person: User | None = None,
    household=None,
    committee_case: CommitteeCase | None = None,
) -> Action:
    """A follow-up action: an owner organisation, optionally one of its people, a due date."""
    title = (title or "").strip()
    if not title:
        raise DomainError("Décrivez l'action de suivi.")
    if due_date is None:
        raise DomainError("L'échéance de l'action est obligatoire.")
    if (
        owner_person is not None
        and not owner_person.memberships.filter(organisation=owner_organisation).exists()
    ):
        raise DomainError(f"{owner_person} n'appartient pas à {owner_organisation}.")
    action = Action(
        title=title,
        owner_organisation=owner_organisation,
        owner_person=owner_person,
        due_date=due_date,
        household=household,
        committee_case=committee_case,
        created_by=actor,
    )
    action._change_reason = "Action de suivi décidée"
    action.save()
    return action


@transaction.atomic
def action_set_status(*, action: Action, actor, status: str) -> Action:
    """An open action is done or cancelled by its owner organisation or by the secretary of the
    committee that decided it."""
    org = organisation_of(actor)
    committee = action.committee_case.committee if action.committee_case_id else None
    if org is None or not (
        action.owner_organisation_id == org.pk
        or (committee and predicates.can_run_committee(actor, committee))
    ):
        raise DomainError(
            "Seuls l'organisation responsable et le secrétariat du comité mettent à jour l'action."
        )
    action = Action.objects.select_for_update(no_key=True).get(pk=action.pk)
    if status not in (ActionStatus.DONE, ActionStatus.CANCELLED):
        raise DomainError("État d'action inconnu.")
    if action.status != ActionStatus.OPEN:
        raise DomainError(f"L'action est déjà « {action.get_status_display()} ».")
    action.status = status
    action._change_reason = f"Action {ActionStatus(status).label.lower()}"
    action.save()
    return action


@transaction.atomic
def committee_case_decide(
    *,
    case: CommitteeCase,
    actor,
    decision: str,
    note: str = "",
    offer: HousingOffer | None = None,
    action: dict | None = None,
) -> CommitteeCase:
    """Record the committee's decision on a case (during or after the session), with an optional
    follow-up action. A positioning on a named offer goes through ``proposal_position`` (the proposal
    machine checks the actor's right, the offer's and the household's statuses)."""
    _require_secretary(case.committee, actor)
    case = CommitteeCase.objects.select_for_update(no_key=True).select_related("household").get(pk=case.pk)
    if case.removed_at is not None:
        raise DomainError("Ce dossier a été retiré de l'ordre du jour.")
    if decision not in DecisionKind.values:
        raise DomainError("Choisissez une décision.")
    if case.decision:
        raise DomainError("Une décision est déjà enregistrée pour ce dossier.")
    note = (note or "").strip()
    if decision == DecisionKind.POSITIONING:
        if offer is None:
            raise DomainError("Choisissez l'offre sur laquelle positionner le ménage.")
        # The committee's note is the reason asked when the offer contradicts the household's wishes.
        case.proposal = offer_services.proposal_position(
            offer=offer, household=case.household, actor=actor, wishes_reason=note
        )
        case.offer = offer
    elif offer is not None:
        raise DomainError("Une offre ne se choisit que pour un positionnement.")
    elif decision != DecisionKind.NO_CHANGE and not note:
        raise DomainError("Motivez la décision (sans note sociale).")
    case.decision = decision
    case.decision_note = note
    case.decided_at = timezone.now()
    case.decided_by = actor
    case._change_reason = f"Décision du comité : {DecisionKind(decision).label}"
    case.save()
    if case.flag_id:
        CommitteeFlag.objects.filter(pk=case.flag_id, closed_at__isnull=True).update(
            closed_at=case.decided_at
        )
    if action:
        action_create(actor=actor, household=case.household, committee_case=case, **action)
    return case


@transaction.atomic
def committee_hold(*, committee: Committee, actor) -> Committee:
    committee = _require_secretary(committee, actor)
    _move(committee, "hold", actor, not_before=timezone.localdate(committee.starts_at))
    return committee


def minutes_recipients(committee: Committee) -> list[User]:
    """Invited people, and the people of the invited and organising organisations (active, with an
    address): each reads the minutes under its own organisation's rights."""
    org_ids = [committee.organiser_id, *committee.invited_organisations.values_list("pk", flat=True)]
    users = User.objects.filter(is_active=True).exclude(email="")
    found = {u.pk: u for u in users.filter(memberships__organisation_id__in=org_ids)}
    found.update({u.pk: u for u in users.filter(pk__in=committee.invited_people.values("pk"))})
    return sorted(found.values(), key=lambda u: u.pk)


@transaction.atomic
def committee_send_minutes(*, committee: Committee, actor) -> Committee:
    """Close the committee and e-mail its members that the minutes are ready. The e-mail names no
    household and holds no decision: it links to the committee's page, where each reader downloads
    the minutes (PDF) under its own rights (core/notifications.py)."""
    committee = _require_secretary(committee, actor)
    if committee.cases.filter(removed_at__isnull=True, decision="").exists():
        raise DomainError("Enregistrez une décision pour chaque dossier avant d'envoyer le compte rendu.")
    _move(committee, "send_minutes", actor, not_before=timezone.localdate(committee.starts_at))
    committee.minutes_sent_at = timezone.now()
    committee.save(update_fields=["minutes_sent_at"])
    link = absolute_url(reverse("governance:committee_detail", args=[committee.pk]))
    when = timezone.localtime(committee.starts_at)
    subject = f"Compte rendu du comité de relogement {committee.project.name} du {when:%d/%m/%Y}"
    decided = committee.cases.filter(removed_at__isnull=True).count()
    body = (
        "Bonjour,\n\n"
        f"Le compte rendu du comité de relogement du projet {committee.project.name}, "
        f"tenu le {when:%d/%m/%Y à %H:%M}, est disponible ({decided} dossier(s) examiné(s)).\n\n"
        f"Consultez-le et téléchargez-le depuis l'application : {link}\n\n"
        "Ce message ne contient aucune donnée personnelle : les décisions et les actions de suivi "
        "se lisent dans l'application, selon les droits de votre organisation.\n"
    )
    for user in minutes_recipients(committee):
        notify_user(user=user, subject=subject, body=body)
    return committee


# --- CALEOL sessions -------------------------------------------------------------------------------


@transaction.atomic
def commission_plan(*, actor, date: dt.date, place: str = "", proposals=None) -> CommissionSession:
    """A landlord groups its pending proposals into a CALEOL session (all of them by default)."""
    if not predicates.can_plan_commission(actor):
        raise DomainError("Seul un bailleur organise les séances de sa CALEOL.")
    if date is None:
        raise DomainError("La date de la CALEOL est obligatoire.")
    landlord = organisation_of(actor)
    session = CommissionSession(landlord=landlord, date=date, place=(place or "").strip(), created_by=actor)
    session._change_reason = "Planification de la séance"
    session.save()
    _log(session, "", SessionStatus.PLANNED, actor)
    pending = selectors.pending_commission_proposals(landlord=landlord)
    if proposals is not None:
        pending = pending.filter(pk__in=[p.pk for p in proposals])
    for proposal in pending:
        _item_create(session, proposal)
    return session


def _item_create(session, proposal) -> CommissionItem:
    item = CommissionItem(session=session, proposal=proposal)
    item._change_reason = "Inscription à la séance"
    item.save()
    return item


def _require_landlord(session: CommissionSession, actor, *, open_agenda: bool = False) -> CommissionSession:
    if not predicates.can_run_commission(actor, session):
        raise DomainError("Seul le bailleur de la séance peut la modifier.")
    session = CommissionSession.objects.select_for_update(no_key=True).get(pk=session.pk)
    if session.status == SessionStatus.MINUTES_SENT:
        raise DomainError("Le procès-verbal est envoyé : la séance ne peut plus être modifiée.")
    if open_agenda and session.status != SessionStatus.PLANNED:
        raise DomainError("La liste des dossiers ne change plus une fois la séance tenue.")
    return session


@transaction.atomic
def commission_item_add(*, session: CommissionSession, proposal: Proposal, actor) -> CommissionItem:
    session = _require_landlord(session, actor, open_agenda=True)
    if not selectors.pending_commission_proposals(landlord=session.landlord).filter(pk=proposal.pk).exists():
        raise DomainError("Cette proposition n'attend pas de décision de votre CALEOL.")
    return _item_create(session, proposal)


@transaction.atomic
def commission_item_remove(*, item: CommissionItem, actor) -> None:
    _require_landlord(item.session, actor, open_agenda=True)
    if item.outcome:
        raise DomainError("Une décision est enregistrée : le dossier ne peut plus être retiré.")
    item.delete()


@transaction.atomic
def commission_decide(
    *, item: CommissionItem, actor, outcome: str, rank: int | None = None, reason: str = ""
) -> CommissionItem:
    """Record a CALEOL outcome and drive the proposal machine with it:

    - attribution in rank 1 → ``allocate`` (the machine refuses a dwelling already allocated);
    - attribution in rank 2 or more (the commission ranks the candidates for one dwelling: the
      n-th gets it only if those before withdraw) → a conditional attribution: ``postpone`` (the
      proposal stays pending, the dwelling is not reserved), the item keeps its rank and is taken
      out of the next sessions' lists; ``commission_confirm_rank`` allocates it once the dwelling
      is free again (the candidates before it withdrew or were refused);
    - non-attribution (motivated) and rejection for inadmissibility (motivated) → ``reject``, the
      household goes back to its search;
    - postponement → ``postpone``: the proposal stays pending and is offered to the next session
      (a proposal already postponed stays so, no transition).
    """
    session = _require_landlord(item.session, actor)
    item = CommissionItem.objects.select_for_update(no_key=True).select_related("proposal").get(pk=item.pk)
    if item.outcome:
        raise DomainError("Une décision est déjà enregistrée pour ce dossier.")
    if outcome not in CommissionOutcome.values:
        raise DomainError("Choisissez une décision.")
    reason = (reason or "").strip()
    if outcome == CommissionOutcome.ALLOCATED:
        if not rank or rank < 1:
            raise DomainError("Indiquez le rang d'attribution (1 pour le premier).")
    else:
        rank = None
    if outcome in (CommissionOutcome.NOT_ALLOCATED, CommissionOutcome.INADMISSIBLE) and not reason:
        raise DomainError("Un motif est obligatoire pour une non-attribution ou un rejet.")
    proposal = item.proposal
    conditional = outcome == CommissionOutcome.ALLOCATED and rank >= 2
    if conditional:
        text = f"Attribution en rang {rank}, sous réserve du désistement des candidats précédents" + (
            f" : {reason}" if reason else ""
        )
        if proposal.status != ProposalStatus.COMMISSION_POSTPONED:
            offer_services.proposal_record_commission(
                proposal=proposal,
                actor=actor,
                decision=CommissionDecision.POSTPONED,
                commission_date=session.date,
                reason=text[:300],
            )
        elif session.date > dt.date.today():
            raise DomainError("La date de CALEOL ne peut pas être dans le futur.")
    elif outcome == CommissionOutcome.ALLOCATED:
        text = f"Attribution en rang {rank}" + (f" : {reason}" if reason else "")
        offer_services.proposal_record_commission(
            proposal=proposal,
            actor=actor,
            decision=CommissionDecision.ALLOCATED,
            commission_date=session.date,
            reason=text,
        )
    elif outcome in (CommissionOutcome.NOT_ALLOCATED, CommissionOutcome.INADMISSIBLE):
        prefix = (
            "Non-attribution" if outcome == CommissionOutcome.NOT_ALLOCATED else "Rejet pour irrecevabilité"
        )
        offer_services.proposal_record_commission(
            proposal=proposal,
            actor=actor,
            decision=CommissionDecision.REJECTED,
            commission_date=session.date,
            reason=f"{prefix} : {reason}",
        )
    elif proposal.status != ProposalStatus.COMMISSION_POSTPONED:
        offer_services.proposal_record_commission(
            proposal=proposal,
            actor=actor,
            decision=CommissionDecision.POSTPONED,
            commission_date=session.date,
            reason=reason,
        )
    elif session.date > dt.date.today():
        raise DomainError("La date de CALEOL ne peut pas être dans le futur.")
    item.outcome = outcome
    item.rank = rank
    item.reason = reason
    item.decided_at = timezone.now()
    item.decided_by = actor
    item._change_reason = f"Décision de CALEOL : {CommissionOutcome(outcome).label}"
    item.save()
    return item


def awaiting_rank(item: CommissionItem) -> bool:
    """A conditional attribution (rank 2 or more) not confirmed yet: the proposal is still postponed."""
    return (
        item.outcome == CommissionOutcome.ALLOCATED
        and (item.rank or 0) >= 2
        and item.proposal.status == ProposalStatus.COMMISSION_POSTPONED
    )


@transaction.atomic
def commission_confirm_rank(*, item: CommissionItem, actor, on: dt.date | None = None) -> CommissionItem:
    """The candidates ranked before withdrew (or were refused): the landlord confirms the attribution
    of a rank-2+ candidate. ``allocate`` through the proposal machine, dated ``on`` (today by
    default; not before the session): refused while another proposal holds the dwelling. Allowed
    after the minutes were sent: the withdrawal comes after the session."""
    if not predicates.can_run_commission(actor, item.session):
        raise DomainError("Seul le bailleur de la séance peut confirmer une attribution.")
    item = (
        CommissionItem.objects.select_for_update(no_key=True)
        .select_related("proposal", "session")
        .get(pk=item.pk)
    )
    if not awaiting_rank(item):
        raise DomainError("Ce dossier n'a pas d'attribution en rang 2 ou plus en attente de confirmation.")
    on = on or timezone.localdate()
    if on < item.session.date:
        raise DomainError("La confirmation ne peut pas précéder la date de la CALEOL.")
    offer_services.proposal_record_commission(
        proposal=item.proposal,
        actor=actor,
        decision=CommissionDecision.ALLOCATED,
        commission_date=on,
        reason=f"Attribution en rang {item.rank} confirmée après désistement des candidats précédents",
    )
    item.confirmed_on = on
    item._change_reason = f"Attribution en rang {item.rank} confirmée"
    item.save()
    return item


@transaction.atomic
def commission_hold(*, session: CommissionSession, actor) -> CommissionSession:
    session = _require_landlord(session, actor)
    _move(session, "hold", actor, not_before=session.date)
    return session


@transaction.atomic
def commission_close(*, session: CommissionSession, actor) -> CommissionSession:
    """The minutes (procès-verbal) are sent: every examined proposal must have its outcome."""
    session = _require_landlord(session, actor)
    if session.items.filter(outcome="").exists():
        raise DomainError("Enregistrez une décision pour chaque dossier avant de clore la séance.")
    _move(session, "send_minutes", actor, not_before=session.date)
    return session
