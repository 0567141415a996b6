"""Synthetic metropolitan demo dataset on the 13 real NPNRU sites and the real MEL communes.

Everything is drawn from ``random.Random(seed)`` and a seeded ``Faker("fr_FR")``: the same seed gives
the same dataset. Names are invented by Faker; no real person, and landlord names are invented too.

Speed matters (100,000 households for the benchmarks): rows are written with ``bulk_create`` in
chunks, and no django-simple-history rows are written for demo data (the history of a demo object
starts at its first real change). Money is computed with a simple approximation of APL and RLS
(``approx_benefits``): good enough for plausible demo figures; the benefits engine is the reference.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from faker import Faker

from relogement.accounts.models import Membership, Organisation, OrganisationKind, User
from relogement.benefits.stock import StockKind
from relogement.demo.bulk import fast_insert
from relogement.followup.models import FollowUp, Satisfaction
from relogement.households.models import (
    EmploymentSituation,
    Household,
    HouseholdMember,
    HouseholdStatusChange,
    HouseholdType,
    NextStep,
    OccupancyStatus,
    Relation,
    ResourceKind,
    ResourceLine,
    SocialDiagnosis,
    SupportEntryKind,
    SupportLevel,
    SupportLogEntry,
    WishedLocation,
    Wishes,
)
from relogement.households.statuses import ExitReason
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import (
    Answer,
    Financing,
    HousingOffer,
    OfferStatus,
    Proposal,
    ProposalStatus,
    ProposalTransition,
    RefusalReason,
)
from relogement.offers.services import rehousing_stock
from relogement.projects.models import Building, Operation, OperationKind, OriginDwelling, Project
from relogement.rehousing.models import HousingStock, Rehousing, RehousingKind
from relogement.territory.models import Commune

# Dates are computed against a fixed day so that a seed always gives the same dataset.
AS_OF = min(dt.date.today(), dt.date(2026, 11, 1))
CHUNK = 4000
BATCH = 2000
CENTS = Decimal("0.01")
# Share of households that claim neither the RSA nor the housing benefit they may be entitled to.
NON_TAKE_UP = 0.04

LANDLORDS = [
    ("Habitat du Nord Métropole", 0.32),
    ("Résidences de la Deûle", 0.22),
    ("Foyers du Mélantois", 0.18),
    ("Toits de la Lys Habitat", 0.16),
    ("Logis du Ferrain", 0.12),
]
MOUS_GROUPS = [
    ("MOUS Relogement Lille (Cabinet Habiter Demain)", {"59350"}),
    ("MOUS Roubaix-Tourcoing-Wattrelos (Atelier Parcours Logement)", {"59512", "59599", "59650"}),
    ("MOUS Sud et Est (Bureau d'études Trajectoires)", {"59360", "59648", "59410", "59299"}),
]
METROPOLIS = "Métropole — GIP Relogement (démo)"
PROVIDER_A = "Prestataire A — Accompagnement Social Métropole"
PROVIDER_B = "Prestataire B — Association Parcours Habitat"
ADMIN_ORG = "Administration de la plateforme"
RESERVATION_HOLDERS = ["Préfecture (contingent)", "Action Logement", "Métropole", "Commune", "Bailleur"]
# Relative number of households per site (the Lille and Roubaix sites are the largest).
SITE_WEIGHTS = {
    "lille-concorde": 14,
    "lille-sud": 10,
    "tourcoing-la-bourgogne": 12,
    "loos-les-oliveaux": 8,
    "mons-nouveau-mons": 8,
    "hem-lionderie-trois-baudets": 5,
    "wattignies-blanc-riez": 4,
    "wattrelos-les-villas": 5,
    "lille-quartiers-anciens": 6,
    "lille-bois-blancs": 5,
    "roubaix-lalma": 9,
    "roubaix-lepeule": 7,
    "roubaix-le-pile": 7,
}
TYPES = ["T1", "T2", "T3", "T4", "T5", "T6"]
TYPE_WEIGHTS = [8, 20, 36, 25, 9, 2]
TYPE_AREA = {
    "T1": (26, 34),
    "T2": (42, 52),
    "T3": (58, 70),
    "T4": (72, 85),
    "T5": (86, 102),
    "T6": (100, 120),
}
PROGRESS_BY_YEAR = {2025: 0.9, 2026: 0.78, 2027: 0.58, 2028: 0.38, 2029: 0.22}
QPV_COMMUNES = {
    "59350", "59512", "59599", "59650", "59360", "59410", "59299", "59648", "59017", "59163",
    "59220", "59286", "59328", "59368", "59507", "59009", "59378", "59560", "59421",
}  # fmt: skip
FINDINGS = [
    "Ménage installé de longue date, attaché au quartier ; inquiétudes sur le montant du futur loyer.",
    "Difficultés de gestion budgétaire ; accompagnement vers un dossier de surendettement à envisager.",
    "Situation de santé à prendre en compte pour l'étage et l'accessibilité.",
    "Sur-occupation du logement actuel ; besoin d'une typologie plus grande.",
    "Isolement social ; lien à maintenir avec les services de proximité.",
    "Décohabitation envisagée d'un enfant majeur.",
]
CONCLUSIONS = [
    "Relogement dans le quartier ou à proximité souhaité ; pas de frein identifié.",
    "Relogement hors QPV envisageable ; vigilance sur le reste à charge.",
    "Besoin d'un logement en rez-de-chaussée ou avec ascenseur.",
    "Accompagnement renforcé pendant le déménagement.",
    "Typologie à adapter à la composition du ménage.",
]
SUPPORT_SUMMARIES = {
    SupportEntryKind.VISIT: [
        "Visite à domicile : point sur le projet de relogement.",
        "Visite du logement actuel.",
    ],
    SupportEntryKind.CALL: [
        "Appel pour préparer la visite d'un logement.",
        "Relance des pièces justificatives.",
    ],
    SupportEntryKind.MEETING: [
        "Entretien au local de la MOUS : souhaits et budget.",
        "Entretien de diagnostic.",
    ],
    SupportEntryKind.LETTER: [
        "Courrier d'information sur le calendrier de démolition.",
        "Envoi de la notice.",
    ],
}
NEXT_STEPS = [
    "Relancer le ménage pour les pièces du dossier SNE",
    "Organiser la visite du logement proposé",
    "Préparer le passage en comité de relogement",
    "Demander le devis de déménagement",
    "Mettre à jour le diagnostic social",
    "Vérifier l'ouverture des droits APL",
]


@dataclass
class DemoResult:
    households: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


def approx_benefits(*, rent: Decimal, charges: Decimal, resources: Decimal, persons: int, zone: int):
    """(APL paid, RLS) per month: a rough approximation of the 2024 rules, for demo data only."""
    children = max(0, persons - 2)
    if zone == 3:
        ceiling = 254 if persons == 1 else 310 if persons == 2 else 348 + 50 * (children - 1)
    else:
        ceiling = 271 if persons == 1 else 332 if persons == 2 else 373 + 54 * (children - 1)
    flat_charges = 59 + 13 * max(0, persons - 1)
    threshold = 560 + 260 * (persons - 1)
    participation = 38 + 0.31 * max(0.0, float(resources) - threshold)
    apl = max(0.0, min(float(rent), ceiling) + flat_charges - participation)
    rls_ceiling = 1400 + 480 * (persons - 1)
    rls = 0.0
    if float(resources) <= rls_ceiling:
        rls = 46 if persons == 1 else 56 if persons == 2 else 64 + 9 * (children - 1)
    apl = max(0.0, apl - 0.98 * rls)
    if apl < 10:  # below the payment threshold
        apl = 0.0
    return Decimal(apl).quantize(CENTS), Decimal(rls).quantize(CENTS)


@contextlib.contextmanager
def frozen_timestamps(*model_classes: type[models.Model]):
    """Let bulk_create keep the historical dates we set on auto_now(_add) fields."""
    patched = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                patched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in patched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _prefix(project: Project) -> str:
    """A short reference prefix, distinct for the 13 sites: LCON (Lille-Concorde), RLEP (Roubaix-L'Épeule)…"""
    parts = project.code.split("-")
    return f"{parts[0][0]}{parts[-1][:3]}".upper()


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


class Generator:
    def __init__(self, *, households: int, seed: int, password: str, log: Callable[[str], None]):
        self.target = households
        self.seed = seed
        self.password = password
        self.log = log
        self.rng = random.Random(seed)
        self.rights_rng = random.Random(seed + 3)
        self.faker = Faker("fr_FR")
        self.faker.seed_instance(seed)
        self.result = DemoResult()
        self._pseudonyms: set[str] = set()
        self._pools()

    # --- helpers -------------------------------------------------------------------------------
    def _pools(self) -> None:
        f = self.faker
        self.last_names = [f.last_name() for _ in range(1500)]
        self.female_names = [f.first_name_female() for _ in range(600)]
        self.male_names = [f.first_name_male() for _ in range(600)]
        self.streets = [f.street_name() for _ in range(800)]

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def money(self, low: float, high: float) -> Decimal:
        return Decimal(self.rng.uniform(low, high)).quantize(CENTS)

    def pseudonym(self) -> str:
        while True:
            value = "M-" + "".join(self.rng.choices("0123456789ABCDEF", k=8))
            if value not in self._pseudonyms:
                self._pseudonyms.add(value)
                return value

    def count(self, name: str, n: int) -> None:
        self.result.counts[name] = self.result.counts.get(name, 0) + n

    def bulk(self, model, objs: list) -> list:
        """bulk_create: the primary keys come back (needed for the rows that point to these)."""
        if objs:
            model.objects.bulk_create(objs, batch_size=BATCH)
            self.count(str(model._meta.verbose_name), len(objs))
        return objs

    def insert(self, model, objs: list) -> None:
        """Leaf rows, nobody points to them: the fast path."""
        if objs:
            fast_insert(model, objs)
            self.count(str(model._meta.verbose_name), len(objs))

    # --- organisations and users -----------------------------------------------------------------
    def organisations(self) -> None:
        self.projects = list(Project.objects.select_related("commune").order_by("name"))
        self.communes = list(Commune.objects.order_by("insee_code"))
        self.commune_by_code = {c.insee_code: c for c in self.communes}

        def org(name, kind, commune=None):
            obj, _ = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "commune": commune}
            )
            return obj

        self.metropolis = org(METROPOLIS, OrganisationKind.METROPOLIS)
        self.admin_org = org(ADMIN_ORG, OrganisationKind.ADMIN)
        self.provider_a = org(PROVIDER_A, OrganisationKind.SOCIAL_PROVIDER)
        self.provider_b = org(PROVIDER_B, OrganisationKind.SOCIAL_PROVIDER)
        self.landlords = [org(name, OrganisationKind.LANDLORD) for name, _ in LANDLORDS]
        self.landlord_weights = [w for _, w in LANDLORDS]
        self.commune_orgs = {}
        for project in self.projects:
            commune = project.commune
            if commune.insee_code not in self.commune_orgs:
                self.commune_orgs[commune.insee_code] = org(
                    f"Ville de {commune.name}", OrganisationKind.MUNICIPALITY, commune
                )
            self.commune_orgs[commune.insee_code].projects.add(project)
        self.mous_orgs = []
        for name, codes in MOUS_GROUPS:
            mous = org(name, OrganisationKind.PROJECT_OFFICE)
            mous.projects.add(*[p for p in self.projects if p.commune.insee_code in codes])
            self.mous_orgs.append(mous)

    def users(self) -> None:
        lille = self.commune_orgs.get("59350") or next(iter(self.commune_orgs.values()))
        mous_lille = self.mous_orgs[0]
        personas = [
            ("metropole", "Analyste métropolitain", self.metropolis),
            ("commune", "Agent de la Ville de Lille", lille),
            ("mous", "Chargé de mission MOUS Lille", mous_lille),
            ("social-a", "Travailleur social du prestataire A", self.provider_a),
            ("social-b", "Travailleur social du prestataire B", self.provider_b),
            ("bailleur", "Agent de Habitat du Nord Métropole", self.landlords[0]),
            ("admin", "Administrateur de la plateforme", self.admin_org),
        ]
        self.persona_users = {}
        for username, role, organisation in personas:
            user, _ = User.objects.get_or_create(username=username)
            first, _, last = role.partition(" ")
            user.first_name, user.last_name = first, last
            # A reserved domain (RFC 2606): the demo's notifications reach no real mailbox.
            user.email = f"{username}@demo.relogement.invalid"
            user.is_staff = user.is_superuser = username == "admin"
            user.set_password(self.password)
            user.save()
            Membership.objects.get_or_create(user=user, organisation=organisation)
            self.persona_users[username] = user
            self.result.logins.append((username, f"{role} — {organisation.name}"))
        # A few more social workers per provider, as referents and authors.
        self.workers = {}
        # Own generator: whether these accounts already exist must not shift the households' draws.
        names = random.Random(self.seed + 1)
        for provider, persona in ((self.provider_a, "social-a"), (self.provider_b, "social-b")):
            team = [self.persona_users[persona]]
            for i in range(1, 6):
                username = f"{persona}-ts{i}"
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": names.choice(self.female_names + self.male_names),
                        "last_name": names.choice(self.last_names),
                    },
                )
                if created:
                    user.set_unusable_password()
                    user.save()
                Membership.objects.get_or_create(user=user, organisation=provider)
                team.append(user)
            self.workers[provider.pk] = team
        self.mous_user = self.persona_users["mous"]

    # --- structure ---------------------------------------------------------------------------------
    def structure(self) -> None:
        """Operations, buildings and origin dwellings; returns nothing, fills self.building_plans."""
        total_weight = sum(SITE_WEIGHTS.get(p.code, 5) for p in self.projects)
        operations, buildings, self.building_plans = [], [], []
        for project in self.projects:
            share = SITE_WEIGHTS.get(project.code, 5) / total_weight
            n_households = max(1, round(self.target * share))
            # Buildings of 20 to 120 households; about 12 % of their dwellings are already empty.
            sizes = []
            while sum(sizes) < n_households:
                sizes.append(self.rng.randint(20, 120))
            sizes[-1] -= sum(sizes) - n_households
            if sizes[-1] <= 0:
                sizes.pop()
                sizes[-1] += n_households - sum(sizes)
            n_ops = 1 if len(sizes) < 3 else self.rng.randint(2, 3)
            project_ops = []
            for i in range(n_ops):
                kind = (
                    OperationKind.DEMOLITION
                    if i == 0 or self.rng.random() < 0.7
                    else OperationKind.HEAVY_RENOVATION
                )
                label = "Démolition" if kind == OperationKind.DEMOLITION else "Requalification"
                op = Operation(project=project, name=f"{label} — tranche {i + 1}", kind=kind)
                project_ops.append(op)
                operations.append(op)
            census_start = dt.date(2020, 1, 15) if (project.phase or 1) == 1 else dt.date(2021, 3, 1)
            for index, size in enumerate(sizes):
                op = project_ops[index % n_ops]
                year = self.rng.choices(list(PROGRESS_BY_YEAR), weights=[2, 3, 3, 2, 1])[0]
                planned = dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
                landlord = self.rng.choices(self.landlords, weights=self.landlord_weights)[0]
                dwellings = size + round(size * self.rng.uniform(0.05, 0.2))
                building = Building(
                    operation=op,
                    project=project,
                    reference=f"{_prefix(project)}-B{index + 1:03d}",
                    address=f"{self.rng.randint(1, 180)} {self.rng.choice(self.streets)}",
                    commune=project.commune,
                    landlord=landlord,
                    dwellings_count=dwellings,
                    planned_demolition_date=planned,
                )
                buildings.append(building)
                census = self.between(census_start, dt.date(2024, 6, 30))
                provider = self.provider_a if self.rng.random() < 0.5 else self.provider_b
                self.building_plans.append(
                    {
                        "building": building,
                        "households": size,
                        "census": census,
                        "progress": PROGRESS_BY_YEAR[year],
                        "provider": provider,
                    }
                )
        self._private_stock(operations, buildings)
        self.bulk(Operation, operations)
        for building in buildings:
            building.operation_id = building.operation.pk
        self.bulk(Building, buildings)
        # Buildings already demolished: planned date passed and (below) almost every household gone.
        dwellings = []
        for plan in self.building_plans:
            building = plan["building"]
            floors = self.rng.choice([4, 5, 8, 10, 12])
            has_lift = floors > 4
            plan["dwellings"] = []
            for i in range(building.dwellings_count):
                dwelling_type = self.rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
                low, high = TYPE_AREA[dwelling_type]
                dwelling = OriginDwelling(
                    building=building,
                    reference=f"{building.reference}-{i + 1:03d}",
                    dwelling_type=dwelling_type,
                    living_area=Decimal(self.rng.uniform(low, high)).quantize(CENTS),
                    floor=i % (floors + 1),
                    has_lift=has_lift,
                )
                dwellings.append(dwelling)
                plan["dwellings"].append(dwelling)
            self.rng.shuffle(plan["dwellings"])
        self.bulk(OriginDwelling, dwellings)
        for provider in (self.provider_a, self.provider_b):
            provider.projects.add(
                *{p["building"].project for p in self.building_plans if p["provider"] == provider}
            )

    def _private_stock(self, operations: list, buildings: list) -> None:
        """One RHI and one OPAH-RU operation of private degraded stock (no social landlord, owners as
        text), whose households are of every occupancy status (docs/offer-rules.md). Their own draws
        come from a generator of their own; their households are planned last."""
        rng = random.Random(self.seed + 3)
        project = max(self.projects, key=lambda p: (SITE_WEIGHTS.get(p.code, 5), p.code))
        private_statuses = [
            OccupancyStatus.OWNER_OCCUPIER,
            OccupancyStatus.PRIVATE_TENANT,
            OccupancyStatus.NO_TITLE,
            OccupancyStatus.PRIVATE_TENANT,
        ]
        specs = [
            (OperationKind.RHI, "RHI — îlot de la Filature", ["Mme Ducatel (propriétaire)", "SCI Les Tisserands"]),
            (
                OperationKind.OPAH_RU,
                "OPAH-RU — centre ancien",
                ["Syndicat des copropriétaires du 14 rue de Wazemmes", "M. Vandamme (bailleur privé)"],
            ),
        ]  # fmt: skip
        for kind, name, owners in specs:
            op = Operation(project=project, name=name, kind=kind)
            operations.append(op)
            for index, owner in enumerate(owners):
                size = rng.randint(4, 8)
                building = Building(
                    operation=op,
                    project=project,
                    reference=f"{_prefix(project)}-{kind.upper().replace('_', '')}{index + 1:02d}",
                    address=f"{rng.randint(1, 90)} {rng.choice(self.streets)}",
                    commune=project.commune,
                    landlord=None,
                    private_owner=owner,
                    dwellings_count=size + 1,
                    planned_demolition_date=dt.date(rng.choice([2026, 2027]), rng.randint(1, 12), 15),
                )
                buildings.append(building)
                self.building_plans.append(
                    {
                        "building": building,
                        "households": size,
                        "census": dt.date(2023, 1, 15) + dt.timedelta(days=rng.randint(0, 520)),
                        "progress": PROGRESS_BY_YEAR[2027],
                        "provider": self.provider_a if index % 2 == 0 else self.provider_b,
                        "occupancy": private_statuses,
                    }
                )

    # --- offers -----------------------------------------------------------------------------------
    @staticmethod
    def _stock_kind(financing: str, rng: random.Random) -> str:
        """Private offers are unfurnished or furnished lets; some PLAI offers are résidences sociales."""
        if financing == Financing.PRIVATE:
            return StockKind.PRIVATE_FURNISHED if rng.random() < 0.25 else StockKind.PRIVATE_UNFURNISHED
        if financing == Financing.PLAI and rng.random() < 0.1:
            return StockKind.FOYER
        return StockKind.SOCIAL

    def offers(self) -> None:
        n_offers = max(300, int(self.target * 0.3))
        weights = [c.population or 1000 for c in self.communes]
        # Stock kinds drawn apart so that the rest of the dataset stays what this seed always gave.
        stock_rng = random.Random(self.seed + 2)
        offers = []
        for i in range(n_offers):
            commune = self.rng.choices(self.communes, weights=weights)[0]
            dwelling_type = self.rng.choices(TYPES, weights=[6, 22, 36, 26, 8, 2])[0]
            low, high = TYPE_AREA[dwelling_type]
            area = Decimal(self.rng.uniform(low, high)).quantize(CENTS)
            is_new = self.rng.random() < 0.32
            financing = self.rng.choices(list(Financing), weights=[25, 60, 10, 5])[0]
            per_m2 = self.rng.uniform(6.4, 8.2) if is_new else self.rng.uniform(4.9, 6.6)
            if financing == Financing.PLAI:
                per_m2 *= 0.9
            elif financing in (Financing.PLS, Financing.PRIVATE):
                per_m2 *= 1.35
            floors = self.rng.choice([0, 1, 2, 3, 4, 5, 6, 8])
            is_house = self.rng.random() < 0.1
            offers.append(
                HousingOffer(
                    landlord=self.rng.choices(self.landlords, weights=self.landlord_weights)[0],
                    reference=f"OF-{i + 1:06d}",
                    address=f"{self.rng.randint(1, 250)} {self.rng.choice(self.streets)}",
                    commune=commune,
                    in_qpv=commune.insee_code in QPV_COMMUNES and self.rng.random() < 0.45,
                    dwelling_type=dwelling_type,
                    living_area=area,
                    floor=0 if is_house else floors,
                    has_lift=not is_house and (floors > 3 or (is_new and floors > 0)),
                    accessible=is_new and self.rng.random() < 0.5,
                    is_house=is_house,
                    rent=(area * Decimal(per_m2)).quantize(CENTS),
                    charges=(area * Decimal(self.rng.uniform(1.1, 2.1))).quantize(CENTS),
                    financing=financing,
                    stock_kind=self._stock_kind(financing, stock_rng),
                    commissioning_date=self.between(dt.date(2021, 6, 1), dt.date(2026, 9, 1))
                    if is_new
                    else self.between(dt.date(1965, 1, 1), dt.date(2016, 12, 31)),
                    reservation_holder=self.rng.choice(RESERVATION_HOLDERS),
                    available_from=self.between(dt.date(2021, 9, 1), dt.date(2027, 3, 1)),
                    status=OfferStatus.AVAILABLE,
                    created_at=_aware(dt.date(2021, 6, 1)),
                )
            )
        for offer in offers:
            offer.created_at = _aware(min(offer.available_from - dt.timedelta(days=30), AS_OF))
        with frozen_timestamps(HousingOffer):
            self.bulk(HousingOffer, offers)
        self.rng.shuffle(offers)
        # Half of the offers can be let to rehoused households; the rest are refused or still open.
        half = len(offers) // 2
        self.offers_to_let = offers[:half]
        self.other_offers = offers[half:]
        self.all_offers = offers
        self.used_offers: set[int] = set()
        self.reasons = list(RefusalReason.objects.filter(active=True).order_by("code"))
        self.reason_weights = [
            {"localisation": 25, "loyer": 22, "typologie": 15, "etage-accessibilite": 8, "etat-logement": 8,
             "environnement": 8, "rester-quartier": 9, "autre": 5}.get(r.code, 4)
            for r in self.reasons
        ]  # fmt: skip

    # --- households ---------------------------------------------------------------------------------
    def households(self) -> None:
        pending: list[dict] = []
        done = 0
        for plan in self.building_plans:
            for i in range(plan["households"]):
                pending.append({"plan": plan, "dwelling": plan["dwellings"][i], "index": i})
                if len(pending) >= CHUNK:
                    self._write_chunk(pending)
                    done += len(pending)
                    self.log(f"  {done} ménages…")
                    pending = []
        if pending:
            self._write_chunk(pending)
        self.offer_status_update()

    def _members(self, kind: str, census: dt.date):
        rng = self.rng
        last = rng.choice(self.last_names)
        ref_female = rng.random() < (0.85 if kind == HouseholdType.SINGLE_PARENT else 0.5)
        age = (
            rng.randint(22, 85)
            if kind in (HouseholdType.SINGLE, HouseholdType.COUPLE)
            else rng.randint(24, 58)
        )
        members = []

        def member(first, relation, age_years, employment):
            birth = census - dt.timedelta(days=int(age_years * 365.25) + rng.randint(0, 364))
            members.append(
                HouseholdMember(
                    first_name=first,
                    last_name=last,
                    birth_date=birth,
                    relation=relation,
                    employment=employment,
                )
            )

        def adult_employment(age_years):
            if age_years >= 63:
                return EmploymentSituation.RETIRED
            return rng.choices(
                [EmploymentSituation.EMPLOYED, EmploymentSituation.JOBSEEKER, EmploymentSituation.INACTIVE,
                 EmploymentSituation.SELF_EMPLOYED, EmploymentSituation.OTHER],
                weights=[45, 25, 22, 4, 4],
            )[0]  # fmt: skip

        names = self.female_names if ref_female else self.male_names
        member(rng.choice(names), Relation.REFERENCE, age, adult_employment(age))
        if kind in (HouseholdType.COUPLE, HouseholdType.COUPLE_WITH_CHILDREN):
            spouse_age = max(19, age + rng.randint(-6, 6))
            spouse_names = self.male_names if ref_female else self.female_names
            member(rng.choice(spouse_names), Relation.SPOUSE, spouse_age, adult_employment(spouse_age))
        children = 0
        if kind in (HouseholdType.COUPLE_WITH_CHILDREN, HouseholdType.SINGLE_PARENT):
            children = rng.choices([1, 2, 3, 4, 5], weights=[30, 32, 22, 11, 5])[0]
            for _ in range(children):
                child_age = rng.randint(0, min(17, max(0, age - 18)))
                member(
                    rng.choice(self.female_names + self.male_names),
                    Relation.CHILD,
                    child_age,
                    EmploymentSituation.STUDENT if child_age >= 3 else "",
                )
        adult_children = 0
        if kind == HouseholdType.OTHER or (age > 45 and rng.random() < 0.15):
            adult_children = 1
            child_age = rng.randint(18, 26)
            member(
                rng.choice(self.female_names + self.male_names),
                Relation.CHILD,
                child_age,
                adult_employment(child_age),
            )
        if kind == HouseholdType.OTHER and rng.random() < 0.4:
            member(
                rng.choice(self.female_names),
                Relation.PARENT,
                rng.randint(68, 90),
                EmploymentSituation.RETIRED,
            )
        adults = sum(1 for m in members if m.relation != Relation.CHILD) + adult_children
        return members, adults, children, last, age

    def _resources(self, members, children: int) -> list[ResourceLine]:
        rng = self.rng
        lines = []
        for m in members:
            if m.relation == Relation.CHILD and m.employment != EmploymentSituation.EMPLOYED:
                continue
            if m.employment == EmploymentSituation.EMPLOYED:
                lines.append((ResourceKind.SALARY, rng.uniform(900, 2300)))
            elif m.employment == EmploymentSituation.SELF_EMPLOYED:
                lines.append((ResourceKind.SALARY, rng.uniform(600, 1800)))
            elif m.employment == EmploymentSituation.RETIRED:
                lines.append((ResourceKind.PENSION, rng.uniform(750, 1600)))
            elif m.employment == EmploymentSituation.JOBSEEKER:
                lines.append(
                    (ResourceKind.UNEMPLOYMENT, rng.uniform(650, 1300))
                    if rng.random() < 0.55
                    else (ResourceKind.MINIMUM_INCOME, rng.uniform(560, 720))
                )
            elif m.employment == EmploymentSituation.INACTIVE:
                lines.append(
                    (ResourceKind.DISABILITY, rng.uniform(950, 1020))
                    if rng.random() < 0.35
                    else (ResourceKind.MINIMUM_INCOME, rng.uniform(560, 900))
                )
        if children >= 2:
            lines.append((ResourceKind.FAMILY, 140 + 180 * (children - 2) + rng.uniform(0, 120)))
        elif children == 1 and rng.random() < 0.4:
            lines.append((ResourceKind.FAMILY, rng.uniform(100, 190)))
        if rng.random() < 0.06:
            lines.append((ResourceKind.ALIMONY, rng.uniform(80, 300)))
        if not lines:
            lines.append((ResourceKind.MINIMUM_INCOME, rng.uniform(560, 650)))
        merged: dict[str, Decimal] = {}
        for kind, amount in lines:
            merged[kind] = merged.get(kind, Decimal(0)) + Decimal(amount).quantize(CENTS)
        return [ResourceLine(kind=k, monthly_amount=v) for k, v in merged.items()]

    def _timeline(self, plan, census: dt.date) -> dict:
        """The household's path: status changes with dates, proposals, rehousings (all consistent with
        the lifecycle table of households.lifecycle)."""
        rng = self.rng
        progress = plan["progress"]
        end = AS_OF - dt.timedelta(days=3)
        changes = [("", S.TO_DIAGNOSE, census, "Recensement")]
        path = {"changes": changes, "proposals": [], "temporary": None, "definitive": None, "exit": ""}
        roll = rng.random()
        if roll < 0.06:
            final = S.EXITED
        elif rng.random() < progress:
            final = S.REHOUSED
        else:
            final = rng.choices([S.TO_DIAGNOSE, S.SEARCHING, S.PROPOSAL_IN_PROGRESS, S.TEMPORARILY_REHOUSED],
                                weights=[10 + 25 * (1 - progress), 50, 28, 3])[0]  # fmt: skip
        if final == S.TO_DIAGNOSE or (final == S.EXITED and rng.random() < 0.2):
            if final == S.EXITED:
                changes.append(
                    (S.TO_DIAGNOSE, S.EXITED, self.between(census + dt.timedelta(days=20), end), "exit")
                )
            return path
        diagnosed = min(census + dt.timedelta(days=rng.randint(20, 150)), end - dt.timedelta(days=200))
        diagnosed = max(diagnosed, census)
        changes.append((S.TO_DIAGNOSE, S.SEARCHING, diagnosed, "Diagnostic réalisé"))
        path["diagnosed"] = diagnosed
        n_refused = rng.choices([0, 1, 2, 3], weights=[55, 30, 12, 3])[0]
        if final == S.REHOUSED:
            last_notified_floor = diagnosed + dt.timedelta(days=30 * (n_refused + 1))
            move_in = self.between(last_notified_floor + dt.timedelta(days=60), end)
        elif final == S.PROPOSAL_IN_PROGRESS:
            move_in = None
            last_notified_floor = max(
                diagnosed + dt.timedelta(days=30 * (n_refused + 1)), end - dt.timedelta(days=70)
            )
        else:
            move_in = None
            last_notified_floor = end
        # Refused proposals, evenly spaced between the diagnosis and the last step.
        horizon = (
            (move_in - dt.timedelta(days=75))
            if move_in
            else (last_notified_floor if final == S.PROPOSAL_IN_PROGRESS else end - dt.timedelta(days=20))
        )
        status = S.SEARCHING
        day = diagnosed
        for k in range(n_refused):
            slot_end = diagnosed + (horizon - diagnosed) * (k + 1) / (n_refused + 1)
            notified = self.between(day + dt.timedelta(days=5), slot_end)
            answered = notified + dt.timedelta(days=rng.randint(7, 20))
            if answered >= horizon:
                break
            changes.append((status, S.PROPOSAL_IN_PROGRESS, notified, "Proposition notifiée"))
            reason = rng.choices(self.reasons, weights=self.reason_weights)[0]
            changes.append((S.PROPOSAL_IN_PROGRESS, S.SEARCHING, answered, f"Refus : {reason.label}"))
            path["proposals"].append(
                {"notified": notified, "answered": answered, "answer": Answer.REFUSED, "reason": reason}
            )
            day = answered
            status = S.SEARCHING
        if final == S.TEMPORARILY_REHOUSED or (final == S.REHOUSED and rng.random() < 0.05):
            temp_day = self.between(
                day + dt.timedelta(days=10), (move_in - dt.timedelta(days=120)) if move_in else end
            )
            if temp_day > day and (move_in is None or temp_day < move_in - dt.timedelta(days=90)):
                changes.append((status, S.TEMPORARILY_REHOUSED, temp_day, "Relogement provisoire"))
                path["temporary"] = temp_day
                status = S.TEMPORARILY_REHOUSED
                day = temp_day
            elif final == S.TEMPORARILY_REHOUSED:
                final = S.SEARCHING
        if final == S.EXITED:
            exit_day = self.between(day + dt.timedelta(days=10), end)
            changes.append((status, S.EXITED, exit_day, "exit"))
            return path
        if final in (S.SEARCHING, S.TEMPORARILY_REHOUSED):
            return path
        if final == S.PROPOSAL_IN_PROGRESS:
            notified = self.between(max(day + dt.timedelta(days=3), end - dt.timedelta(days=60)), end)
            changes.append((status, S.PROPOSAL_IN_PROGRESS, notified, "Proposition notifiée"))
            path["proposals"].append(
                {"notified": notified, "answered": None, "answer": Answer.PENDING, "reason": None}
            )
            return path
        # Rehoused: the accepted proposal, then the move; later the follow-up and the closing.
        notified = max(day + dt.timedelta(days=3), move_in - dt.timedelta(days=rng.randint(45, 75)))
        changes.append((status, S.PROPOSAL_IN_PROGRESS, notified, "Proposition notifiée"))
        changes.append((S.PROPOSAL_IN_PROGRESS, S.REHOUSED, move_in, "Relogement définitif"))
        path["proposals"].append({"notified": notified, "answered": notified + dt.timedelta(days=rng.randint(5, 15)),
                                  "answer": Answer.ACCEPTED, "reason": None, "move_in": move_in})  # fmt: skip
        path["definitive"] = move_in
        elapsed = (AS_OF - move_in).days
        if elapsed > 150 and rng.random() < 0.85:
            followup_day = move_in + dt.timedelta(days=rng.randint(30, 120))
            changes.append(
                (S.REHOUSED, S.POST_REHOUSING_FOLLOWUP, followup_day, "Ouverture du suivi post-relogement")
            )
            if elapsed > 420 and rng.random() < 0.7:
                close_day = self.between(move_in + dt.timedelta(days=380), end)
                changes.append(
                    (S.POST_REHOUSING_FOLLOWUP, S.CLOSED, close_day, "Dossier clos après le bilan à 12 mois")
                )
        return path

    def _write_chunk(self, specs: list[dict]) -> None:
        rng = self.rng
        bundles = []
        for spec in specs:
            plan, dwelling = spec["plan"], spec["dwelling"]
            bundles.append(self._household_bundle(plan, dwelling, parent=None))
        # Splits (décohabitation): an adult child rehoused as a new household linked to the original.
        splits = []
        for bundle in bundles:
            if bundle["has_adult_child"] and rng.random() < 0.25:
                splits.append(self._household_bundle(bundle["plan"], None, parent=bundle))
        households = [b["household"] for b in bundles]
        with frozen_timestamps(Household):
            self.bulk(Household, households)
            for split in splits:
                split["household"].split_from_id = split["parent"]["household"].pk
            self.bulk(Household, [s["household"] for s in splits])
        self.result.households += len(households) + len(splits)
        self._children(bundles + splits)
        # An offer let in this chunk caches its rehousing (a one-to-one field's reverse side), which holds
        # the household and the rest of its bundle: forgotten once written, else every rehoused household
        # stayed in memory until the end (about half the households; memory grew with their number).
        for offer in self.all_offers:
            offer._state.fields_cache.pop("rehousing", None)

    @staticmethod
    def _private_occupancy(household: Household, plan: dict, parent) -> None:
        """Private stock: occupancy statuses in turn (a split-off keeps its parent's); no RLS outside
        social housing, no rent for an owner-occupier or an occupant without title."""
        if parent is not None:
            household.occupancy_status = parent["household"].occupancy_status
        else:
            turn = plan["occupancy_turn"] = plan.get("occupancy_turn", -1) + 1
            household.occupancy_status = plan["occupancy"][turn % len(plan["occupancy"])]
        household.rls_before = None
        if household.occupancy_status != OccupancyStatus.PRIVATE_TENANT:
            household.rent_before = household.apl_before = None

    def _household_bundle(self, plan, dwelling, parent) -> dict:
        rng = self.rng
        building = plan["building"]
        census = plan["census"] + dt.timedelta(days=rng.randint(0, 60))
        if parent is None:
            kind = rng.choices(list(HouseholdType), weights=[30, 12, 28, 25, 5])[0]
            members, adults, children, last, age = self._members(kind, census)
            index = building.project.next_reference = getattr(building.project, "next_reference", 0) + 1
            reference = f"{_prefix(building.project)}-{index:05d}"
        else:
            kind = HouseholdType.SINGLE
            census = parent["household"].census_date
            child = parent["adult_child"]
            members = [
                HouseholdMember(
                    first_name=child.first_name,
                    last_name=child.last_name,
                    birth_date=child.birth_date,
                    relation=Relation.REFERENCE,
                    employment=child.employment,
                )
            ]
            adults, children, last = 1, 0, child.last_name
            age = (census - child.birth_date).days // 365
            parent["splits"] = parent.get("splits", 0) + 1
            reference = f"{parent['household'].reference}-D{parent['splits']}"
        resources = self._resources(members, children)
        # A few households claim neither the RSA nor the housing benefit they may be entitled to (non
        # take-up): the social provider's "droits potentiels à vérifier" shows them. Drawn apart, so
        # that the rest of the dataset stays what this seed always gave.
        claims_nothing = self.rights_rng.random() < NON_TAKE_UP
        if claims_nothing:
            # A household with no other resource keeps its RSA (the file would say nothing of its means).
            resources = [r for r in resources if r.kind != ResourceKind.MINIMUM_INCOME] or resources
        total = sum((r.monthly_amount for r in resources), Decimal(0))
        persons = adults + children
        provider = plan["provider"]
        area = dwelling.living_area if dwelling else None
        dwelling_type = dwelling.dwelling_type if dwelling else ""
        rent = (area * Decimal(rng.uniform(4.6, 6.2))).quantize(CENTS) if area else None
        charges = (area * Decimal(rng.uniform(1.2, 2.2))).quantize(CENTS) if area else None
        apl = rls = None
        if rent is not None:
            apl, rls = approx_benefits(
                rent=rent,
                charges=charges,
                resources=total,
                persons=persons,
                zone=building.commune.zone_apl or 2,
            )
            if claims_nothing:
                apl = None
        path = self._timeline(plan, census)
        final_status = path["changes"][-1][1]
        exit_reason = ""
        if final_status == S.EXITED:
            exit_reason = rng.choices(list(ExitReason), weights=[60, 15, 5, 20])[0]
        reduced_mobility = age > 70 and rng.random() < 0.3 or rng.random() < 0.03
        household = Household(
            reference=reference,
            pseudonym=self.pseudonym(),
            project=building.project,
            building=building,
            origin_dwelling=dwelling,
            social_provider=provider,
            referent=rng.choice(self.workers[provider.pk]),
            status=final_status,
            exit_reason=exit_reason,
            census_date=census,
            reference_name=f"{members[0].first_name} {last.upper()}",
            reference_age=age,
            household_type=kind,
            adults_count=adults,
            children_count=children,
            monthly_resources=total,
            tenancy_start=self.between(dt.date(1978, 1, 1), dt.date(2019, 12, 31)) if dwelling else None,
            rent_before=rent,
            charges_before=charges,
            apl_before=apl,
            rls_before=rls,
            origin_dwelling_type=dwelling_type,
            origin_living_area=area,
            origin_floor=dwelling.floor if dwelling else None,
            sne_number=f"0591223{rng.randint(0, 99999999):08d}" if "diagnosed" in path else "",
            information_notice_date=census + dt.timedelta(days=rng.randint(0, 20)),
            reduced_mobility=reduced_mobility,
            needs_ground_floor_or_lift=reduced_mobility or age > 75,
            large_family=children >= 3,
            has_pets=rng.random() < 0.15,
            health_note="Suivi médical régulier : éviter les étages sans ascenseur."
            if reduced_mobility
            else "",
            # Bulk inserts skip Household.save(): the note is held by its provider, as the services do.
            health_note_holder=provider if reduced_mobility else None,
            created_at=_aware(census),
            updated_at=_aware(path["changes"][-1][2]),
        )
        if plan.get("occupancy"):
            self._private_occupancy(household, plan, parent)
        adult_child = next(
            (
                m
                for m in members
                if m.relation == Relation.CHILD and m.birth_date and (census - m.birth_date).days >= 18 * 365
            ),
            None,
        )
        return {
            "household": household,
            "plan": plan,
            "members": members,
            "resources": resources,
            "path": path,
            "parent": parent,
            "adult_child": adult_child,
            "has_adult_child": parent is None and adult_child is not None and path["changes"][-1][1] in (
                S.REHOUSED, S.POST_REHOUSING_FOLLOWUP, S.CLOSED, S.SEARCHING, S.PROPOSAL_IN_PROGRESS),
        }  # fmt: skip

    def _snapshot(self, proposal: Proposal, offer: HousingOffer) -> None:
        proposal.offer = offer
        proposal.landlord_name = offer.landlord.name
        proposal.commune = offer.commune
        proposal.dwelling_type = offer.dwelling_type
        proposal.living_area = offer.living_area
        proposal.rent = offer.rent
        proposal.charges = offer.charges
        proposal.in_qpv = offer.in_qpv

    def _pick_offer(self, household: Household, *, to_let: bool) -> HousingOffer | None:
        pool = self.offers_to_let if to_let else self.other_offers
        if to_let:
            while pool:
                offer = pool.pop()
                if offer.pk not in self.used_offers:
                    self.used_offers.add(offer.pk)
                    return offer
            return None
        return self.rng.choice(pool) if pool else None

    def _children(self, bundles: list[dict]) -> None:
        rng = self.rng
        members, resources, changes, diagnoses, wishes, locations = [], [], [], [], [], []
        log, steps, proposals, transitions, rehousings, followups = [], [], [], [], [], []
        wish_locations = []
        weights = [c.population or 1000 for c in self.communes]
        for bundle in bundles:
            h = bundle["household"]
            worker = h.referent
            for m in bundle["members"]:
                m.household = h
                members.append(m)
            for r in bundle["resources"]:
                r.household = h
                resources.append(r)
            path = bundle["path"]
            for from_status, to_status, day, reason in path["changes"]:
                text = (
                    (ExitReason(h.exit_reason).label if h.exit_reason else "Sortie")
                    if reason == "exit"
                    else reason
                )
                changes.append(
                    HouseholdStatusChange(
                        household=h, from_status=from_status, to_status=to_status, effective_date=day,
                        reason=text, actor=worker, created_at=_aware(day),
                    )
                )  # fmt: skip
            last_day = path["changes"][-1][2]
            diagnosed = path.get("diagnosed")
            if diagnosed:
                diagnoses.append(
                    SocialDiagnosis(
                        household=h, date=diagnosed, author=worker, findings=rng.choice(FINDINGS),
                        organisation_id=h.social_provider_id, holder_id=h.social_provider_id,
                        conclusions=rng.choice(CONCLUSIONS), rent_arrears=rng.random() < 0.15,
                        debts=rng.random() < 0.2,
                        support_level=rng.choices(list(SupportLevel), weights=[50, 35, 15])[0],
                    )
                )  # fmt: skip
                wanted = {"T1": ["T1", "T2"], "T2": ["T2", "T3"]}.get(
                    h.origin_dwelling_type, [f"T{min(6, 1 + max(1, h.persons_count - 1))}"]
                )
                w = Wishes(
                    household=h,
                    dwelling_types=wanted,
                    housing_kind=rng.choice(["", "", "maison", "appartement"]),
                    age=rng.choice(["", "", "neuf", "ancien"]),
                    max_floor=3 if h.needs_ground_floor_or_lift else None,
                    needs_lift=h.needs_ground_floor_or_lift,
                    max_residual_rent=(h.monthly_resources * Decimal("0.25")).quantize(CENTS)
                    if h.monthly_resources
                    else None,
                )
                wishes.append(w)
                chosen = [h.building.commune]
                for _ in range(rng.randint(0, 2)):
                    commune = rng.choices(self.communes, weights=weights)[0]
                    if commune not in chosen:
                        chosen.append(commune)
                wish_locations.append((w, chosen))
                start = diagnosed
                for _ in range(rng.randint(2, 6)):
                    kind = rng.choice(list(SupportEntryKind))
                    day = self.between(start, last_day if last_day > start else start)
                    log.append(
                        SupportLogEntry(household=h, kind=kind, date=day, summary=rng.choice(SUPPORT_SUMMARIES[kind]),
                                        author=worker, created_at=_aware(day),
                                        organisation_id=h.social_provider_id, holder_id=h.social_provider_id)
                    )  # fmt: skip
            if h.status in (S.TO_DIAGNOSE, S.SEARCHING, S.PROPOSAL_IN_PROGRESS, S.TEMPORARILY_REHOUSED):
                for _ in range(rng.randint(1, 2)):
                    overdue = rng.random() < 0.3
                    due = (
                        AS_OF - dt.timedelta(days=rng.randint(1, 60))
                        if overdue
                        else AS_OF + dt.timedelta(days=rng.randint(1, 90))
                    )
                    steps.append(
                        NextStep(household=h, title=rng.choice(NEXT_STEPS), due_date=due, assignee=worker)
                    )
                if rng.random() < 0.5:
                    done = self.between(max(h.census_date, AS_OF - dt.timedelta(days=120)), AS_OF)
                    steps.append(
                        NextStep(
                            household=h,
                            title=rng.choice(NEXT_STEPS),
                            due_date=done,
                            done_on=done,
                            assignee=worker,
                        )
                    )
            for spec in path["proposals"]:
                accepted = spec["answer"] == Answer.ACCEPTED
                offer = self._pick_offer(h, to_let=accepted)
                p = Proposal(
                    household=h, positioned_by=worker, notified_date=spec["notified"],
                    visit_date=spec["notified"] + dt.timedelta(days=rng.randint(2, 6)),
                    answer_deadline=spec["notified"] + dt.timedelta(days=10), answer=spec["answer"],
                    answer_date=spec["answered"], is_compliant=rng.random() < 0.85,
                    positioned_at=_aware(spec["notified"] - dt.timedelta(days=rng.randint(3, 20))),
                )  # fmt: skip
                if offer is not None:
                    self._snapshot(p, offer)
                else:
                    landlord = rng.choices(self.landlords, weights=self.landlord_weights)[0]
                    commune = rng.choices(self.communes, weights=weights)[0]
                    dwelling_type = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
                    area = Decimal(rng.uniform(*TYPE_AREA[dwelling_type])).quantize(CENTS)
                    p.landlord_name, p.commune, p.dwelling_type, p.living_area = (
                        landlord.name,
                        commune,
                        dwelling_type,
                        area,
                    )
                    p.rent = (area * Decimal(rng.uniform(5, 7.5))).quantize(CENTS)
                    p.charges = (area * Decimal(rng.uniform(1.1, 2))).quantize(CENTS)
                    p.in_qpv = commune.insee_code in QPV_COMMUNES and rng.random() < 0.4
                steps_of = [ProposalStatus.POSITIONED, ProposalStatus.PROPOSED]
                if spec["answer"] == Answer.REFUSED:
                    p.status = ProposalStatus.REFUSED
                    p.refusal_reason = spec["reason"]
                    p.refusal_reason_text = spec["reason"].label
                    steps_of.append(ProposalStatus.REFUSED)
                elif accepted:
                    move_in = spec["move_in"]
                    p.status = ProposalStatus.MOVED_IN
                    p.commission_date = spec["answered"] + dt.timedelta(days=rng.randint(5, 20))
                    p.commission_decision = "attribution"
                    p.lease_date = min(move_in, p.commission_date + dt.timedelta(days=rng.randint(7, 25)))
                    p.move_in_date = move_in
                    steps_of += [ProposalStatus.ACCEPTED, ProposalStatus.COMMISSION_ALLOCATED,
                                 ProposalStatus.LEASE_SIGNED, ProposalStatus.MOVED_IN]  # fmt: skip
                else:
                    p.status = ProposalStatus.PROPOSED
                    if offer is not None:
                        offer.status = OfferStatus.POSITIONED
                proposals.append((p, steps_of))
                if accepted:
                    rehousings.append(self._rehousing(h, p, offer, RehousingKind.DEFINITIVE, spec["move_in"]))
            if path["temporary"]:
                temporary = self._rehousing(h, None, None, RehousingKind.TEMPORARY, path["temporary"])
                # This household's records were appended last (one pass over the households).
                for r in reversed(rehousings):
                    if r.household is not h:
                        break
                    if r.kind == RehousingKind.DEFINITIVE:
                        # Left for the definitive dwelling: the temporary record is history (docs/lifecycle.md).
                        temporary.superseded_on = r.move_in_date
                rehousings.append(temporary)
            if path["definitive"] and h.status in (S.POST_REHOUSING_FOLLOWUP, S.CLOSED, S.REHOUSED):
                for months in (6, 12):
                    due = path["definitive"] + dt.timedelta(days=int(months * 30.4))
                    if due > AS_OF + dt.timedelta(days=60) or (h.status == S.REHOUSED and months == 12):
                        continue
                    done = due + dt.timedelta(days=rng.randint(0, 40))
                    is_done = done <= AS_OF and h.status != S.REHOUSED and rng.random() < 0.9
                    followups.append(
                        FollowUp(
                            household=h, months_after=months, due_date=due, done_on=done if is_done else None,
                            author=worker if is_done else None,
                            information_received=rng.random() < 0.85 if is_done else None,
                            contact_person_known=rng.random() < 0.8 if is_done else None,
                            support_satisfaction=rng.choices(list(Satisfaction), weights=[35, 45, 13, 7])[0] if is_done else "",
                            home_satisfaction=rng.choices(list(Satisfaction), weights=[30, 45, 17, 8])[0] if is_done else "",
                            works_needed=rng.random() < 0.2 if is_done else None,
                            rent_arrears=rng.random() < 0.08 if is_done else None,
                        )
                    )  # fmt: skip
        self.insert(HouseholdMember, members)
        self.insert(ResourceLine, resources)
        with frozen_timestamps(HouseholdStatusChange, SupportLogEntry, Proposal):
            self.insert(HouseholdStatusChange, changes)
            self.insert(SupportLogEntry, log)
            self.bulk(Proposal, [p for p, _ in proposals])
        self.insert(SocialDiagnosis, diagnoses)
        self.bulk(Wishes, wishes)
        for w, chosen in wish_locations:
            for rank, commune in enumerate(chosen, start=1):
                locations.append(WishedLocation(wishes=w, rank=rank, commune=commune))
        self.insert(WishedLocation, locations)
        self.insert(NextStep, steps)
        for p, statuses in proposals:
            previous = ""
            for status in statuses:
                transitions.append(
                    ProposalTransition(
                        proposal=p, from_status=previous, to_status=status, actor=p.positioned_by
                    )
                )
                previous = status
        self.insert(ProposalTransition, transitions)
        for r in rehousings:
            if r.proposal is not None:
                r.proposal_id = r.proposal.pk
        self.insert(Rehousing, rehousings)
        self.insert(FollowUp, followups)

    def _rehousing(self, h: Household, proposal, offer, kind: str, move_in: dt.date) -> Rehousing:
        rng = self.rng
        if kind == RehousingKind.TEMPORARY:
            commune = rng.choices(self.communes, weights=[c.population or 1000 for c in self.communes])[0]
            dwelling_type = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
            area = Decimal(rng.uniform(*TYPE_AREA[dwelling_type])).quantize(CENTS)
            rent = (area * Decimal(rng.uniform(4.8, 6.0))).quantize(CENTS)
            charges = (area * Decimal(rng.uniform(1.2, 2.0))).quantize(CENTS)
            landlord, in_qpv, commissioning = h.building.landlord, True, dt.date(1972, 1, 1)
            address, stock = f"{rng.randint(1, 120)} {rng.choice(self.streets)}", HousingStock.SOCIAL
        else:
            commune, dwelling_type, area = proposal.commune, proposal.dwelling_type, proposal.living_area
            rent, charges, in_qpv = proposal.rent, proposal.charges, proposal.in_qpv
            landlord = (
                offer.landlord
                if offer
                else next((lo for lo in self.landlords if lo.name == proposal.landlord_name), None)
            )
            commissioning = offer.commissioning_date if offer else None
            address = offer.address if offer else f"{rng.randint(1, 200)} {rng.choice(self.streets)}"
            stock = rehousing_stock(offer)
            if offer:
                offer.status = OfferStatus.LET
        apl, rls = approx_benefits(
            rent=rent, charges=charges, resources=h.monthly_resources or Decimal(0), persons=h.persons_count,
            zone=commune.zone_apl or 2,
        )  # fmt: skip
        new = bool(commissioning and (move_in - commissioning).days < 5 * 365)
        return Rehousing(
            household=h, kind=kind, proposal=proposal, offer=offer, move_in_date=move_in, landlord=landlord,
            landlord_name=landlord.name if landlord else (proposal.landlord_name if proposal else ""),
            commune=commune, address=address, in_qpv=in_qpv, housing_stock=stock, commissioning_date=commissioning,
            dwelling_type=dwelling_type, living_area=area, rent=rent, charges=charges, apl=apl, rls=rls,
            rent_reduction_payment=new and kind == RehousingKind.DEFINITIVE and rng.random() < 0.6,
        )  # fmt: skip

    def offer_status_update(self) -> None:
        """Offers let, positioned or withdrawn, in a few UPDATE queries (after all proposals exist)."""
        by_status: dict[str, list[int]] = {}
        for offer in self.all_offers:
            status = offer.status
            if status == OfferStatus.AVAILABLE and offer.available_from < AS_OF - dt.timedelta(days=400):
                status = OfferStatus.WITHDRAWN if self.rng.random() < 0.5 else status
            by_status.setdefault(status, []).append(offer.pk)
        for status, pks in by_status.items():
            if status == OfferStatus.AVAILABLE:
                continue
            for i in range(0, len(pks), 900):
                HousingOffer.objects.filter(pk__in=pks[i : i + 900]).update(status=status)

    # --- run ----------------------------------------------------------------------------------------
    def run(self) -> DemoResult:
        with transaction.atomic():
            self.organisations()
            self.users()
            self.log("Organisations et comptes créés.")
            self.structure()
            self.log(f"Structure : {len(self.building_plans)} bâtiments.")
            self.offers()
            self.log(f"Offres : {len(self.all_offers)}.")
            self.households()
            # Committees and a CALEOL session on the data just written (relogement/demo/governance.py).
            from relogement.demo.governance import generate_governance

            for name, n in generate_governance(self, AS_OF).items():
                self.count(name, n)
            # Thematic working groups of the metropolis (relogement/demo/working_groups.py).
            from relogement.demo.working_groups import generate_working_groups

            for name, n in generate_working_groups(self, AS_OF).items():
                self.count(name, n)
            # Grievances at every stage of the escalation path (relogement/demo/grievances.py), dated
            # from today: their deadlines run against the real date (two overdue, the others not).
            from relogement.demo.grievances import generate_grievances

            for name, n in generate_grievances(self, dt.date.today()).items():
                self.count(name, n)
            # Requests between organisations, so that each role's home shows one (demo/requests.py).
            from relogement.demo.requests import generate_requests

            for name, n in generate_requests(self).items():
                self.count(name, n)
            from relogement.demo.alerts import generate_alert_settings

            for name, n in generate_alert_settings(self).items():
                self.count(name, n)
        return self.result


def ensure_referential(log: Callable[[str], None]) -> None:
    if not Commune.objects.exists() or not Project.objects.exists():
        from relogement.territory.referential import load_referential

        log("Référentiel absent : chargement des communes et des sites NPNRU.")
        load_referential(settings.REFERENCE_DATA_DIR)


def demo_password() -> str:
    import os

    return os.environ.get("DEMO_PASSWORD") or "demo-relogement"


def persona_logins(password: str) -> list[tuple[str, str]]:
    users = User.objects.filter(
        username__in=["metropole", "commune", "mous", "social-a", "social-b", "bailleur", "admin"]
    )
    result = []
    for user in users.prefetch_related("memberships__organisation").order_by("pk"):
        orgs = ", ".join(m.organisation.name for m in user.memberships.all())
        result.append((user.username, orgs))
    return result
