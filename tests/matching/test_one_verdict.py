"""Issue 14 §6: one building-risk verdict. The dashboard (page and building table), the demolition
calendar, the project page and the home pages of the project office and the commune give the same
verdict for the same buildings, including a planned demolition date already past."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus as S
from relogement.matching.risk import (
    LATE,
    NO_DATE,
    NO_PACE,
    ON_TIME,
    OVERDUE,
    VACATED,
    building_risks,
    verdict,
)
from tests import factories

TODAY = dt.date.today()


def test_verdict_definition():
    on = dt.date(2026, 1, 15)
    past, soon, far = dt.date(2025, 12, 1), dt.date(2026, 3, 1), dt.date(2030, 1, 1)
    assert verdict(remaining=3, planned=None, projected=None, on=on) is NO_DATE
    assert verdict(remaining=0, planned=past, projected=on, on=on) is VACATED
    # A past date is never "within 12 months": it is overdue, even with a good pace.
    assert verdict(remaining=3, planned=past, projected=soon, on=on) is OVERDUE
    assert OVERDUE.label.startswith("démolition prévue dépassée") and "12 mois" not in OVERDUE.label
    assert verdict(remaining=3, planned=far, projected=None, on=on) is NO_PACE
    assert verdict(remaining=3, planned=soon, projected=far, on=on) is LATE
    # Demolition in six weeks but the building empties before: on time.
    assert verdict(remaining=3, planned=soon, projected=dt.date(2026, 2, 1), on=on) is ON_TIME
    assert {v.at_risk for v in (OVERDUE, NO_PACE, LATE)} == {True}
    assert {v.at_risk for v in (NO_DATE, VACATED, ON_TIME)} == {False}


def _building(world, reference, planned, remaining, left):
    building = factories.BuildingFactory(
        operation__project=world.project,
        reference=reference,
        landlord=world.orgs["landlord"],
        commune=world.commune,
        planned_demolition_date=planned,
    )
    census = TODAY - dt.timedelta(days=600)
    for i in range(remaining + left):
        h = factories.HouseholdFactory(
            building=building,
            social_provider=world.orgs["social_a"],
            census_date=census,
            reference=f"{reference}-{i}",
            status=S.SEARCHING,
        )
        HouseholdStatusChange.objects.create(
            household=h, from_status=S.TO_DIAGNOSE, to_status=S.SEARCHING, effective_date=census
        )
        if i >= remaining:
            h.status, h.exit_reason = S.EXITED, "depart_autonome"
            h.save()
            HouseholdStatusChange.objects.create(
                household=h,
                from_status=S.SEARCHING,
                to_status=S.EXITED,
                effective_date=TODAY - dt.timedelta(days=40),
            )
    return building


@pytest.fixture
def site(world):
    # The world's BAT-A has no planned date (no verdict); these four have one.
    _building(world, "B-PASSEE", TODAY - dt.timedelta(days=30), remaining=2, left=3)
    _building(world, "B-LENT", TODAY + dt.timedelta(days=60), remaining=8, left=1)
    _building(world, "B-OK", TODAY + dt.timedelta(days=3000), remaining=2, left=3)
    _building(world, "B-ARRET", TODAY + dt.timedelta(days=2000), remaining=2, left=0)
    return world


EXPECTED = {"B-PASSEE": OVERDUE, "B-LENT": LATE, "B-ARRET": NO_PACE}


def _calendar_rows(html: str) -> dict[str, str]:
    """Building reference → verdict code, from the calendar block (calendar, project and home pages)."""
    rows = re.findall(r'<th scope="row">([^<]+)</th>.*?data-verdict="([a-z_]+)"', html, re.S)
    return dict(rows)


def _dashboard_items(html: str) -> dict[str, str]:
    """Building reference → its row's text, from the dashboard's buildings table (at-risk view)."""
    table = html.split('id="batiments-tableau"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>\s*<t[hd][^>]*>([^<]+)</t[hd]>(.*?)</tr>", table, re.S)
    return {ref.split(" (")[0].strip(): re.sub(r"<[^>]+>", " ", rest) for ref, rest in rows}


def test_every_page_gives_the_same_verdict(site):
    world = site
    mous = world.client_for("mous")
    risks = {r.building.reference: r.verdict for r in building_risks(world.users["mous"])}
    at_risk = {ref: v for ref, v in risks.items() if v.at_risk}
    assert {ref: at_risk[ref] for ref in EXPECTED} == EXPECTED
    assert risks["B-OK"] is ON_TIME and "B-OK" not in at_risk

    calendar = _calendar_rows(mous.get(reverse("matching:risk")).content.decode())
    assert {ref: code for ref, code in calendar.items() if ref.startswith("B-")} == {
        ref: v.code for ref, v in risks.items() if ref.startswith("B-")
    }
    project = _calendar_rows(mous.get(reverse("project_detail", args=[world.project.pk])).content.decode())
    assert project == {ref: v.code for ref, v in risks.items()}
    for persona in ("mous", "commune"):
        home = _calendar_rows(world.client_for(persona).get(reverse("home")).content.decode())
        assert home == {ref: v.code for ref, v in at_risk.items()}, persona
    html = mous.get(
        reverse("indicators:dashboard") + f"?perimetre=projet-{world.project.pk}"
    ).content.decode()
    rows = _dashboard_items(html)
    assert set(rows) == set(at_risk)  # the table shows the buildings at risk first, and only them
    for ref, found in at_risk.items():
        assert found.label in rows[ref], ref
    assert "moins de 12 mois" not in html
    # The dashboard's building table (also the exports and the PDF) says the same.
    d = mous.get(reverse("indicators:dashboard") + f"?perimetre=projet-{world.project.pk}").context["d"]
    column = {b.reference: b.risk for b in d.buildings}
    assert {ref: reason for ref, reason in column.items() if reason} == {
        ref: v.label for ref, v in at_risk.items()
    }


def test_home_of_other_roles_has_no_risk_block(site):
    html = site.client_for("social_a").get(reverse("home")).content.decode()
    assert "data-verdict" not in html
