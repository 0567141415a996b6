"""Every response that shows a household's name logs a read of that household by its user (CNIL).

The crawl opens every URL of the access matrix (``tests/<app>/access_cases.py``) as each persona
allowed on it, as a page and as an htmx partial; when a successful response shows the name of a
household (its reference person's name, a member's last name) without a ``FileRead`` row for that
household and that user written during the request, it fails. A new page that forgets the read log
fails here as soon as it has its access case, which ``tests/test_every_url_is_scoped.py`` requires.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.households.models import Household, HouseholdMember
from tests.access import UrlCase
from tests.test_every_url_is_scoped import CASES

VARIANTS = {"page": {}, "htmx": {"HTTP_HX_REQUEST": "true"}}


def _named_households() -> dict[int, list[tuple[str, re.Pattern]]]:
    """Household id → patterns of its names as a page would print them (HTML-escaped, whole words:
    "Famille Exemple1" is not found inside "Famille Exemple12")."""
    names: dict[int, set[str]] = {}
    for pk, name in Household.objects.exclude(reference_name="").values_list("pk", "reference_name"):
        names.setdefault(pk, set()).add(name)
    # A member's last name alone: member forms show it in a field of its own.
    for pk, last_name in HouseholdMember.objects.values_list("household_id", "last_name"):
        names.setdefault(pk, set()).add(last_name)
    return {
        pk: [(n, re.compile(rf"(?<!\w){re.escape(html.escape(n))}(?!\w)")) for n in sorted(found)]
        for pk, found in names.items()
    }


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="ignore")


def _last_read_id() -> int:
    return FileRead.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("case", CASES, ids=[f"{c.method}:{c.url_name}{c.query}" for c in CASES])
def test_every_page_showing_a_name_logs_the_read(world, case: UrlCase):
    make_client = getattr(case, "client", None)
    unlogged = []
    for variant, headers in VARIANTS.items():
        for persona in case.allowed:
            url = reverse(case.url_name, kwargs=case.kwargs(world)) + case.query
            client = make_client(world, persona) if make_client else world.client_for(persona)
            before = _last_read_id()
            response = getattr(client, case.method)(url, data=case.data(world), **headers)
            if response.status_code != 200:
                continue
            # Who the application served: the persona's session, or the user of an API token.
            user = response.wsgi_request.user
            body = _body(response)
            # An anonymous visitor (a public page) has nobody to log: it must show no name at all.
            logged = (
                set(FileRead.objects.filter(pk__gt=before, user=user).values_list("household_id", flat=True))
                if user.is_authenticated
                else set()
            )
            for pk, names in _named_households().items():
                shown = [name for name, pattern in names if pattern.search(body)]
                if shown and pk not in logged:
                    unlogged.append(f"{persona} ({variant}) {url} : {shown[0]} sans lecture tracée")
    assert not unlogged, "Noms affichés sans ligne dans le journal des consultations :\n" + "\n".join(
        unlogged
    )
