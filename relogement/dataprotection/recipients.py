"""Who receives the data, read from the access rules themselves rather than written by hand.

- By role (the register): each field of the ``registry`` names the predicate under which the pages
  show it; the predicate is asked for a persona of each kind of organisation (the social provider
  being the one the household is assigned to). A field without a predicate is seen by every role
  whose scope reaches households at all (``scopes.household_filter``).
- By organisation (the notice of one household): the organisations whose scope reaches the household,
  asked of ``scopes.household_filter`` in one query.

So a change of a predicate or of the scope changes the register and the notices with it.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.dataprotection.registry import TABLES, Category, Field, label_of
from relogement.households.models import Household
from relogement.permissions import predicates
from relogement.permissions.scopes import NOTHING, household_filter

# The order in which roles are listed, and how the documents name them.
ROLE_LABELS: dict[str, str] = {
    OrganisationKind.SOCIAL_PROVIDER: "Prestataire social chargé de l'accompagnement du ménage",
    OrganisationKind.PROJECT_OFFICE: "Bureau d'étude / MOUS relogement du projet",
    OrganisationKind.MUNICIPALITY: "Commune du projet",
    OrganisationKind.LANDLORD: "Bailleur social (bâtiment d'origine, logements proposés)",
    OrganisationKind.METROPOLIS: "Métropole / GIP (données pseudonymisées, sans nom)",
    OrganisationKind.ADMIN: "Administration de l'application (délégué à la protection des données)",
}


class Persona:
    """A user acting for an organisation of the given kind, to ask a predicate or the scope what that
    role may see (no database row: the predicates read the organisation's kind and id only)."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False

    def __init__(self, organisation: Organisation):
        self.active_organisation = organisation

    def has_perm(self, perm: str) -> bool:
        return False


_PROVIDER_ID = -1  # an id no organisation has: the persona's and the sample household's provider


def _persona(kind: str) -> Persona:
    return Persona(
        Organisation(pk=_PROVIDER_ID if kind == OrganisationKind.SOCIAL_PROVIDER else -2, kind=kind)
    )


def _sample_household() -> Household:
    # Assigned to the provider persona, which holds its (non-empty) health note.
    return Household(social_provider_id=_PROVIDER_ID, health_note="…", health_note_holder_id=_PROVIDER_ID)


def roles_allowed(rule: str | None) -> list[str]:
    """The kinds of organisation that see a field shown under ``rule`` (module docstring)."""
    household = _sample_household()
    kinds = []
    for kind in ROLE_LABELS:
        persona = _persona(kind)
        if rule is None:
            allowed = household_filter(persona) != NOTHING
        else:
            predicate = getattr(predicates, rule)
            takes_household = len(inspect.signature(predicate).parameters) > 1
            allowed = predicate(persona, household) if takes_household else predicate(persona)
        if allowed:
            kinds.append(kind)
    return kinds


@dataclass
class CategoryRecipients:
    category: str
    label: str
    # role → the French labels of the fields of the category that role sees
    fields_by_role: dict[str, list[str]]
    fields: list[str]

    @property
    def roles(self) -> list[tuple[str, list[str]]]:
        """(role label, fields it sees) in ROLE_LABELS order."""
        return [(ROLE_LABELS[kind], fields) for kind, fields in self.fields_by_role.items()]


def recipients_by_category() -> list[CategoryRecipients]:
    """For the register: per data category, its fields and which roles see which of them."""
    by_category: dict[str, CategoryRecipients] = {
        value: CategoryRecipients(value, label, defaultdict(list), []) for value, label in Category.choices
    }
    allowed_cache: dict[str | None, list[str]] = {}
    for table in TABLES:
        model = table.model_class
        for field in table.fields:
            label = field_label(model, field)
            entry = by_category[field.category]
            entry.fields.append(label)
            if field.rule not in allowed_cache:
                allowed_cache[field.rule] = roles_allowed(field.rule)
            for kind in allowed_cache[field.rule]:
                entry.fields_by_role[kind].append(label)
    result = []
    for entry in by_category.values():
        ordered = {kind: entry.fields_by_role[kind] for kind in ROLE_LABELS if entry.fields_by_role.get(kind)}
        result.append(CategoryRecipients(entry.category, entry.label, ordered, entry.fields))
    return [entry for entry in result if entry.fields]


def field_label(model, field: Field) -> str:
    """« Membres du ménage : prénom » — the table's model name and the field's French name."""
    return f"{model._meta.verbose_name} : {label_of(model._meta.get_field(field.name))}"


def organisations_reaching(household: Household) -> list[tuple[str, list[str]]]:
    """The organisations whose scope reaches ``household``, by role (ROLE_LABELS order), in two
    queries whatever the number of organisations."""
    organisations = list(Organisation.objects.exclude(kind=OrganisationKind.ADMIN).order_by("name"))
    if not organisations:
        return []
    checks = {
        f"org_{org.pk}": Exists(Household.objects.filter(household_filter(Persona(org)), pk=OuterRef("pk")))
        for org in organisations
    }
    reached = Household.objects.filter(pk=household.pk).annotate(**checks).values(*checks).get()
    by_kind: dict[str, list[str]] = defaultdict(list)
    for org in organisations:
        if reached[f"org_{org.pk}"]:
            by_kind[org.kind].append(org.name)
    return [(ROLE_LABELS[kind], by_kind[kind]) for kind in ROLE_LABELS if by_kind.get(kind)]
