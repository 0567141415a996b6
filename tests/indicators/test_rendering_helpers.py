"""Rendering helpers of the indicator tables, and a boundary of the "new housing" share."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.indicators.perimeter import PROJECT, Perimeter
from relogement.indicators.selectors import ALL, compute, scoped_households
from relogement.indicators.tables import Cell, Table, text
from relogement.indicators.templatetags.indicators_tags import perimeter_options, table_rows
from tests.indicators.builders import scenario


@pytest.fixture
def s(db):
    return scenario()


def test_table_rows_escape_and_empty_message():
    table = Table("t", "Légende", ["Libellé", "Valeur"], [[text("<b>B1</b>"), Cell(3, "count")]])
    html = table_rows(table)
    assert '<th scope="row">&lt;b&gt;B1&lt;/b&gt;</th>' in html
    assert '<td class="text-end text-nowrap">3</td>' in html
    empty = table_rows(Table("t", "Légende", ["Libellé", "Valeur"], []))
    assert 'colspan="2"' in empty and "Aucune donnée pour ce périmètre à cette date." in empty


def test_perimeter_options_mark_the_selected_one():
    html = perimeter_options(
        [("Projets", [("projet-1", "A & B"), ("projet-2", "C")]), ("Vide", [])], "projet-2"
    )
    assert '<optgroup label="Projets">' in html and "Vide" not in html
    assert '<option value="projet-1">A &amp; B</option>' in html
    assert '<option value="projet-2" selected>C</option>' in html


@pytest.mark.parametrize(
    ("commissioning", "move_in", "new"),
    [
        (dt.date(2020, 2, 29), dt.date(2025, 2, 28), True),  # 2025-02-28 < "2025-02-29"
        (dt.date(2020, 2, 29), dt.date(2025, 3, 1), False),  # 29 February + 5 years = 1 March
        (dt.date(2019, 3, 1), dt.date(2024, 2, 29), True),
        (dt.date(2019, 2, 28), dt.date(2024, 2, 28), False),
        (dt.date(2019, 2, 28), dt.date(2024, 2, 27), True),
    ],
)
def test_new_housing_five_years_boundary(s, commissioning, move_in, new):
    from relogement.rehousing.models import Rehousing, RehousingKind

    Rehousing.objects.filter(household=s.h["h1"], kind=RehousingKind.DEFINITIVE).update(
        commissioning_date=commissioning, move_in_date=move_in
    )
    # D = h1 h2 h6 h8; only h1 can be new (h6 no date, h8 commissioned in 2015, h2 private).
    assert compute(
        scoped_households(ALL, Perimeter(PROJECT, str(s.project.pk))), dt.date(2025, 12, 31)
    ).values["impact.pct_neuf_moins_5_ans"] == (Decimal("0.2500") if new else Decimal("0.0000"))


def test_key_figure_keeps_its_number_whole_and_lets_the_unit_wrap():
    from relogement.indicators import registry
    from relogement.indicators.templatetags.indicators_tags import kpi_html

    html = kpi_html(Cell(Decimal("802.50"), registry.MEDIAN, unit="jours"))
    assert html == '<span class="text-nowrap">26</span> <span class="fs-6">mois</span>'  # whole months
    from relogement.core.formatting import NBSP

    area = kpi_html(Cell(Decimal("1234.50"), registry.MEAN, unit="m²"))
    assert area == f'<span class="text-nowrap">1{NBSP}234,50</span> <span class="fs-6">m²</span>'
    assert kpi_html(Cell(12, registry.COUNT)) == "12"
    assert "&lt; 5" in kpi_html(Cell(3, registry.COUNT, hidden=True))
