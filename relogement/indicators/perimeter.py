"""Perimeters of the indicators: metropolis, commune, project, building, landlord (INDICATORS.md).

A household belongs to the perimeters of its origin: its project, its building, the commune of its
origin building and the landlord of that building. A household of private degraded stock (a building
without social landlord) belongs to no landlord's perimeter: the landlord perimeters have one more
entry, "Parc privé (sans bailleur social)" (``bailleur-aucun``), so that the landlord breakdown still
adds up to the metropolis (docs/indicators.md). A perimeter is always intersected with the user's
indicator scope (``indicator_households``); picking an object outside the scope is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.households.models import Household
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import Building, Project
from relogement.territory.models import Commune

METROPOLIS = "metropole"
COMMUNE = "commune"
PROJECT = "projet"
BUILDING = "batiment"
LANDLORD = "bailleur"
# The key of the landlord perimeter of private degraded stock (buildings without social landlord).
PRIVATE_STOCK_KEY = "aucun"
PRIVATE_STOCK_LABEL = "Parc privé (sans bailleur social)"

KIND_LABELS = {
    METROPOLIS: "Métropole",
    COMMUNE: "Commune",
    PROJECT: "Projet",
    BUILDING: "Bâtiment",
    LANDLORD: "Bailleur d'origine",
}


@dataclass(frozen=True)
class Perimeter:
    kind: str
    key: str = ""
    label: str = "Métropole"
    obj: object = None

    @property
    def token(self) -> str:
        """The value of the ``perimetre`` query parameter."""
        return self.kind if self.kind == METROPOLIS else f"{self.kind}-{self.key}"

    @property
    def title(self) -> str:
        if self.kind == METROPOLIS:
            return "Métropole (tout votre périmètre)"
        return f"{KIND_LABELS[self.kind]} : {self.label}"

    def household_q(self, prefix: str = "") -> Q:
        """Households of the perimeter (``prefix`` e.g. "household__" from a child model)."""
        if self.kind == METROPOLIS:
            return Q()
        if self.kind == LANDLORD and self.key == PRIVATE_STOCK_KEY:
            return Q(**{prefix + "building__landlord__isnull": True})
        field = {
            COMMUNE: "building__commune__insee_code",
            PROJECT: "project_id",
            BUILDING: "building_id",
            LANDLORD: "building__landlord_id",
        }[self.kind]
        value = self.key if self.kind == COMMUNE else int(self.key)
        return Q(**{prefix + field: value})


METROPOLIS_PERIMETER = Perimeter(METROPOLIS)
PRIVATE_STOCK_PERIMETER = Perimeter(LANDLORD, PRIVATE_STOCK_KEY, PRIVATE_STOCK_LABEL)
# What the command accepts as --landlord for it.
PRIVATE_STOCK_NAMES = {"aucun", "prive", "privé", "parc privé", "parc prive"}

LANDLORD_SCOPE_NOTE = (
    "Ces indicateurs portent sur les ménages de vos bâtiments. Les ménages d'autres bailleurs "
    "positionnés sur vos offres restent dans vos listes et vos propositions, mais ils sont comptés "
    "dans les indicateurs de leur bailleur d'origine."
)


def indicator_households(user):
    """The households whose indicators ``user`` sees: its scope, except that a landlord's are those of
    its own buildings.

    A household belongs to the perimeters of its origin (INDICATORS.md). A landlord sees the households
    of other landlords' buildings it was positioned on, to answer the proposals; counted in its
    indicators, they would give burn-downs and risk assessments of buildings it does not manage from
    the few of their households that were proposed to it, a biased sample of them.
    """
    landlord = _landlord_of(user)
    if landlord is not None:
        return Household.objects.filter(building__landlord=landlord)
    return Household.objects.visible_to(user)


def scope_note(user) -> str:
    """What the dashboard says about whose households it counts, when it is not plain (landlords)."""
    return LANDLORD_SCOPE_NOTE if _landlord_of(user) is not None else ""


def _landlord_of(user) -> Organisation | None:
    """The landlord the user acts for, if it is one: its indicators differ from its scope."""
    org = organisation_of(user)
    return org if org is not None and org.kind == OrganisationKind.LANDLORD else None


def _int(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise Http404("Périmètre inconnu.") from None


def perimeter_for_user(user, token: str | None) -> Perimeter:
    """Parse a ``perimetre`` token ("projet-12", "commune-59350", …) within the user's scope, or 404."""
    if not token or token == METROPOLIS:
        return METROPOLIS_PERIMETER
    kind, _, key = token.partition("-")
    buildings = Building.objects.visible_to(user)
    if kind == PROJECT:
        project = Project.objects.visible_to(user).filter(pk=_int(key)).first()
        if project is None:
            raise Http404("Projet hors de votre périmètre.")
        return Perimeter(PROJECT, str(project.pk), project.name, project)
    if kind == BUILDING:
        building = buildings.select_related("project").filter(pk=_int(key)).first()
        if building is None:
            raise Http404("Bâtiment hors de votre périmètre.")
        return Perimeter(
            BUILDING, str(building.pk), f"{building.reference} ({building.project.name})", building
        )
    if kind == COMMUNE:
        commune = Commune.objects.filter(insee_code=key, pk__in=buildings.values("commune_id")).first()
        if commune is None:
            raise Http404("Commune hors de votre périmètre.")
        return Perimeter(COMMUNE, commune.insee_code, commune.name, commune)
    if kind == LANDLORD and key == PRIVATE_STOCK_KEY:
        if not buildings.filter(landlord__isnull=True).exists():
            raise Http404("Aucun bâtiment du parc privé dans votre périmètre.")
        return PRIVATE_STOCK_PERIMETER
    if kind == LANDLORD:
        landlord = Organisation.objects.filter(pk=_int(key), pk__in=buildings.values("landlord_id")).first()
        if landlord is None:
            raise Http404("Bailleur hors de votre périmètre.")
        return Perimeter(LANDLORD, str(landlord.pk), landlord.name, landlord)
    raise Http404("Périmètre inconnu.")


def perimeter_choices(
    user, *, buildings: bool = True, current: Perimeter | None = None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Option groups for the perimeter selector: only what the user's scope reaches (4 queries).

    ``buildings=False`` (the dashboard: thousands of buildings for the metropolis, found with
    ``search_perimeters`` instead) lists only the ``current`` perimeter's building, if it is one.
    """
    with_buildings = buildings
    buildings = Building.objects.visible_to(user)
    projects = Project.objects.visible_to(user).order_by("name").values_list("pk", "name")
    communes = (
        Commune.objects.filter(pk__in=buildings.values("commune_id"))
        .order_by("name")
        .values_list("insee_code", "name")
    )
    # The landlords of the visible buildings, and None when some of them are private stock.
    landlords = sorted(
        buildings.order_by().values_list("landlord_id", "landlord__name").distinct(),
        key=lambda row: (row[0] is None, row[1] or ""),
    )
    if with_buildings:
        building_rows = buildings.order_by("project__name", "reference").values_list(
            "pk", "reference", "project__name"
        )
    elif current is not None and current.kind == BUILDING:
        building_rows = [(current.obj.pk, current.obj.reference, current.obj.project.name)]
    else:
        building_rows = []
    return [
        ("Métropole", [(METROPOLIS, "Métropole (tout votre périmètre)")]),
        ("Communes", [(f"{COMMUNE}-{code}", f"{name} ({code})") for code, name in communes]),
        ("Projets", [(f"{PROJECT}-{pk}", name) for pk, name in projects]),
        ("Bâtiments", [(f"{BUILDING}-{pk}", f"{ref} — {proj}") for pk, ref, proj in building_rows]),
        (
            "Bailleurs d'origine",
            [
                (f"{LANDLORD}-{pk}", name)
                if pk is not None
                else (PRIVATE_STOCK_PERIMETER.token, PRIVATE_STOCK_LABEL)
                for pk, name in landlords
            ],
        ),
    ]


def building_tokens(user) -> frozenset[str]:
    """The perimeter tokens of the buildings ``user`` may pick (one query)."""
    return frozenset(
        f"{BUILDING}-{pk}" for pk in Building.objects.visible_to(user).values_list("pk", flat=True)
    )


SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2


def search_perimeters(user, query: str) -> tuple[list[tuple[str, str, str]], bool]:
    """Perimeters of the user's scope whose name matches ``query`` (buildings by reference or project;
    projects, communes by name or INSEE code; landlords by name), as (group, token, label),
    at most SEARCH_LIMIT of them, and whether more matched (5 queries at most)."""
    query = query.strip()
    if len(query) < SEARCH_MIN_LENGTH:
        return [], False
    buildings = Building.objects.visible_to(user)
    found: list[tuple[str, str, str]] = []
    projects = Project.objects.visible_to(user).filter(name__icontains=query).order_by("name")
    found += [
        ("Projet", f"{PROJECT}-{pk}", name)
        for pk, name in projects.values_list("pk", "name")[: SEARCH_LIMIT + 1]
    ]
    communes = (
        Commune.objects.filter(pk__in=buildings.values("commune_id"))
        .filter(Q(name__icontains=query) | Q(insee_code__startswith=query))
        .order_by("name")
        .values_list("insee_code", "name")
    )
    found += [
        ("Commune", f"{COMMUNE}-{code}", f"{name} ({code})") for code, name in communes[: SEARCH_LIMIT + 1]
    ]
    landlords = (
        Organisation.objects.filter(pk__in=buildings.values("landlord_id"), name__icontains=query)
        .order_by("name")
        .values_list("pk", "name")
    )
    found += [("Bailleur d'origine", f"{LANDLORD}-{pk}", name) for pk, name in landlords[: SEARCH_LIMIT + 1]]
    if (
        PRIVATE_STOCK_LABEL.casefold().find(query.casefold()) >= 0
        and buildings.filter(landlord__isnull=True).exists()
    ):
        found.append(("Bailleur d'origine", PRIVATE_STOCK_PERIMETER.token, PRIVATE_STOCK_LABEL))
    rows = (
        buildings.filter(Q(reference__icontains=query) | Q(project__name__icontains=query))
        .order_by("project__name", "reference")
        .values_list("pk", "reference", "project__name")
    )
    found += [
        ("Bâtiment", f"{BUILDING}-{pk}", f"{ref} — {proj}") for pk, ref, proj in rows[: SEARCH_LIMIT + 1]
    ]
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


class PerimeterError(ValueError):
    """An unknown perimeter given on the command line (French message)."""


def perimeter_from_arguments(*, project: str | None, commune: str | None, landlord: str | None) -> Perimeter:
    """The command-line perimeter (no user: the command sees everything), matched case-insensitively."""
    given = [x for x in (project, commune, landlord) if x]
    if len(given) > 1:
        raise PerimeterError("Indiquez un seul périmètre : --project, --commune ou --landlord.")
    if project:
        found = Project.objects.filter(Q(code__iexact=project) | Q(name__iexact=project)).first()
        if found is None:
            raise PerimeterError(f"Projet inconnu : « {project} » (ni code ni nom de projet).")
        return Perimeter(PROJECT, str(found.pk), found.name, found)
    if commune:
        found = Commune.objects.filter(insee_code=commune.strip()).first()
        if found is None:
            raise PerimeterError(f"Commune inconnue : code INSEE « {commune} ».")
        return Perimeter(COMMUNE, found.insee_code, found.name, found)
    if landlord:
        if landlord.strip().casefold() in PRIVATE_STOCK_NAMES:
            return PRIVATE_STOCK_PERIMETER
        found = Organisation.objects.filter(name__iexact=landlord.strip()).first()
        if found is None:
            raise PerimeterError(f"Bailleur inconnu : « {landlord} ».")
        return Perimeter(LANDLORD, str(found.pk), found.name, found)
    return METROPOLIS_PERIMETER
