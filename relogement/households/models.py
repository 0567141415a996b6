"""The household file: composition, resources, before-situation, needs, diagnosis, wishes, support log."""

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from relogement.households.querysets import HouseholdChildQuerySet, HouseholdQuerySet
from relogement.households.sne import sne_key
from relogement.households.statuses import ExitReason, HouseholdStatus
from relogement.projects.models import DwellingType


def new_pseudonym() -> str:
    # 48 random bits: the first collision is expected after ~16 million households (32 bits, the
    # former length, collided within a 10,000-household import into a 100,000-household database).
    return "M-" + secrets.token_hex(6).upper()


def ensure_unique_pseudonyms(households) -> None:
    """Give unsaved households (a bulk insert) pseudonyms used neither among them nor in the database,
    so that a bulk insert never fails on the unique constraint."""
    while True:
        seen: set[str] = set()
        clashes = []
        for household in households:
            if household.pseudonym in seen:
                clashes.append(household)
            seen.add(household.pseudonym)
        taken = set(Household.objects.filter(pseudonym__in=seen).values_list("pseudonym", flat=True))
        clashes += [h for h in households if h.pseudonym in taken]
        if not clashes:
            return
        for household in clashes:
            household.pseudonym = new_pseudonym()


class HouseholdType(models.TextChoices):
    SINGLE = "personne_seule", "Personne seule"
    COUPLE = "couple_sans_enfant", "Couple sans enfant"
    COUPLE_WITH_CHILDREN = "couple_avec_enfants", "Couple avec enfant(s)"
    SINGLE_PARENT = "famille_monoparentale", "Famille monoparentale"
    OTHER = "autre", "Autre"


class OccupancyStatus(models.TextChoices):
    """On what title the household occupies its origin dwelling: decides which offer rule applies
    (offers.offer_rules.applicable_rule, docs/offer-rules.md)."""

    SOCIAL_TENANT = "locataire_social", "Locataire du parc social"
    OWNER_OCCUPIER = "proprietaire_occupant", "Propriétaire occupant"
    PRIVATE_TENANT = "locataire_prive", "Locataire du parc privé"
    NO_TITLE = "occupant_sans_titre", "Occupant sans titre"


class SupportLevel(models.TextChoices):
    LIGHT = "leger", "Léger"
    MEDIUM = "renforce", "Renforcé"
    INTENSIVE = "intensif", "Intensif"


class Household(models.Model):
    reference = models.CharField("référence", max_length=60)
    pseudonym = models.CharField(
        "pseudonyme", max_length=20, unique=True, default=new_pseudonym, editable=False
    )
    # Denormalised from the building so that scoping and indicators need no join.
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="households")
    building = models.ForeignKey("projects.Building", on_delete=models.PROTECT, related_name="households")
    origin_dwelling = models.ForeignKey(
        "projects.OriginDwelling",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name="logement d'origine",
    )
    split_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="splits",
        verbose_name="décohabitation de",
    )
    social_provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_households",
        verbose_name="prestataire social",
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_households",
        verbose_name="travailleur social référent",
    )
    occupancy_status = models.CharField(
        "statut d'occupation",
        max_length=30,
        choices=OccupancyStatus.choices,
        default=OccupancyStatus.SOCIAL_TENANT,
    )
    status = models.CharField(
        "statut", max_length=30, choices=HouseholdStatus.choices, default=HouseholdStatus.TO_DIAGNOSE
    )
    exit_reason = models.CharField("motif de sortie", max_length=20, choices=ExitReason.choices, blank=True)
    census_date = models.DateField("date de recensement")
    # Composition (kept in step with the members when they are recorded).
    reference_name = models.CharField("nom du référent", max_length=200, blank=True)
    reference_age = models.PositiveSmallIntegerField("âge du référent", null=True, blank=True)
    household_type = models.CharField(
        "type de ménage", max_length=30, choices=HouseholdType.choices, blank=True
    )
    adults_count = models.PositiveSmallIntegerField("nombre d'adultes", default=1)
    children_count = models.PositiveSmallIntegerField("nombre d'enfants", default=0)
    monthly_resources = models.DecimalField(
        "ressources mensuelles (€)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    # Before-situation.
    tenancy_start = models.DateField("date d'entrée dans le logement", null=True, blank=True)
    rent_before = models.DecimalField(
        "loyer avant (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    charges_before = models.DecimalField(
        "charges avant (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    apl_before = models.DecimalField("APL avant (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    rls_before = models.DecimalField("RLS avant (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    origin_dwelling_type = models.CharField(
        "typologie d'origine", max_length=2, choices=DwellingType.choices, blank=True
    )
    origin_living_area = models.DecimalField(
        "surface d'origine (m²)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    origin_floor = models.SmallIntegerField("étage d'origine", null=True, blank=True)
    sne_number = models.CharField("numéro unique SNE", max_length=40, blank=True)
    information_notice_date = models.DateField(
        "date de remise de la notice d'information", null=True, blank=True
    )
    # Specific needs.
    reduced_mobility = models.BooleanField("mobilité réduite (PMR)", default=False)
    needs_ground_floor_or_lift = models.BooleanField("rez-de-chaussée ou ascenseur", default=False)
    large_family = models.BooleanField("famille nombreuse", default=False)
    has_pets = models.BooleanField("animaux", default=False)
    # Offer rules (docs/offer-rules.md): the exception to the loss of the right to stay.
    specially_designed_dwelling = models.BooleanField(
        "logement actuel spécialement conçu ou adapté pour le ménage",
        default=False,
        help_text="Exception : le refus des offres n'entraîne pas la perte du droit au maintien dans les lieux.",
    )
    # Sensitive: read only by the organisation holding it, while it is the assigned social provider
    # (permissions.predicates.can_view_health_constraints, docs/personal-data.md §2).
    health_note = models.TextField("contraintes de santé (note sensible)", blank=True)
    health_note_holder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="note de santé détenue par",
    )
    # Retention (docs/personal-data.md): set when the file's personal data were erased (households.retention).
    anonymised_on = models.DateField("anonymisé le", null=True, blank=True, editable=False)
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "ménage"
        ordering = ["project", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="unique_household_reference")
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["census_date"]),
            # The demolition calendar's households remaining and first census per building, from the
            # index alone (matching.risk.building_risks).
            models.Index(fields=["building", "status", "census_date"], name="household_building_status_idx"),
            # A social provider's scope joined to its rows (follow-ups, rehousings…) from the index alone.
            models.Index(fields=["social_provider", "id"], name="household_provider_idx"),
            # The household list's default order (reference, then id): a page is read by walking the
            # index and keeping the perimeter's rows, instead of sorting the whole perimeter (MOUS, page
            # 3 at 100,000 households: 106 → 7 ms).
            models.Index(fields=["reference", "id"], name="household_reference_idx"),
            # A lookup by SNE number as compared (duplicates shown on the file and at census).
            models.Index(sne_key(), name="household_sne_key_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if self.building_id and not self.project_id:
            self.project_id = self.building.project_id
        if self.health_note and self.health_note_holder_id is None:
            # A note written without saying by whom (the services always say) is the assigned
            # provider's: only it writes social notes (can_edit_social_file).
            self.health_note_holder_id = self.social_provider_id
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "health_note" in update_fields:
                kwargs["update_fields"] = {*update_fields, "health_note_holder"}
        super().save(*args, **kwargs)

    @property
    def persons_count(self) -> int:
        return self.adults_count + self.children_count


class HouseholdStatusChange(models.Model):
    """Transition log of the household lifecycle; also the history used for "status as of a date"."""

    # PROTECT: the log is evidence, so deleting a household never erases it silently (a file is
    # anonymised, not deleted: households.retention keeps these rows).
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField("statut avant", max_length=30, choices=HouseholdStatus.choices, blank=True)
    to_status = models.CharField("statut après", max_length=30, choices=HouseholdStatus.choices)
    effective_date = models.DateField("date d'effet")
    reason = models.TextField("motif", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "changement de statut"
        ordering = ["household", "effective_date", "pk"]
        indexes = [
            models.Index(fields=["household", "effective_date"]),
            # "Status as of a date" (indicators): latest change on or before the date, read from the
            # index alone on PostgreSQL (the INCLUDE is ignored elsewhere).
            models.Index(
                fields=["household", "-effective_date", "-id"],
                include=["to_status"],
                name="status_as_of_idx",
            ),
        ]


class ProviderReassignment(models.Model):
    """One change of a household's social provider, made by the project office
    (households.reassignment.household_reassign_provider), and whether the social file (support log,
    diagnosis findings, health note) was handed over to the new provider. Append-only, like the
    status changes: it is the log of who followed the household and who may read its notes."""

    # PROTECT, like the status changes: the log is evidence, never erased with a household.
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="provider_changes")
    from_provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ancien prestataire",
    )
    to_provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="nouveau prestataire",
    )
    social_file_handed_over = models.BooleanField("dossier social transmis")
    reason = models.TextField("motif")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    created_at = models.DateTimeField("date", auto_now_add=True)

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "changement de prestataire social"
        verbose_name_plural = "changements de prestataire social"
        ordering = ["household", "-created_at", "-pk"]


class Relation(models.TextChoices):
    REFERENCE = "reference", "Personne de référence"
    SPOUSE = "conjoint", "Conjoint(e)"
    CHILD = "enfant", "Enfant"
    PARENT = "ascendant", "Ascendant"
    OTHER = "autre", "Autre"


class EmploymentSituation(models.TextChoices):
    EMPLOYED = "salarie", "Salarié(e)"
    SELF_EMPLOYED = "independant", "Indépendant(e)"
    JOBSEEKER = "demandeur_emploi", "Demandeur d'emploi"
    RETIRED = "retraite", "Retraité(e)"
    STUDENT = "etudiant", "Étudiant(e) / scolarisé(e)"
    INACTIVE = "inactif", "Sans activité"
    # The housing-benefit rules treat these two apart (docs/benefits.md).
    PARENTAL_LEAVE = "conge_parental", "En congé parental"
    DISABLED = "handicap", "En situation de handicap (AAH, invalidité)"
    OTHER = "autre", "Autre"


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    relation = models.CharField("lien avec la personne de référence", max_length=20, choices=Relation.choices)
    employment = models.CharField(
        "situation professionnelle", max_length=20, choices=EmploymentSituation.choices, blank=True
    )
    history = HistoricalRecords()

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "membre du ménage"
        verbose_name_plural = "membres du ménage"
        ordering = ["household", "pk"]
        # Duplicate detection (duplicates.detection): the members born on the days of the recorded ones.
        indexes = [models.Index(fields=["birth_date"], name="member_birth_date_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ResourceKind(models.TextChoices):
    SALARY = "salaire", "Salaires"
    PENSION = "retraite", "Pensions de retraite"
    UNEMPLOYMENT = "chomage", "Allocations chômage"
    DISABILITY = "aah", "AAH / invalidité"
    MINIMUM_INCOME = "rsa", "RSA"
    FAMILY = "prestations_familiales", "Prestations familiales"
    ALIMONY = "pension_alimentaire", "Pension alimentaire"
    OTHER = "autre", "Autres"


class ResourceLine(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField("nature", max_length=30, choices=ResourceKind.choices)
    monthly_amount = models.DecimalField("montant mensuel (€)", max_digits=9, decimal_places=2)
    # Whose income it is, when known: a split (décohabitation) moves the leaving members' lines with
    # them (households.splits); lines of the household as a whole (family benefits…) stay.
    member = models.ForeignKey(
        HouseholdMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource_lines",
        verbose_name="membre",
    )
    history = HistoricalRecords()

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "ressource"
        ordering = ["household", "kind"]


class SocialNote(models.Model):
    """A note of the social file: it stays with the organisation that wrote it.

    ``organisation`` is the writer (never changes); ``holder`` is the organisation that may read the
    note, while it is the household's assigned provider: the writer, until a change of provider hands
    the social file over (households.reassignment), which passes every note the outgoing provider
    holds to the incoming one. Rule: permissions.predicates.can_view_social_note.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rédigé par (organisation)",
    )
    holder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="détenu par",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            if self.organisation_id is None:
                # Written without saying by whom (the services always say): the assigned provider's,
                # the only organisation that writes social notes (can_edit_social_file).
                self.organisation_id = self.household.social_provider_id
            if self.holder_id is None:
                self.holder_id = self.organisation_id
        super().save(*args, **kwargs)


class SocialDiagnosis(SocialNote):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="diagnoses")
    date = models.DateField("date du diagnostic")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Sensitive findings: social provider only. Conclusions: shared with the project office.
    findings = models.TextField("constats (note sociale)", blank=True)
    conclusions = models.TextField("conclusions partagées", blank=True)
    rent_arrears = models.BooleanField("dette locative", default=False)
    debts = models.BooleanField("autres dettes", default=False)
    support_level = models.CharField(
        "niveau d'accompagnement", max_length=12, choices=SupportLevel.choices, blank=True
    )
    history = HistoricalRecords()

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic social"
        verbose_name_plural = "diagnostics sociaux"
        ordering = ["household", "-date"]


class SupportEntryKind(models.TextChoices):
    VISIT = "visite", "Visite à domicile"
    CALL = "appel", "Appel"
    MEETING = "entretien", "Entretien"
    LETTER = "courrier", "Courrier"


class SupportLogEntry(SocialNote):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="support_log")
    kind = models.CharField("type", max_length=12, choices=SupportEntryKind.choices)
    date = models.DateField("date")
    summary = models.TextField("résumé")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal d'accompagnement"
        ordering = ["household", "-date", "-pk"]


class NextStep(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="next_steps")
    title = models.CharField("action", max_length=250)
    due_date = models.DateField("échéance")
    done_on = models.DateField("réalisée le", null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="next_steps"
    )
    history = HistoricalRecords()

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "prochaine étape"
        ordering = ["household", "due_date"]
        indexes = [
            models.Index(fields=["due_date", "done_on"]),
            # Overdue counts of the household list (filter and sort): open steps only, per household.
            models.Index(
                fields=["household", "due_date"],
                condition=models.Q(done_on__isnull=True),
                name="nextstep_open_due_idx",
            ),
        ]


class HousingKindWish(models.TextChoices):
    ANY = "", "Indifférent"
    HOUSE = "maison", "Maison"
    FLAT = "appartement", "Appartement"


class AgeWish(models.TextChoices):
    ANY = "", "Indifférent"
    NEW = "neuf", "Neuf"
    OLD = "ancien", "Ancien"


class Wishes(models.Model):
    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="wishes")
    dwelling_types = models.JSONField("typologies souhaitées", default=list, blank=True)
    housing_kind = models.CharField(
        "maison ou appartement", max_length=12, choices=HousingKindWish.choices, blank=True
    )
    age = models.CharField("neuf ou ancien", max_length=8, choices=AgeWish.choices, blank=True)
    max_floor = models.SmallIntegerField("étage maximal", null=True, blank=True)
    needs_lift = models.BooleanField("ascenseur nécessaire", default=False)
    max_residual_rent = models.DecimalField(
        "reste à charge maximal (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "souhaits"
        verbose_name_plural = "souhaits"


class WishedLocation(models.Model):
    """A ranked location wish: a commune, optionally a neighbourhood in it."""

    wishes = models.ForeignKey(Wishes, on_delete=models.CASCADE, related_name="locations")
    rank = models.PositiveSmallIntegerField("rang")
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.CharField("quartier", max_length=200, blank=True)

    class Meta:
        verbose_name = "localisation souhaitée"
        ordering = ["wishes", "rank"]
        constraints = [models.UniqueConstraint(fields=["wishes", "rank"], name="unique_wish_rank")]


class SavedListFilter(models.Model):
    """A named view of the household list kept by one user (issue 18, point 3): the filters, the sort
    and the columns chosen, as the list's query string. Private to its owner (other users get 404).

    Never the free-text search (``q``, which may hold a person's name) nor the page: no personal data
    of a household is kept here, only choices among the list's filters."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_list_filters"
    )
    name = models.CharField("nom", max_length=80)
    querystring = models.TextField("filtres (paramètres de la liste)", blank=True)
    columns = models.JSONField("colonnes affichées", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "filtre enregistré"
        verbose_name_plural = "filtres enregistrés"
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_list_filter_name")]

    def __str__(self) -> str:
        return self.name
