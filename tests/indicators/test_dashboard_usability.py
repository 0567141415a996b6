"""Issue 18 (dashboard) and 19 (light pages): contents bar, monthly burn-down by project, buildings as a
sortable paginated table, perimeter search, "effectifs trop faibles", durations, formatted exports."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.urls import reverse

from relogement.households.statuses import HouseholdStatus as S
from relogement.indicators import registry
from relogement.indicators.burndown import TOTAL_LABEL, building_progress, project_progress
from relogement.indicators.perimeter import METROPOLIS_PERIMETER, PROJECT, Perimeter
from relogement.indicators.selectors import ALL, scoped_households
from relogement.indicators.tables import Cell
from relogement.indicators.templatetags.indicators_tags import kpi_html
from tests import factories
from tests.indicators.builders import household, scenario
from tests.indicators.test_views import AS_OF, _queries, client_for, dashboard

D = dt.date


@pytest.fixture
def s(db):
    return scenario()


@pytest.fixture
def mous(s):
    from relogement.accounts.models import OrganisationKind

    org = factories.OrganisationFactory(name="MOUS P", kind=OrganisationKind.PROJECT_OFFICE)
    org.projects.add(s.project)
    return client_for(org)


@pytest.fixture
def metropolis(s):
    from relogement.accounts.models import OrganisationKind

    return client_for(factories.OrganisationFactory(name="GIP", kind=OrganisationKind.METROPOLIS))


def _progress(perimeter, as_of):
    households = scoped_households(ALL, perimeter)
    return {p.project: dict(p.series) for p in project_progress(building_progress(households, as_of), as_of)}


# Burn-down by project -------------------------------------------------------------------------------


def test_monthly_burndown_of_a_project(s):
    """Project P: B1 has h1..h5 censused in January 2024 (h6, a split, is not a census household), B2
    has h8 censused in June 2024. h1 rehoused in March 2025, h4 exited in April, h2 rehoused in June,
    h8 in October; h3 (temporary) and h5 (moves in in 2026) remain."""
    progress = _progress(Perimeter(PROJECT, str(s.project.pk)), D(2025, 12, 31))
    assert list(progress) == [TOTAL_LABEL, "Projet Lille P"]
    total = progress[TOTAL_LABEL]
    assert total == progress["Projet Lille P"]
    assert len(total) == 24 and min(total) == D(2024, 1, 1) and max(total) == D(2025, 12, 1)
    expected = {
        D(2024, 1, 1): 5,
        D(2024, 5, 1): 5,
        D(2024, 6, 1): 6,
        D(2025, 2, 1): 6,
        D(2025, 3, 1): 5,
        D(2025, 4, 1): 4,
        D(2025, 5, 1): 4,
        D(2025, 6, 1): 3,
        D(2025, 9, 1): 3,
        D(2025, 10, 1): 2,
        D(2025, 12, 1): 2,
    }
    assert {m: total[m] for m in expected} == expected


def test_monthly_burndown_as_of_an_earlier_date_and_per_project(s):
    """The metropolis adds project Q (B3: h9 censused in January 2024, rehoused in January 2025); as of
    2025-05-31 the series stops in May 2025 and knows nothing of the later moves."""
    progress = _progress(METROPOLIS_PERIMETER, D(2025, 5, 31))
    assert list(progress) == [TOTAL_LABEL, "Projet Lille P", "Projet Roubaix Q"]  # largest census first
    total, q = progress[TOTAL_LABEL], progress["Projet Roubaix Q"]
    assert max(total) == D(2025, 5, 1)
    assert (q[D(2024, 12, 1)], q[D(2025, 1, 1)], q[D(2025, 5, 1)]) == (1, 0, 0)
    assert (total[D(2024, 1, 1)], total[D(2024, 6, 1)], total[D(2025, 1, 1)]) == (6, 7, 6)
    assert (total[D(2025, 3, 1)], total[D(2025, 4, 1)], total[D(2025, 5, 1)]) == (5, 4, 4)
    for month in total:
        assert total[month] == progress["Projet Lille P"][month] + q[month]


def test_dashboard_has_a_contents_bar_and_the_progress_chart(s, mous):
    html = dashboard(mous, f"projet-{s.project.pk}").content.decode()
    nav = re.search(r'<nav aria-label="Sommaire du tableau de bord".*?</nav>', html, re.S).group(0)
    for anchor, label in (("avancement", "Avancement"), ("impact", "Impact"), ("processus", "Processus")):
        assert f'<a class="nav-link" href="#{anchor}">{label}</a>' in nav
        assert f'<section id="{anchor}"' in html
    assert 'href="#batiments">Bâtiments</a>' in nav and '<section id="batiments"' in html
    # The chart, described, then its table (the screen-reader alternative) with the monthly values.
    assert 'aria-labelledby="chart-progression-title chart-progression-desc"' in html
    assert html.count('class="burndown-line"') == 1  # one project: its line is the whole perimeter's
    table = re.search(r'<table[^>]*id="table-progression".*?</table>', html, re.S).group(0)
    assert '<th scope="row">06/2025</th><td class="text-end text-nowrap">3</td>' in table
    assert '<th scope="row">10/2025</th><td class="text-end text-nowrap">2</td>' in table


def test_no_chart_left_blank_by_the_secret(s, metropolis):
    html = dashboard(metropolis, f"projet-{s.project.pk}").content.decode()
    # Every count of project P is below 5 from March 2025 on, and the statuses are all below 5.
    assert "Effectifs trop faibles" in html
    figures = re.findall(r'<figure class="chart[^"]*"[^>]*>(.*?)</figure>', html, re.S)
    assert figures
    for figure in figures:
        assert "<svg" in figure or "Effectifs trop faibles" in figure
    assert 'id="chart-statuts-title"' not in html  # every status count is hidden: no empty axes
    # The table under the progress chart says "< 5" where the chart could not draw.
    table = re.search(r'<table[^>]*id="table-progression".*?</table>', html, re.S).group(0)
    assert "06/2025" in table and "&lt; 5" in table
    # The metropolis: the whole perimeter (6 then 7 households) and P are drawn; Q (one household)
    # is named in the legend as too small rather than drawn as an empty line.
    html = dashboard(metropolis, "metropole").content.decode()
    chart = re.search(r'<svg[^>]*aria-labelledby="chart-progression-title.*?</svg>', html, re.S).group(0)
    assert 'data-series="Ensemble du périmètre"' in chart and 'data-series="Projet Lille P"' in chart
    assert 'data-series="Projet Roubaix Q"' not in chart
    assert "Projet Roubaix Q (effectifs trop faibles)" in chart


def test_durations_in_whole_days_or_months():
    days = registry.BY_ID["processus.delai_median_jours"]
    assert Cell(802.5, days.kind, unit=days.unit).display == "26\u00a0mois"
    assert Cell(45.4, days.kind, unit=days.unit).display == "45\u00a0jours"
    assert Cell(89.6, days.kind, unit=days.unit).display == "90\u00a0jours"
    assert Cell(90, days.kind, unit=days.unit).display == "3\u00a0mois"
    assert str(kpi_html(Cell(802.5, days.kind, unit=days.unit))) == (
        '<span class="text-nowrap">26</span> <span class="fs-6">mois</span>'
    )


# Buildings table and light pages ---------------------------------------------------------------------


def _many_buildings(s, n):
    """``n`` buildings of project P, building i with i % 3 + 1 households still there, demolition
    passed (every one at risk)."""
    for i in range(n):
        b = factories.BuildingFactory(
            operation=s.b1.operation,
            reference=f"Z-{i:03d}",
            commune=s.lille,
            landlord=s.l1,
            planned_demolition_date=D(2025, 6, 30),
        )
        for _ in range(i % 3 + 1):
            household(b, census=D(2024, 1, 1), history=[(D(2024, 1, 1), S.TO_DIAGNOSE)])


def _body_rows(html):
    table = re.search(r'<table[^>]*id="table-batiments".*?</table>', html, re.S).group(0)
    return re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table)


def test_buildings_table_is_paginated_sortable_and_the_page_light(s, mous):
    _many_buildings(s, 260)
    response = dashboard(mous)
    html = response.content.decode()
    assert len(response.content) < 150 * 1024
    assert "batiment-" not in re.search(r'<select[^>]*id="perimetre".*?</select>', html, re.S).group(0)
    rows = _body_rows(html)
    assert len(rows) == 50  # first page of the buildings at risk
    assert "page 1 sur 6" in html  # 260 at risk (B1 and B2 are not: departures, or none left)
    url = reverse("indicators:buildings")
    params = {"perimetre": "metropole", "date": AS_OF, "vue": "risque", "tri": "restant", "ordre": "desc"}
    part = mous.get(url, params, headers={"HX-Request": "true"})
    assert part.status_code == 200
    fragment = part.content.decode()
    assert not fragment.lstrip().startswith("<!DOCTYPE") and 'id="batiments-tableau"' in fragment
    assert 'aria-sort="descending"' in fragment
    remaining = [int(re.findall(r">(\d+)<", cells)[1]) for _, cells in _body_rows(fragment)]
    assert remaining == sorted(remaining, reverse=True) and remaining[0] == 3
    ascending = mous.get(url, {**params, "ordre": "asc", "page": 6}, headers={"HX-Request": "true"})
    last = [int(re.findall(r">(\d+)<", cells)[1]) for _, cells in _body_rows(ascending.content.decode())]
    assert last == sorted(last) and last[-1] == 3 and len(last) == 10
    by_name = mous.get(url, {**params, "tri": "batiment", "ordre": "asc"}, headers={"HX-Request": "true"})
    names = [name for name, _ in _body_rows(by_name.content.decode())]
    assert names[0].startswith("Z-000 ") and names[1].startswith("Z-001 ")
    # Without htmx, the same table in a page of its own (links work without JavaScript).
    page = mous.get(url, params).content.decode()
    assert "<h1" in page and 'id="batiments-tableau"' in page


def test_buildings_page_keeps_a_constant_number_of_queries(s, mous):
    url = reverse("indicators:buildings")
    params = {"perimetre": f"projet-{s.project.pk}", "date": AS_OF, "tri": "restant", "vue": "tous"}
    _queries(mous, url, params)
    small = _queries(mous, url, params)
    _many_buildings(s, 20)
    _queries(mous, url, params)
    assert _queries(mous, url, params) == small


def test_buildings_table_is_scoped(s):
    provider_a = client_for(s.provider_a)
    url = reverse("indicators:buildings")
    assert provider_a.get(url, {"perimetre": f"batiment-{s.b3.pk}"}).status_code == 404
    html = provider_a.get(url, {"date": AS_OF, "vue": "tous"}).content.decode()
    names = [name for name, _ in _body_rows(html)]
    assert any(n.startswith("B1 ") for n in names) and not any(n.startswith("B3 ") for n in names)


def test_perimeter_search_within_the_scope(s, mous):
    url = reverse("indicators:perimeter_search")
    found = mous.get(url, {"q": "b1", "date": AS_OF}, headers={"HX-Request": "true"}).content.decode()
    assert f"perimetre=batiment-{s.b1.pk}&amp;date={AS_OF}" in found
    assert "Aucun périmètre" in mous.get(url, {"q": "B3"}, headers={"HX-Request": "true"}).content.decode()
    assert "Roubaix Q" not in mous.get(url, {"q": "Roubaix"}, headers={"HX-Request": "true"}).content.decode()
    assert "au moins 2" in mous.get(url, {"q": "B"}, headers={"HX-Request": "true"}).content.decode()
    provider_a = client_for(s.provider_a)
    own = provider_a.get(url, {"q": "Projet"}, headers={"HX-Request": "true"}).content.decode()
    assert "Projet Lille P" in own and "Projet Roubaix Q" not in own
    # The search page itself works without JavaScript.
    page = mous.get(url, {"q": "lille"}).content.decode()
    assert "<h1" in page and f"perimetre=projet-{s.project.pk}" in page and "commune-59350" in page


def test_the_chosen_building_stays_in_the_selector(s, mous):
    html = dashboard(mous, f"batiment-{s.b1.pk}").content.decode()
    select = re.search(r'<select[^>]*id="perimetre".*?</select>', html, re.S).group(0)
    assert f'value="batiment-{s.b1.pk}" selected' in select
    assert f'value="batiment-{s.b2.pk}"' not in select


# Exports --------------------------------------------------------------------------------------------


def _export(client, s, fmt, table=""):
    params = {"perimetre": f"projet-{s.project.pk}", "date": AS_OF, "format": fmt}
    if table:
        params["table"] = table
    response = client.get(reverse("indicators:export"), params)
    assert response.status_code == 200
    return response.content


def test_xlsx_export_reads_like_a_workbook(s, mous):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(_export(mous, s, "xlsx")))
    assert "Progression mensuelle" in wb.sheetnames and "Bâtiments" in wb.sheetnames
    ws = wb["Avancement"]
    assert ws["A1"].value == ("Avancement : indicateurs — Projet : Projet Lille P — situation au 31/12/2025")
    assert ws["A2"].value == "Indicateur" and ws["A2"].font.bold
    assert ws.freeze_panes == "A3"
    by_label = {row[0].value: row[1] for row in ws.iter_rows(min_row=3) if row[0].value}
    assert ws.auto_filter.ref == f"A2:C{2 + len(by_label)}"  # the header and the data
    statuses = wb["Statuts"]  # a table with a note: below the filtered range, after a blank row
    assert statuses.auto_filter.ref == f"A2:B{statuses.max_row - 2}"
    rate = by_label["Taux d'avancement"]
    assert rate.value == pytest.approx(0.6667) and rate.number_format == "0.0%"
    assert by_label["Ménages recensés"].number_format == "#,##0"
    buildings = wb["Bâtiments"]
    assert buildings["D2"].value == "Démolition prévue"
    demolition = buildings["D3"]
    assert isinstance(demolition.value, dt.datetime) and demolition.number_format == "DD/MM/YYYY"
    assert demolition.value.date() == s.b1.planned_demolition_date
    progress = wb["Progression mensuelle"]
    assert progress.freeze_panes == "A3" and progress["A3"].value == dt.datetime(2024, 1, 1)
    assert progress["A3"].number_format == "MM/YYYY" and progress["B3"].value == 5


def test_ods_export_reads_like_a_workbook(s, mous):
    archive = zipfile.ZipFile(io.BytesIO(_export(mous, s, "ods")))
    content = archive.read("content.xml").decode()
    assert 'table:name="Avancement"' in content and 'table:name="Bâtiments"' in content
    assert "Projet : Projet Lille P — situation au 31/12/2025" in content
    assert 'office:value-type="percentage" office:value="0.6667"' in content
    assert re.search(r'office:value-type="date" office:date-value="\d{4}-\d{2}-\d{2}"', content)
    assert "<number:percentage-style" in content
    assert 'table:display-filter-buttons="true"' in content
    assert "&apos;Avancement&apos;.A2:&apos;Avancement&apos;.C" in content or "'Avancement'.A2" in content
    settings = archive.read("settings.xml").decode()
    assert 'config:name="VerticalSplitPosition"' in settings and 'config:name="Avancement"' in settings


def test_perimeter_search_keeps_a_constant_number_of_queries(s, mous):
    url = reverse("indicators:perimeter_search")
    params = {"q": "Z-", "date": AS_OF}
    _queries(mous, url, params)
    few = _queries(mous, url, params)
    _many_buildings(s, 30)
    page = mous.get(url, params, headers={"HX-Request": "true"}).content.decode()
    assert page.count("<li>") == 20 and "précisez la recherche" in page  # 30 matches, 20 shown
    assert _queries(mous, url, params) == few
