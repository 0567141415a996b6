"""The access matrix: every URL of the application, who may open it, who must get a 404.

Each app declares its cases in ``tests/<app>/access_cases.py`` as ``CASES: list[UrlCase]``;
``tests/test_every_url_is_scoped.py`` runs them all and fails when a URL has no case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UrlCase:
    url_name: str
    # Builds the URL kwargs from the ``world`` fixture (objects inside the allowed persona's perimeter).
    kwargs: Callable = lambda world: {}
    # Personas that get a successful answer (200, or a redirect for a POST).
    allowed: tuple[str, ...] = ("mous",)
    # Personas that must get 404 (outside the perimeter or without the right).
    denied: tuple[str, ...] = ("outsider",)
    method: str = "get"
    data: Callable = lambda world: {}
    query: str = ""
    expected_status: tuple[int, ...] = field(default=(200,))
    # What the denied personas get: 404 outside the perimeter; the API answers 403 to a write that the
    # role may not do on an object it sees.
    denied_status: int = 404
    # Builds the client of a persona from (world, persona); None: the persona's signed-in session. The
    # API's cases give a client carrying a token of the persona's organisation.
    client: Callable | None = None
