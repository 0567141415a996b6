"""Every URL has an access case; every case is checked: allowed personas succeed, others get 404."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.access import UrlCase

# URLs that are not about data of a perimeter (authentication, the organisation switch, admin).
UNSCOPED = {"login", "logout", "switch_organisation"}


def _collect_cases() -> list[UrlCase]:
    cases = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            mod = importlib.import_module(f"tests.{module.name}.access_cases")
        except ModuleNotFoundError:
            continue
        cases.extend(mod.CASES)
    return cases


def _url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


CASES = _collect_cases()


def test_every_url_has_an_access_case():
    covered = {case.url_name for case in CASES}
    missing = sorted(_url_names() - covered - UNSCOPED)
    assert not missing, f"URLs sans cas d'accès dans tests/<app>/access_cases.py : {missing}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.method}:{c.url_name}" for c in CASES])
def test_access_case(world, case: UrlCase):
    url = reverse(case.url_name, kwargs=case.kwargs(world)) + case.query
    client_for = (lambda persona: case.client(world, persona)) if case.client else world.client_for
    for persona in case.denied:
        client = client_for(persona)
        response = getattr(client, case.method)(url, data=case.data(world))
        assert response.status_code == case.denied_status, (
            f"{persona} devrait recevoir {case.denied_status} sur {url}, reçu {response.status_code}"
        )
    for persona in case.allowed:
        client = client_for(persona)
        response = getattr(client, case.method)(url, data=case.data(world))
        assert response.status_code in case.expected_status, (
            f"{persona} devrait accéder à {url}, reçu {response.status_code}"
        )
