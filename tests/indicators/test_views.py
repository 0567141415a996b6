"""Dashboard, drill-down, map, exports and PDF: rendering, secret statistique, scope, query counts."""

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relogement.accounts.models import OrganisationKind
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import Answer
from tests import factories
from tests.indicators.builders import household, proposal, rehouse, scenario

AS_OF = "2025-12-31"


@pytest.fixture
def s(db):
    return scenario()


def client_for(*orgs):
    client = Client()
    client.force_login(factories.UserFactory(organisations=list(orgs)))
    return client


@pytest.fixture
def mous(s):
    org = factories.OrganisationFactory(name="MOUS P", kind=OrganisationKind.PROJECT_OFFICE)
    org.projects.add(s.project)
    return client_for(org)


@pytest.fixture
def metropolis(s):
    return client_for(factories.OrganisationFactory(name="GIP", kind=OrganisationKind.METROPOLIS))


def dashboard(client, perimeter="", date=AS_OF, **extra):
    return client.get(reverse("indicators:dashboard"), {"perimetre": perimeter, "date": date, **extra})


def test_dashboard_shows_every_section_accessibly(s, mous):
    response = dashboard(mous, f"projet-{s.project.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Avancement", "Impact", "Processus", "Bâtiments à risque"):
        assert heading in html
    assert "Projet : Projet Lille P" in html
    # Charts: inline SVG with a title and a description, each followed by a captioned table.
    assert html.count('role="img"') >= 6
    for chart_id in re.findall(r'aria-labelledby="([\w-]+)-title \1-desc"', html):
        assert f'id="{chart_id}-title"' in html and f'id="{chart_id}-desc"' in html
    assert "<caption>" in html and 'scope="row"' in html and 'scope="col"' in html
    assert " style=" not in html
    assert "<script>" not in html
    # French formatting and the "how it is computed" text.
    assert "66,7\u00a0%" in html  # avancement.taux = 0.6667
    assert "235,00\u00a0€" in html  # impact.rac_avant_moyen
    assert "(Relogés définitivement + sortis sans relogement) ÷ recensés." in html
    # Counts link to the households behind them for roles with named data.
    assert reverse("indicators:drilldown") + "?perimetre=projet-" in html
    assert "Rapport du projet (PDF)" in html


def test_secret_statistique_for_the_metropolis(s, metropolis):
    html = dashboard(metropolis, f"projet-{s.project.pk}").content.decode()
    assert "secret statistique" in html
    assert "66,7\u00a0%" not in html  # the rate is computed from counts below 5
    assert "235,00\u00a0€" not in html  # mean over 2 households
    assert reverse("indicators:drilldown") not in html  # no list of households behind counts
    assert (
        metropolis.get(
            reverse("indicators:drilldown"),
            {"perimetre": f"projet-{s.project.pk}", "date": AS_OF, "indicateur": "avancement.recenses"},
        ).status_code
        == 404
    )


def test_perimeter_outside_scope_is_404(s):
    provider_a = client_for(s.provider_a)
    assert dashboard(provider_a, f"projet-{s.other_project.pk}").status_code == 404
    assert dashboard(provider_a, f"batiment-{s.b3.pk}").status_code == 404
    assert dashboard(provider_a, "commune-59512").status_code == 404  # B2, B3: no household of A there
    assert dashboard(provider_a, f"bailleur-{s.l2.pk}").status_code == 404
    assert dashboard(provider_a, "nimporte-quoi").status_code == 404
    assert dashboard(provider_a, f"projet-{s.project.pk}").status_code == 200
    assert dashboard(provider_a, f"batiment-{s.b1.pk}").status_code == 200
    assert dashboard(provider_a, "commune-59350").status_code == 200
    assert dashboard(provider_a, f"bailleur-{s.l1.pk}").status_code == 200


def test_perimeter_choices_are_only_in_scope(s):
    html = dashboard(client_for(s.provider_a)).content.decode()
    assert "Projet Lille P" in html
    assert "Projet Roubaix Q" not in html
    assert f'value="batiment-{s.b3.pk}"' not in html


def test_bad_date_is_announced_and_today_used(s, mous):
    response = dashboard(mous, date="31/12/2025")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "Date invalide" in response.content.decode()


def test_drilldown_lists_the_households_behind_a_count(s, mous):
    response = mous.get(
        reverse("indicators:drilldown"),
        {"perimetre": f"projet-{s.project.pk}", "date": AS_OF, "indicateur": "avancement.restant_a_reloger"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert s.h["h3"].reference in html and s.h["h5"].reference in html
    assert s.h["h1"].reference not in html
    assert "2 ménage(s)" in html
    bad = mous.get(reverse("indicators:drilldown"), {"indicateur": "impact.pct_hors_qpv"})
    assert bad.status_code == 404


def test_drilldown_is_scoped(s):
    provider_a = client_for(s.provider_a)
    html = provider_a.get(
        reverse("indicators:drilldown"), {"date": AS_OF, "indicateur": "avancement.recenses"}
    ).content.decode()
    assert s.h["h1"].reference in html
    assert s.h["h3"].reference not in html  # provider B's household


def _exported(client, table, **params):
    response = client.get(
        reverse("indicators:export"), {"date": AS_OF, "table": table, "format": "csv", **params}
    )
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_a_landlord_counts_the_households_of_its_buildings_only(s):
    """A household of another landlord's building positioned on the landlord's offer is in its lists
    (to answer the proposal) but not in its indicators: it belongs to the perimeters of its origin."""
    offer = factories.HousingOfferFactory(landlord=s.l1)
    positioned = proposal(s.h["h8"], notified=dt.date(2025, 5, 1), answer=Answer.PENDING)
    positioned.offer = offer
    positioned.save()
    landlord = client_for(s.l1)
    assert landlord.get(reverse("households:detail", kwargs={"pk": s.h["h8"].pk})).status_code == 200

    html = dashboard(landlord).content.decode()
    assert "ménages de vos bâtiments" in html
    progress = {r[0]: r[1] for r in _exported(landlord, "avancement")[1:]}
    assert progress["Ménages recensés"] == "5"  # h1–h5 of B1, not h8 of B2
    buildings = [r[0] for r in _exported(landlord, "batiments")[1:]]
    assert any("B1" in b for b in buildings) and not any("B2" in b for b in buildings)
    listed = landlord.get(
        reverse("indicators:drilldown"), {"date": AS_OF, "indicateur": "avancement.recenses"}
    ).content.decode()
    assert s.h["h1"].reference in listed and s.h["h8"].reference not in listed
    flows = _exported(landlord, "flux")
    assert not any("Roubaix" in cell for row in flows[1:] for cell in row[:1])  # h8 left B2 (Roubaix)

    # The other roles keep their scope: the project office of P counts h8 of B2.
    org = factories.OrganisationFactory(name="MOUS P", kind=OrganisationKind.PROJECT_OFFICE)
    org.projects.add(s.project)
    progress = {r[0]: r[1] for r in _exported(client_for(org), "avancement")[1:]}
    assert progress["Ménages recensés"] == "6"
    assert "ménages de vos bâtiments" not in dashboard(client_for(org)).content.decode()


def test_exports_carry_exact_values_for_named_roles(s, mous):
    base = {"perimetre": f"projet-{s.project.pk}", "date": AS_OF}
    response = mous.get(reverse("indicators:export"), {**base, "table": "avancement", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Indicateur", "Valeur", "Mode de calcul"]
    by_label = {r[0]: r[1] for r in rows[1:]}
    assert by_label["Ménages recensés"] == "6"
    assert by_label["Taux d'avancement"] == "0.6667"
    xlsx = mous.get(reverse("indicators:export"), {**base, "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    assert {"Avancement", "Statuts", "Bâtiments", "Impact", "Reste à charge", "Motifs de refus"} <= set(
        wb.sheetnames
    )
    assert wb["Avancement"]["A2"].value == "Indicateur"  # under the title row
    assert wb["Avancement"]["B3"].value == 6
    ods = mous.get(reverse("indicators:export"), {**base, "table": "statuts", "format": "ods"})
    assert (
        zipfile.ZipFile(io.BytesIO(ods.content)).read("mimetype")
        == b"application/vnd.oasis.opendocument.spreadsheet"
    )
    assert mous.get(reverse("indicators:export"), {**base, "format": "pdf"}).status_code == 400
    assert mous.get(reverse("indicators:export"), {**base, "table": "inconnu"}).status_code == 400


def test_exports_apply_the_secret_for_the_metropolis(s, metropolis):
    response = metropolis.get(
        reverse("indicators:export"),
        {"perimetre": f"projet-{s.project.pk}", "date": AS_OF, "table": "avancement", "format": "csv"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_label = {r[0]: r[1] for r in rows[1:]}
    assert by_label["Ménages recensés"] == "6"
    assert by_label["Relogés définitivement"] == "< 5"
    assert by_label["Taux d'avancement"] == "< 5"


def test_project_report_pdf(s, mous):
    response = mous.get(reverse("indicators:project_report", kwargs={"pk": s.project.pk}), {"date": AS_OF})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        client_for(s.provider_a)
        .get(reverse("indicators:project_report", kwargs={"pk": s.other_project.pk}))
        .status_code
        == 404
    )


def test_map_with_outlines_flows_and_table(s, mous):
    def square(x, y):
        return {
            "type": "Polygon",
            "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]],
        }

    s.lille.outline = square(3.0, 50.6)
    s.lille.save()
    s.roubaix.outline = {"type": "MultiPolygon", "coordinates": [square(3.15, 50.68)["coordinates"]]}
    s.roubaix.save()
    response = mous.get(reverse("indicators:map"), {"perimetre": f"projet-{s.project.pk}", "date": AS_OF})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="commune') == 2
    assert 'class="flow"' in html  # Lille → Roubaix (h2)
    assert "Flux de relogement" in html
    assert 'Part des relogés (originaires) en <abbr title="quartier prioritaire' in html
    assert " style=" not in html
    dest = mous.get(
        reverse("indicators:map"),
        {"perimetre": f"projet-{s.project.pk}", "date": AS_OF, "mode": "destination"},
    )
    assert "commune de destination" in dest.content.decode()


def _grow(building, n):
    commune = building.commune
    for i in range(n):
        h = household(
            building,
            census=dt.date(2024, 1, 1),
            history=[(dt.date(2024, 1, 1), S.TO_DIAGNOSE), (dt.date(2025, 1, 1 + i % 20), S.REHOUSED)],
        )
        rehouse(h, move_in=dt.date(2025, 1, 1 + i % 20), commune=commune, housing_stock="social")


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["indicators:dashboard", "indicators:map"])
def test_constant_number_of_queries(s, mous, url_name):
    params = {"perimetre": f"projet-{s.project.pk}", "date": AS_OF}
    url = reverse(url_name)
    _queries(mous, url, params)  # warm caches (map shapes, session)
    small = _queries(mous, url, params)
    _grow(s.b1, 15)
    _grow(s.b2, 15)
    # The first read after writes also refreshes the facts of the new households (a constant number of
    # statements, tested in test_facts.py); the count compared is the steady one.
    _queries(mous, url, params)
    assert _queries(mous, url, params) == small


def test_indicators_command_json(s, capsys):
    from django.core.management import call_command

    call_command("indicators", "--project", "LILLE-P", "--as-of", AS_OF, "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["avancement.recenses"] == 6
    assert data["avancement.taux"] == 0.6667
    assert data["impact.rac_avant_moyen"] == 235.0
    assert data["processus.motifs_refus.trop_cher"] == 2
    call_command("indicators", "--project", "projet lille p", "--as-of", AS_OF)
    assert json.loads(capsys.readouterr().out)["avancement.recenses"] == 6
    call_command("indicators", "--commune", "59512", "--as-of", AS_OF)
    assert json.loads(capsys.readouterr().out)["avancement.recenses"] == 2
    call_command("indicators", "--landlord", "bailleur un", "--as-of", AS_OF)
    assert json.loads(capsys.readouterr().out)["avancement.recenses"] == 5
    call_command("indicators", "--as-of", "2020-01-01")
    empty = json.loads(capsys.readouterr().out)
    assert empty["avancement.recenses"] == 0 and empty["avancement.taux"] is None


@pytest.mark.parametrize(
    "args,message",
    [
        (["--project", "inconnu"], "Projet inconnu"),
        (["--commune", "99999"], "Commune inconnue"),
        (["--landlord", "personne"], "Bailleur inconnu"),
        (["--as-of", "31/12/2025"], "Date invalide"),
        (["--format", "xml"], "Format inconnu"),
        (["--project", "lille-p", "--commune", "59350"], "un seul périmètre"),
    ],
)
def test_indicators_command_bad_arguments(s, args, message):
    """A CommandError: manage.py prints it on standard error and exits with status 1."""
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=message):
        call_command("indicators", *args)


def test_figures_are_cached_until_the_data_change(s, mous, settings):
    settings.INDICATORS_CACHE_SECONDS = 600
    params = {"perimetre": f"projet-{s.project.pk}", "date": AS_OF}
    url = reverse("indicators:dashboard")
    first = _queries(mous, url, params)
    second = _queries(mous, url, params)
    assert second < first
    assert ">6<" in mous.get(url, params).content.decode().replace("</a>", "<").replace('">', ">")
    household(s.b1, census=dt.date(2024, 5, 1), history=[(dt.date(2024, 5, 1), S.SEARCHING)])
    html = mous.get(url, params).content.decode()
    assert "Ménages recensés" in html
    from relogement.indicators.perimeter import Perimeter
    from relogement.indicators.selectors import ALL, compute_for

    assert (
        compute_for(ALL, Perimeter("projet", str(s.project.pk)), dt.date(2025, 12, 31)).values[
            "avancement.recenses"
        ]
        == 7
    )
    assert ">7<" in html.replace("</a>", "<").replace('">', ">")


def test_perimeter_choices_are_kept_for_the_data_version(s, metropolis, cache_on):
    """The dashboard's perimeter selector (communes, projects, landlords of the scope) is not scanned
    again on every view, and a new or renamed project shows at once (its history moves the version)."""
    url = reverse("indicators:dashboard")
    params = {"date": AS_OF}
    metropolis.get(url, params)
    with CaptureQueriesContext(connection) as ctx:
        assert metropolis.get(url, params).status_code == 200
    assert not [
        q for q in ctx.captured_queries if 'FROM "territory_commune"' in q["sql"] and "MAX(" not in q["sql"]
    ]
    project = factories.ProjectFactory(name="Projet Zéphyr")
    assert "Projet Zéphyr" in metropolis.get(url, params).content.decode()
    project.name = "Projet Aquilon"
    project.save()
    html = metropolis.get(url, params).content.decode()
    assert "Projet Aquilon" in html and "Projet Zéphyr" not in html


def test_map_applies_the_secret_for_the_metropolis(s, metropolis):
    s.lille.outline = {
        "type": "Polygon",
        "coordinates": [[[3.0, 50.6], [3.1, 50.6], [3.1, 50.7], [3.0, 50.6]]],
    }
    s.lille.save()
    s.roubaix.outline = {
        "type": "Polygon",
        "coordinates": [[[3.2, 50.6], [3.3, 50.6], [3.3, 50.7], [3.2, 50.6]]],
    }
    s.roubaix.save()
    html = metropolis.get(reverse("indicators:map"), {"date": AS_OF}).content.decode()
    assert "url(#secret-hatch)" in html  # Roubaix: 2 households of origin
    assert 'class="flow"' not in html  # every flow is below 5
    assert "&lt; 5" in html


def test_progress_rate_is_hidden_when_a_count_it_uses_is_small(s, metropolis):
    # Metropolis: 7 census households, 4 rehoused and 1 exited → the rate (5 / 7) uses counts below 5.
    html = dashboard(metropolis).content.decode()
    assert "71,4\u00a0%" not in html


def test_building_counts_link_to_their_households(s, mous):
    import html as html_lib
    import re
    from urllib.parse import parse_qs, urlsplit

    html = dashboard(mous, f"projet-{s.project.pk}").content.decode()
    links = [html_lib.unescape(h) for h in re.findall(r'href="([^"]*perimetre=batiment-[^"]*)"', html)]
    queries = [parse_qs(urlsplit(link).query) for link in links]
    expected = {
        "perimetre": [f"batiment-{s.b1.pk}"],
        "date": ["2025-12-31"],
        "indicateur": ["avancement.restant_a_reloger"],
    }
    assert expected in queries
    # And the link opens the households of that building remaining to rehouse.
    link = links[queries.index(expected)]
    page = mous.get(link)
    assert page.status_code == 200
    assert s.h["h5"].reference in page.content.decode()
    assert s.h["h4"].reference not in page.content.decode()  # exited: not remaining
