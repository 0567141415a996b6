"""The main menu: one entry per user journey, shown when the entry's predicate allows it.

Each app adds its entry here; an entry whose URL does not exist yet is skipped.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from relogement.permissions.scopes import organisation_of


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    allowed: Callable = lambda user: organisation_of(user) is not None
    # A URL returning a small badge (e.g. a count), loaded by htmx once the page is shown.
    badge_url_name: str = ""


def _can_view_named_data(user) -> bool:
    from relogement.permissions.predicates import can_view_named_data

    return can_view_named_data(user)


MENU: list[MenuItem] = [
    MenuItem("Accueil", "home"),
    MenuItem("Projets", "project_list"),
    MenuItem("Bâtiments", "building_list"),
    MenuItem("Ménages", "households:list"),
    MenuItem("Offres", "offers:list"),
    MenuItem("Indicateurs", "indicators:dashboard"),
    MenuItem("Simulateur", "benefits:simulator", lambda user: _can_use_benefits_simulator(user)),
    MenuItem("Échanges", "exchange:home"),
    MenuItem("Doublons", "duplicates:pairs", lambda user: _can_view_duplicates(user)),
    MenuItem(
        "Suivi post-relogement",
        "followup:list",
        lambda user: _can_view_named_data(user),
    ),
    MenuItem(
        "Aide à la décision",
        "matching:risk",
        lambda user: organisation_of(user) is not None and organisation_of(user).kind != "admin",
    ),
    MenuItem(
        "Comités et CALEOL",
        "governance:index",
        lambda user: _can_view_governance(user),
    ),
    MenuItem("Groupes de travail", "governance:group_list", lambda user: _can_view_governance(user)),
    # can_list_grievances: the roles with named data (the metropolis reads grievances as aggregates).
    MenuItem("Réclamations", "grievances:list", lambda user: _can_view_named_data(user)),
    MenuItem("Demandes", "requests:received", lambda user: _can_send_requests(user)),
    MenuItem(
        "Alertes", "alerts:centre", lambda user: _can_receive_alerts(user), badge_url_name="alerts:count"
    ),
    MenuItem("Consultations", "audit:index", lambda user: _can_view_access_log(user)),
    MenuItem("Jetons d'API", "api:tokens", lambda user: _can_manage_api_tokens(user)),
    MenuItem(
        "Protection des données", "dataprotection:home", lambda user: _can_handle_data_subject_requests(user)
    ),
]


def _can_view_duplicates(user) -> bool:
    from relogement.permissions.predicates import can_view_duplicates

    return can_view_duplicates(user)


def _can_use_benefits_simulator(user) -> bool:
    from relogement.permissions.predicates import can_use_benefits_simulator

    return can_use_benefits_simulator(user)


def _can_view_governance(user) -> bool:
    from relogement.permissions.predicates import can_view_governance

    return can_view_governance(user)


def _can_send_requests(user) -> bool:
    from relogement.permissions.predicates import can_send_requests

    return can_send_requests(user)


def _can_receive_alerts(user) -> bool:
    from relogement.permissions.predicates import can_receive_alerts

    return can_receive_alerts(user)


def _can_view_access_log(user) -> bool:
    from relogement.permissions.predicates import can_view_access_log

    return can_view_access_log(user)


def _can_handle_data_subject_requests(user) -> bool:
    from relogement.permissions.predicates import can_handle_data_subject_requests

    return can_handle_data_subject_requests(user)


def _can_manage_api_tokens(user) -> bool:
    from relogement.permissions.predicates import can_manage_api_tokens

    return can_manage_api_tokens(user)


def main_menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"main_menu": []}
    items = []
    for item in MENU:
        if not item.allowed(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        badge = reverse(item.badge_url_name) if item.badge_url_name else ""
        items.append({"label": item.label, "url": url, "active": active, "badge_url": badge})
    return {"main_menu": items}
