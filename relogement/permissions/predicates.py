"""Named rules on personal data. Views and templates call these; tests cover every branch.

Each predicate assumes the household is already within the user's scope (scopes.household_filter);
it decides what of that household the user may see or do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from relogement.accounts.models import OrganisationKind
from relogement.permissions.scopes import organisation_of

if TYPE_CHECKING:
    from relogement.accounts.models import User
    from relogement.households.models import Household

NAMED_DATA_KINDS = {
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.PROJECT_OFFICE,
    OrganisationKind.SOCIAL_PROVIDER,
    OrganisationKind.LANDLORD,
}


def _kind(user: User) -> str | None:
    org = organisation_of(user)
    return org.kind if org else None


def is_assigned_provider(user: User, household: Household) -> bool:
    """The user acts for the social provider to which the household is assigned."""
    org = organisation_of(user)
    return (
        org is not None
        and org.kind == OrganisationKind.SOCIAL_PROVIDER
        and household.social_provider_id == org.pk
    )


def can_view_named_data(user: User) -> bool:
    """Names and contact details of households are shown to the commune, the project office, the social
    provider and the landlord, never to the metropolis (pseudonymised data and aggregates only)."""
    return _kind(user) in NAMED_DATA_KINDS


def can_view_private_owner(user: User) -> bool:
    """The owner of a private-stock building, recorded as text, may name a person (often the
    owner-occupier household itself): shown to the roles with named data, never to the metropolis,
    which reads "parc privé" only."""
    return can_view_named_data(user)


def can_view_names(user: User, household: Household) -> bool:
    """A household's names are visible to roles with access to named data, within their scope."""
    return can_view_named_data(user)


def can_view_social_notes(user: User, household: Household) -> bool:
    """Social notes (diagnosis findings, support log) stay with the social provider assigned to the
    household: no other organisation reads them, whatever its role. This opens the sections; which
    notes of them the provider reads is can_view_social_note's business (the ones it holds)."""
    return is_assigned_provider(user, household)


def can_view_potential_rights(user: User, household: Household) -> bool:
    """Potential rights (RSA, prime d'activité, housing benefit the household may claim and does not
    declare, estimated by the benefits engine) are part of the social support: like the social notes,
    only the social provider assigned to the household sees them, as leads to check with the CAF,
    never as a decision."""
    return is_assigned_provider(user, household)


def holds_social_note(user: User, household: Household, holder_id: int | None) -> bool:
    """The user acts for the organisation holding a note (``holder_id``) and that organisation is the
    household's assigned provider (see can_view_social_note)."""
    org = organisation_of(user)
    return org is not None and holder_id == org.pk and is_assigned_provider(user, household)


def can_view_social_note(user: User, household: Household, note) -> bool:
    """A social note (support-log entry, diagnosis findings and difficulties) is read by the
    organisation that holds it, and only while that organisation is the household's assigned provider.

    A note is held by the organisation that wrote it, until a change of provider hands the social file
    over (households.reassignment): then every note the outgoing provider held passes to the incoming
    one. A change without handover leaves each note with its holder: the new provider does not read
    the notes written before it (nor does the old one, which no longer reaches the household); they
    are read again by their holder if the household comes back to it. Per note, on rows already
    loaded (the household page prefetches them), so a list of notes costs no query per note."""
    return holds_social_note(user, household, note.holder_id)


def can_view_health_constraints(user: User, household: Household) -> bool:
    """Health constraints are a sensitive note: read by the organisation holding the household's health
    note (its writer, or the provider it was handed over to) while it is the assigned provider, as
    for every social note (can_view_social_note). A note nobody ever wrote (empty, held by nobody) has
    nothing to protect: the assigned provider reads it (and writes the first one)."""
    holder_id = household.health_note_holder_id
    if holder_id is None and not household.health_note:
        return is_assigned_provider(user, household)
    return holds_social_note(user, household, holder_id)


def can_view_diagnosis_conclusions(user: User, household: Household) -> bool:
    """The diagnosis conclusions (not its findings) are shared with the project office, which prepares
    committees, and with the assigned social provider."""
    return is_assigned_provider(user, household) or _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_view_resources(user: User, household: Household) -> bool:
    """Resources and the before-situation: every role with named data except the landlord, which sees
    limited fields of its own buildings' households; the metropolis sees them pseudonymised."""
    return _kind(user) in {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.PROJECT_OFFICE,
        OrganisationKind.SOCIAL_PROVIDER,
        OrganisationKind.METROPOLIS,
    }


def can_edit_household(user: User, household: Household) -> bool:
    """The household file is kept by its assigned social provider and by the project office."""
    return is_assigned_provider(user, household) or _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_edit_social_file(user: User, household: Household) -> bool:
    """Diagnosis, support log and sensitive needs are written by the assigned social provider only."""
    return is_assigned_provider(user, household)


def can_change_status(user: User, household: Household) -> bool:
    """Lifecycle actions: the assigned social provider and the project office."""
    return can_edit_household(user, household)


def can_record_direct_rehousing(user: User, household: Household) -> bool:
    """A move found outside the pooled offers (private stock, a landlord's own allocation…) is entered
    with its destination by the project office (MOUS), which keeps the project's figures; the household
    must be in its scope (the caller fetched it through it)."""
    return _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_reassign_provider(user: User, household: Household) -> bool:
    """A household is moved from one social provider to another by the project office (MOUS) of its
    project, which coordinates the providers (the household is in its scope only if the office acts
    on the project). Not the commune, guarantor of the process but not its operator, nor a provider."""
    return _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_view_provider_changes(user: User, household: Household) -> bool:
    """The log of the household's changes of provider (who, when, from whom to whom, whether the social
    file was handed over, the reason) is read by those who keep the file: the assigned provider and
    the project office."""
    return is_assigned_provider(user, household) or _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_assign_referent(user: User) -> bool:
    """Referents are assigned within a social provider, by its own staff."""
    return _kind(user) == OrganisationKind.SOCIAL_PROVIDER


def can_position_households(user: User) -> bool:
    """Households are positioned on offers by the project office or a social worker."""
    return _kind(user) in {OrganisationKind.PROJECT_OFFICE, OrganisationKind.SOCIAL_PROVIDER}


def can_manage_offers(user: User) -> bool:
    """Housing offers are published and updated by landlords."""
    return _kind(user) == OrganisationKind.LANDLORD


def can_record_commission(user: User) -> bool:
    """Allocation commission (CALEOL) decisions, leases and move-ins are recorded by the landlord
    (which runs the CALEOL) or by the project office."""
    return _kind(user) in {OrganisationKind.LANDLORD, OrganisationKind.PROJECT_OFFICE}


def can_import_exchange_files(user: User) -> bool:
    """Follow-up workbooks are imported by administrators and project offices."""
    return _kind(user) in {OrganisationKind.ADMIN, OrganisationKind.PROJECT_OFFICE} or bool(
        user.is_authenticated and user.is_superuser
    )


def can_plan_allocations(user: User) -> bool:
    """Allocation plans and criteria weights are the project office's (and the metropolis' for the
    metropolitan view)."""
    return _kind(user) in {OrganisationKind.PROJECT_OFFICE, OrganisationKind.METROPOLIS}


def can_view_access_log(user: User) -> bool:
    """Reads of named files are listed to administrators only."""
    return bool(user.is_authenticated and (user.is_superuser or _kind(user) == OrganisationKind.ADMIN))


# --- Household file (households helper) ---------------------------------------------------------


def can_view_member_details(user: User, household: Household) -> bool:
    """Members' birth dates and employment: the assigned social provider, the project office and the
    commune. The landlord sees limited fields (names and relation only) and the metropolis no member
    at all (pseudonymised data)."""
    return is_assigned_provider(user, household) or _kind(user) in {
        OrganisationKind.PROJECT_OFFICE,
        OrganisationKind.MUNICIPALITY,
    }


def can_view_support_log(user: User, household: Household) -> bool:
    """The support log (visits, calls, meetings, letters and their summaries) is a social note: the
    assigned social provider only."""
    return can_view_social_notes(user, household)


def can_view_next_steps(user: User, household: Household) -> bool:
    """Planned next steps and their due dates: the assigned social provider and the project office,
    which coordinates the partners."""
    return is_assigned_provider(user, household) or _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_edit_next_steps(user: User, household: Household) -> bool:
    """Next steps are planned and completed by those who keep the file (provider and project office)."""
    return can_edit_household(user, household)


def can_split_household(user: User, household: Household) -> bool:
    """A split (décohabitation) creates a new file: recorded by those who keep the file."""
    return can_edit_household(user, household)


def can_view_origin_costs(user: User, household: Household) -> bool:
    """Rent, charges, APL and RLS before rehousing reveal the household's means: same rule as the
    resources (the landlord sees the dwelling's physical features only)."""
    return can_view_resources(user, household)


def can_view_destination_costs(user: User, household: Household) -> bool:
    """Rent, charges, APL and RLS of the dwelling a household was rehoused in: the roles that see its
    resources, and the landlord, which records the lease, the move-in and the benefits
    (can_record_commission). The rehousing page and the exports apply it."""
    return can_view_resources(user, household) or can_record_commission(user)


def can_view_followups(user: User, household: Household) -> bool:
    """Post-rehousing follow-up answers (satisfaction, rent arrears) are read on the follow-up pages,
    open to the roles with named data; the metropolis gets them as aggregates (indicators) only."""
    return can_view_named_data(user)


def can_list_resources(user: User) -> bool:
    """Resources column and sort in household lists: the roles of can_view_resources (a rule on the
    role, the same for every household in the user's scope)."""
    return _kind(user) in {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.PROJECT_OFFICE,
        OrganisationKind.SOCIAL_PROVIDER,
        OrganisationKind.METROPOLIS,
    }


def can_list_next_steps(user: User) -> bool:
    """Overdue-step counts and filters in household lists: the roles of can_view_next_steps (a social
    provider only lists its own households)."""
    return _kind(user) in {OrganisationKind.PROJECT_OFFICE, OrganisationKind.SOCIAL_PROVIDER}


def can_list_support_contacts(user: User) -> bool:
    """« Dernier contact » in household lists: the support log is a social note, so the social
    provider only, and only the entries its organisation holds (the list's query filters on them)."""
    return _kind(user) == OrganisationKind.SOCIAL_PROVIDER


def can_bulk_plan_next_steps(user: User) -> bool:
    """« Planifier une prochaine étape » for several households ticked in the list: the roles that
    plan steps (can_edit_next_steps, checked again on each household)."""
    return _kind(user) in {OrganisationKind.PROJECT_OFFICE, OrganisationKind.SOCIAL_PROVIDER}


def can_bulk_reassign_provider(user: User) -> bool:
    """« Affecter un prestataire » for several households: the project office (can_reassign_provider,
    checked again on each household)."""
    return _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_bulk_flag_for_committee(user: User) -> bool:
    """« À présenter en comité » for several households: a social provider (can_flag_for_committee,
    checked again on each household: its own households only)."""
    return _kind(user) == OrganisationKind.SOCIAL_PROVIDER


def can_bulk_add_to_agenda(user: User) -> bool:
    """« Inscrire à l'ordre du jour » several households ticked in the list: the secretaries of the
    rehousing committees, i.e. the roles that plan them (can_plan_committee); the committee chosen must
    be one their organisation planned (can_run_committee) and still open, and each household belong to
    its project."""
    return can_plan_committee(user)


def can_view_offer_matches(user: User) -> bool:
    """Which households an offer suits best (decision support) is shown to the landlords, for the offers
    they see, and to project offices, for the households of their projects."""
    return _kind(user) in {OrganisationKind.LANDLORD, OrganisationKind.PROJECT_OFFICE}


def can_edit_matching_weights(user: User) -> bool:
    """The weights of the matching criteria are project settings changed by the project office (MOUS),
    for the projects it acts on."""
    return _kind(user) == OrganisationKind.PROJECT_OFFICE


def can_record_followup(user: User, household: Household) -> bool:
    """Post-rehousing follow-ups (satisfaction survey, situation) are recorded by the social workers of
    the provider the household is assigned to; other roles with named data may only read them."""
    return is_assigned_provider(user, household)


def can_use_benefits_simulator(user: User) -> bool:
    """The APL/RLS simulator (no household data: the user types the inputs) is open to every
    operational role; the administrator organisation manages configuration and does not get it."""
    return _kind(user) in NAMED_DATA_KINDS | {OrganisationKind.METROPOLIS}


# --- Partner API (api helper) --------------------------------------------------------------------


def can_manage_api_tokens(user: User) -> bool:
    """API tokens of an organisation are created and revoked by the people to whom the platform
    administrator granted « Gérer les jetons d'API de son organisation » (permission
    ``api.manage_apitoken``, in the Django admin), for the organisation they act for. Memberships carry
    no role, so the permission is what makes someone an administrator of their organisation's API
    access. The administration organisation has no data to exchange and gets no token."""
    org = organisation_of(user)
    return org is not None and org.kind != OrganisationKind.ADMIN and user.has_perm("api.manage_apitoken")


# --- Sign-in security (accounts helper) ----------------------------------------------------------


def can_administer_accounts(user: User) -> bool:
    """The security log (logins, failures, lock-outs, two-factor events, changes of organisation) and
    the account actions that follow from it (unlocking a locked-out account or address, resetting a
    user's two-factor device) are for administrators only: superusers and the people acting for the
    administration organisation, like the read log."""
    return can_view_access_log(user)


def must_use_two_factor(user: User) -> bool:
    """Two-factor authentication is required (when the OTP_REQUIRED setting is on) of everyone who
    could see named household data through **any** of their organisations (not only the one they act
    for now: switching is one click) and of administrators (staff, superusers, members of the
    administration organisation). Only the metropolis' analysts, who see pseudonymised data and
    aggregates, may sign in with a password alone."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    kinds = NAMED_DATA_KINDS | {OrganisationKind.ADMIN}
    return user.memberships.filter(organisation__kind__in=kinds).exists()


# --- Data protection: the DPO's tools (dataprotection helper) -------------------------------------


def can_handle_data_subject_requests(user: User) -> bool:
    """The DPO's tools on one named household — find it by its reference or pseudonym, the
    subject-access export, the erasure on request, its information notice — are used by the
    administrators, who act for the data-protection officer. The administration has no household in
    its scope (scopes.py): this is the one deliberate exception, reached only through an explicit
    search of the DPO page, and every household it opens this way is written to the read log
    (« RGPD … »). Same people as the read log (can_view_access_log)."""
    return can_view_access_log(user)


def can_review_changes(user: User) -> bool:
    """The review of changes across households (who changed which table of which file, when, which
    fields — never the values) is for administrators, like the read log it complements."""
    return can_view_access_log(user)


def can_keep_processing_register(user: User) -> bool:
    """The register of processing activities (art. 30 RGPD) and the controller it names (printed on
    the information notices) are kept by administrators."""
    return can_view_access_log(user)


def can_print_information_notice(user: User, household: Household) -> bool:
    """A household's information notice (art. 13–14 RGPD) is printed, to be handed over, by those who
    keep its file: its assigned social provider and the project office. The administrator prints it
    from the DPO pages (can_handle_data_subject_requests)."""
    return can_edit_household(user, household)


# --- Census in the app (census helper, issue 14) ---------------------------------------------------


def can_census_households(user: User) -> bool:
    """A newly censused household is recorded by the project office (MOUS), which runs the census, or
    by a social provider, which meets the households; both only in the buildings of the projects their
    organisation acts on (households.census.census_buildings). The commune, the landlord and the
    metropolis read the files but do not record them."""
    return _kind(user) in {OrganisationKind.PROJECT_OFFICE, OrganisationKind.SOCIAL_PROVIDER}


def can_add_building(user: User) -> bool:
    """A building (address, commune, number of dwellings, planned demolition) is entered by the project
    office (MOUS), for the projects it acts on (projects.services.building_create)."""
    return _kind(user) == OrganisationKind.PROJECT_OFFICE


# --- Household documents (documents helper) -------------------------------------------------------


def can_view_documents(user: User, household: Household) -> bool:
    """The documents section of a file (identity papers, tax notices, leases, CALEOL decisions…) is
    named data: open to the roles that see names (commune, project office, social provider, landlord),
    never to the metropolis (pseudonymised data only) nor to the administration. Which documents of
    it each role reads is can_view_document's business."""
    return can_view_named_data(user)


def can_view_document(user: User, household: Household, document) -> bool:
    """A document shows what the section of the file it belongs to shows, so it follows that section's
    predicate (documents/kinds.py, KIND_RULES): an identity paper the members' details
    (can_view_member_details: not the landlord), a tax notice or a proof of resources the resources
    (can_view_resources: not the landlord), a lease, a CALEOL decision, a letter, the signed notice or
    another document every role with named data (the landlord included). A social or health document
    is a social note: read only by the organisation that holds it while it is the household's
    assigned provider (can_view_social_note), and handed over with the social file. Per document, on
    rows already loaded: no query."""
    from relogement.documents.kinds import KIND_RULES, SOCIAL_KINDS

    if not can_view_documents(user, household):
        return False
    if document.kind in SOCIAL_KINDS:
        return holds_social_note(user, household, document.holder_id)
    rule = KIND_RULES.get(document.kind)
    return rule is None or globals()[rule](user, household)


def can_add_document(user: User, household: Household, kind: str) -> bool:
    """Documents are added by those who keep the file (can_edit_household: the assigned provider and
    the project office), social and health documents by the assigned provider only
    (can_edit_social_file), and only of a kind the uploader may read itself."""
    from relogement.documents.kinds import KIND_RULES, SOCIAL_KINDS

    if kind in SOCIAL_KINDS:
        return can_edit_social_file(user, household)
    rule = KIND_RULES.get(kind)
    return can_edit_household(user, household) and (rule is None or globals()[rule](user, household))


def can_delete_document(user: User, household: Household, document) -> bool:
    """A document is deleted by whoever may read it and add a document of its kind: the keepers of
    the file; a social document by the provider holding it."""
    return can_view_document(user, household, document) and can_add_document(user, household, document.kind)


# --- Duplicates (duplicates helper) ----------------------------------------------------------------


def can_view_duplicates(user: User) -> bool:
    """Suspected duplicate pairs are found by comparing members' names and dates of birth: the page
    listing them is open to the roles that see members' details (can_view_member_details): the project
    office, the social providers and the commune, each for the pairs whose two households are in its
    perimeter. Not the landlord (limited fields) nor the metropolis (pseudonymised data)."""
    return _kind(user) in {
        OrganisationKind.PROJECT_OFFICE,
        OrganisationKind.SOCIAL_PROVIDER,
        OrganisationKind.MUNICIPALITY,
    }


def can_decide_duplicate(user: User, household: Household, other: Household) -> bool:
    """Saying that two files are not the same household, or linking them (and undoing either), is done
    by those who keep both files (can_edit_household): the project office, or the social provider
    assigned to both. The commune sees the pairs but does not decide."""
    return can_edit_household(user, household) and can_edit_household(user, other)


# --- Governance: committees and CALEOL sessions (governance helper) -------------------------------


def can_view_governance(user: User) -> bool:
    """The committees and CALEOL sessions pages are open to every operational role; each sees only the
    sessions it organises, is invited to or examines (governance.querysets). The administration
    organisation takes no part in the governance."""
    return _kind(user) in NAMED_DATA_KINDS | {OrganisationKind.METROPOLIS}


def can_plan_committee(user: User) -> bool:
    """A rehousing committee is planned by the commune, which chairs it, or by the project office,
    which prepares it, for a project it acts on."""
    return _kind(user) in {OrganisationKind.MUNICIPALITY, OrganisationKind.PROJECT_OFFICE}


def can_run_committee(user: User, committee) -> bool:
    """The agenda, the decisions, the holding and the minutes of a committee are kept by its secretary:
    the people of the organisation that planned it."""
    org = organisation_of(user)
    return org is not None and committee.organiser_id == org.pk


def can_flag_for_committee(user: User, household: Household) -> bool:
    """« À présenter en comité »: the social provider assigned to the household brings it to the next
    committee, with a reason that every committee member reads (not a social note)."""
    return is_assigned_provider(user, household)


def can_plan_commission(user: User) -> bool:
    """CALEOL sessions are organised by the landlord, which runs its allocation commission."""
    return _kind(user) == OrganisationKind.LANDLORD


def can_run_commission(user: User, session) -> bool:
    """A CALEOL session's proposals and decisions are recorded by the landlord that holds it."""
    org = organisation_of(user)
    return org is not None and org.kind == OrganisationKind.LANDLORD and session.landlord_id == org.pk


# --- Governance: thematic working groups (workgroups helper) ---------------------------------------


def can_create_working_group(user: User) -> bool:
    """Thematic working groups are created and led by the metropolis (the GIP), which gathers the actors
    « pour réfléchir collectivement aux solutions » (issue 15)."""
    return _kind(user) == OrganisationKind.METROPOLIS


def can_manage_working_group(user: User, group) -> bool:
    """Members, meetings, minutes, indicator snapshots, decisions and actions of a working group are kept
    by the organisation that created it (the metropolis); members read them."""
    org = organisation_of(user)
    return org is not None and group.organiser_id == org.pk


def can_update_group_action(user: User, action) -> bool:
    """A working group's action is marked done or cancelled by its owner organisation (or its owner
    person) or by the group's organiser."""
    org = organisation_of(user)
    if org is None:
        return False
    group = action.group_decision.meeting.group
    return (
        action.owner_organisation_id == org.pk
        or action.owner_person_id == user.pk
        or can_manage_working_group(user, group)
    )


# --- Grievances (grievances helper) ---------------------------------------------------------------


def can_record_grievance(user: User, household: Household) -> bool:
    """A household's complaint reaches whoever it addresses (a letter to the landlord, a call to its
    social worker, a visit to the town hall, the MOUS): every role with named data records it for a
    household in its scope. Not the metropolis, which reads grievances as aggregates only."""
    return can_view_named_data(user)


def can_read_grievance_text(user: User, grievance) -> bool:
    """The text of a grievance may be sensitive (a discrimination complaint names people): read by the
    organisation responsible for answering it, the organisation that recorded it, the project office
    and the commune (which handle the escalation). The landlord and the social provider read it only
    when responsible or recorder; the others see the category, channel, dates and status. The
    metropolis sees no grievance, only aggregates. (Given a household instead, as the DPO register
    does to list the roles, it answers for an organisation neither responsible nor recorder.)"""
    org = organisation_of(user)
    if org is None:
        return False
    holders = (
        getattr(grievance, "responsible_id", None),
        getattr(grievance, "recorded_by_organisation_id", None),
    )
    if org.pk in holders:
        return True
    return org.kind in {OrganisationKind.PROJECT_OFFICE, OrganisationKind.MUNICIPALITY}


def can_handle_grievance(user: User, grievance) -> bool:
    """Who acts at each level of the escalation path (grievances.states): received or acknowledged, the
    responsible organisation or the project office; escalated to the commune, the commune; escalated
    to the metropolitan steering, the commune or the project office record its answer (the metropolis
    takes the case in its steering committee but keeps to aggregates in the application)."""
    from relogement.grievances.models import GrievanceStatus as G

    org = organisation_of(user)
    if org is None:
        return False
    if grievance.status in (G.RECEIVED, G.ACKNOWLEDGED):
        return org.pk == grievance.responsible_id or org.kind == OrganisationKind.PROJECT_OFFICE
    if grievance.status == G.COMMUNE:
        return org.kind == OrganisationKind.MUNICIPALITY
    if grievance.status == G.METROPOLIS:
        return org.kind in {OrganisationKind.MUNICIPALITY, OrganisationKind.PROJECT_OFFICE}
    return False


def can_list_grievances(user: User) -> bool:
    """The grievances page of an organisation: the roles with named data (each sees its scope)."""
    return can_view_named_data(user)


# --- requests between organisations (relogement/requests) ------------------------------------------


def can_send_requests(user: User) -> bool:
    """Every operational organisation addresses requests to others (not the administration)."""
    kind = _kind(user)
    return kind is not None and kind != OrganisationKind.ADMIN


def organisation_sees_household(organisation, household: Household) -> bool:
    """The organisation's perimeter holds the household (the same rule as the user scopes): a request
    about a household may only be addressed to such an organisation, or its text would reveal the
    household outside its perimeter."""
    from relogement.households.models import Household as HouseholdModel
    from relogement.permissions.scopes import household_filter_for_organisation

    return (
        HouseholdModel.objects.filter(household_filter_for_organisation(organisation))
        .filter(pk=household.pk)
        .exists()
    )


def organisation_sees_offer(organisation, offer) -> bool:
    """Offers are pooled for every operational role; a landlord sees its own and those on which a
    household of its perimeter is positioned (offers.querysets.HousingOfferQuerySet)."""
    if organisation is None or organisation.kind == OrganisationKind.ADMIN:
        return False
    if organisation.kind != OrganisationKind.LANDLORD or offer.landlord_id == organisation.pk:
        return True
    from relogement.offers.models import Proposal
    from relogement.permissions.scopes import household_filter_for_organisation

    return (
        Proposal.objects.filter(offer=offer)
        .filter(household_filter_for_organisation(organisation, field="household_id"))
        .exists()
    )


def can_answer_request(user: User, request) -> bool:
    """The recipient answers an open request; the sender may add a message to the thread too."""
    org = organisation_of(user)
    return (
        org is not None
        and request.status != "closed"
        and org.pk in (request.recipient_id, request.sender_organisation_id)
    )


def can_close_request(user: User, request) -> bool:
    """The recipient closes a request once handled; the sender may close (withdraw) it too."""
    return can_answer_request(user, request)


def can_receive_alerts(user: User) -> bool:
    """Every operational user has an alert centre over their own perimeter (not the administration)."""
    return can_send_requests(user)


def can_set_alert_rules(user: User, project) -> bool:
    """The project office and the commune of a project set its alert rules (the project is within
    their scope: fetched through it)."""
    org = organisation_of(user)
    return (
        org is not None
        and org.kind in (OrganisationKind.PROJECT_OFFICE, OrganisationKind.MUNICIPALITY)
        and org.projects.filter(pk=project.pk).exists()
    )
