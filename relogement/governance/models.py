"""Governance: rehousing committees (comités de relogement), allocation commission sessions (CALEOL),
the flags by which a social provider brings a case to a committee, and follow-up actions.

``Action`` is generic on purpose: an owner organisation, a person, a due date and a status, attached to
what decided it (a committee case today; a working-group meeting later, issue 15 point 3).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from relogement.governance.querysets import (
    CommissionSessionQuerySet,
    CommitteeQuerySet,
    WorkingGroupQuerySet,
)


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planifiée"
    HELD = "held", "Tenue"
    MINUTES_SENT = "minutes_sent", "Compte rendu envoyé"


class Committee(models.Model):
    """A session of the rehousing committee of one project, planned by a commune or a project office
    (the organiser, whose members act as its secretary)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="committees", verbose_name="projet"
    )
    organiser = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="organised_committees",
        verbose_name="organisé par",
    )
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=250, blank=True)
    video_link = models.URLField("lien de visioconférence", blank=True)
    invited_organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="committee_invitations",
        verbose_name="organisations invitées",
    )
    invited_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="committee_invitations",
        verbose_name="personnes invitées",
    )
    status = models.CharField(
        "état", max_length=14, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    minutes_sent_at = models.DateTimeField("compte rendu envoyé le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    history = HistoricalRecords()

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = "comité de relogement"
        verbose_name_plural = "comités de relogement"
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return f"Comité de relogement {self.project} du {self.starts_at:%d/%m/%Y}"


class CaseReason(models.TextChoices):
    BUILDING_AT_RISK = "building_at_risk", "Sans solution, bâtiment en retard sur la démolition"
    REFUSALS = "refusals", "Deux refus ou plus"
    PENDING_PROPOSAL = "pending_proposal", "Proposition en attente de décision"
    FLAGGED = "flagged", "Signalé par le prestataire social"
    MANUAL = "manual", "Ajouté par le secrétariat"


class DecisionKind(models.TextChoices):
    POSITIONING = "positioning", "Positionnement sur une offre nommée"
    SPECIAL_OFFER = "special_offer", "Demande d'une offre spécifique"
    PREFECT_QUOTA = "prefect_quota", "Orientation vers le contingent préfectoral"
    MEDIATION = "mediation", "Médiation"
    NO_CHANGE = "no_change", "Pas de changement"


class CommitteeFlag(models.Model):
    """« À présenter en comité »: the social provider brings a household to the next committee of its
    project. The reason is read by every committee member: a motive, not a social note."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="committee_flags",
        verbose_name="ménage",
    )
    reason = models.CharField("motif", max_length=300)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="signalé par"
    )
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("signalé le", auto_now_add=True)
    # Set when a committee decided on the case: the flag no longer feeds agendas.
    closed_at = models.DateTimeField("traité le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "signalement pour le comité"
        verbose_name_plural = "signalements pour le comité"
        ordering = ["-created_at", "pk"]


class CommitteeCase(models.Model):
    """One household on a committee's agenda, why it is there, and the decision taken on it."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="cases", verbose_name="comité"
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="committee_cases",
        verbose_name="ménage",
    )
    reasons = models.JSONField("motifs d'inscription", default=list)
    flag = models.ForeignKey(
        CommitteeFlag,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signalement",
    )
    pending_proposal = models.ForeignKey(
        "offers.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="proposition en attente",
    )
    # Removed by the secretary: kept (not deleted) so that rebuilding the agenda does not add it back.
    removed_at = models.DateTimeField("retiré de l'ordre du jour le", null=True, blank=True)
    decision = models.CharField("décision", max_length=14, choices=DecisionKind.choices, blank=True)
    decision_note = models.CharField("motif de la décision", max_length=500, blank=True)
    offer = models.ForeignKey(
        "offers.HousingOffer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="offre",
    )
    # The proposal the positioning decision created (through offers.services.proposal_position).
    proposal = models.ForeignKey(
        "offers.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_decisions",
        verbose_name="positionnement créé",
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "dossier présenté en comité"
        verbose_name_plural = "dossiers présentés en comité"
        ordering = ["committee", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "household"], name="one_case_per_committee")
        ]

    def reason_labels(self) -> list[str]:
        labels = dict(CaseReason.choices)
        return [labels.get(r, r) for r in self.reasons]


class ActionStatus(models.TextChoices):
    OPEN = "open", "À faire"
    DONE = "done", "Faite"
    CANCELLED = "cancelled", "Annulée"


class Action(models.Model):
    """A follow-up action: who (organisation, person) does what by when. Attached to what decided it;
    working groups will add their own link (issue 15 point 3)."""

    title = models.CharField("action", max_length=300)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name="organisation responsable",
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="personne responsable",
    )
    due_date = models.DateField("échéance")
    status = models.CharField("état", max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="governance_actions",
        verbose_name="ménage",
    )
    committee_case = models.ForeignKey(
        CommitteeCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="décision",
    )
    # Working groups (issue 15 point 3): the decision of a meeting that asked for this action.
    group_decision = models.ForeignKey(
        "governance.GroupDecision",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="décision du groupe de travail",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "action de suivi"
        verbose_name_plural = "actions de suivi"
        ordering = ["due_date", "pk"]


class CommissionSession(models.Model):
    """A session of a landlord's allocation commission (CALEOL) grouping proposals on its offers."""

    landlord = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="commission_sessions",
        verbose_name="bailleur",
    )
    date = models.DateField("date de la CALEOL")
    place = models.CharField("lieu", max_length=250, blank=True)
    status = models.CharField(
        "état", max_length=14, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    history = HistoricalRecords()

    objects = CommissionSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance de CALEOL"
        verbose_name_plural = "séances de CALEOL"
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"CALEOL {self.landlord} du {self.date:%d/%m/%Y}"


class CommissionOutcome(models.TextChoices):
    ALLOCATED = "allocated", "Attribution"
    NOT_ALLOCATED = "not_allocated", "Non-attribution"
    INADMISSIBLE = "inadmissible", "Rejet pour irrecevabilité"
    POSTPONED = "postponed", "Ajournement"


class CommissionItem(models.Model):
    """One proposal examined in a CALEOL session and its outcome (which drove the proposal machine)."""

    session = models.ForeignKey(
        CommissionSession, on_delete=models.CASCADE, related_name="items", verbose_name="séance"
    )
    proposal = models.ForeignKey(
        "offers.Proposal",
        on_delete=models.CASCADE,
        related_name="commission_items",
        verbose_name="proposition",
    )
    outcome = models.CharField("décision", max_length=14, choices=CommissionOutcome.choices, blank=True)
    rank = models.PositiveSmallIntegerField("rang", null=True, blank=True)
    reason = models.CharField("motif", max_length=500, blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    # A rank-2+ attribution is conditional: the date the landlord confirmed it (rank 1 withdrew).
    confirmed_on = models.DateField("attribution confirmée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "dossier examiné en CALEOL"
        verbose_name_plural = "dossiers examinés en CALEOL"
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "proposal"], name="one_item_per_session")]


class SessionTransition(models.Model):
    """The transition log of committee and CALEOL sessions (planned → held → minutes sent)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="transitions"
    )
    commission = models.ForeignKey(
        CommissionSession, on_delete=models.PROTECT, null=True, blank=True, related_name="transitions"
    )
    from_status = models.CharField(max_length=14, choices=SessionStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=SessionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "transition de séance"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committee__isnull=False, commission__isnull=True)
                | models.Q(committee__isnull=True, commission__isnull=False),
                name="session_transition_one_session",
            )
        ]


# --- Thematic working groups (issue 15 point 3) -----------------------------------------------------


class WorkingGroup(models.Model):
    """A thematic working group led by the metropolis (« Grandes familles », « Reste à charge »…):
    member organisations and member people from several organisations; only they see it."""

    name = models.CharField("nom", max_length=200)
    description = models.TextField("objet", blank=True)
    organiser = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="organised_working_groups",
        verbose_name="animé par",
    )
    member_organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="working_groups",
        verbose_name="organisations membres",
    )
    member_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="working_groups",
        verbose_name="personnes membres",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[member_organisations, member_people])

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "groupe de travail"
        verbose_name_plural = "groupes de travail"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class GroupMeeting(models.Model):
    """A meeting of a working group: its date, place and minutes (free text written by the organiser)."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField("date")
    place = models.CharField("lieu ou lien", max_length=250, blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion de groupe de travail"
        verbose_name_plural = "réunions de groupe de travail"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.group} — réunion du {self.date:%d/%m/%Y}"


class IndicatorSnapshot(models.Model):
    """The indicators discussed at a meeting, frozen: computed once (date of observation, perimeter)
    and stored as JSON, so that the figures stay as they were when the data change later. ``rows``:
    one dict per indicator (id, label, section, kind, unit, value as text, bases = the counts it is
    computed from, for the secret statistique applied when it is shown)."""

    meeting = models.OneToOneField(GroupMeeting, on_delete=models.CASCADE, related_name="snapshot")
    as_of = models.DateField("date d'observation")
    perimeter_token = models.CharField("périmètre", max_length=60)
    perimeter_label = models.CharField("libellé du périmètre", max_length=250)
    rows = models.JSONField("indicateurs", default=list)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    taken_at = models.DateTimeField("figé le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "photographie d'indicateurs"
        verbose_name_plural = "photographies d'indicateurs"


class GroupDecision(models.Model):
    """A decision taken at a working-group meeting; its follow-up actions are ``Action`` rows."""

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("décision")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "décision de groupe de travail"
        verbose_name_plural = "décisions de groupe de travail"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]
