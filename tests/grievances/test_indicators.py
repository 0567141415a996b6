import datetime as dt
from decimal import Decimal

from relogement.grievances.models import GrievanceStatus as G
from relogement.indicators.perimeter import PROJECT, Perimeter
from relogement.indicators.selectors import ALL, compute_for
from relogement.permissions.secrecy import count_hidden
from tests.grievances.builders import grievance_for

AS_OF = dt.date(2026, 3, 31)


def _result(world, user=ALL, as_of=AS_OF):
    return compute_for(user, Perimeter(PROJECT, str(world.project.pk), world.project.name), as_of)


def _closed(world, received, closed, category="loyer", household=None):
    return grievance_for(
        world, household=household, category=category, status=G.CLOSED, received_on=received, closed_on=closed
    )


def test_counts_and_medians_per_category(world):
    _closed(world, dt.date(2026, 1, 5), dt.date(2026, 1, 15))  # 10 days
    _closed(world, dt.date(2026, 1, 5), dt.date(2026, 1, 25))  # 20 days
    _closed(world, dt.date(2026, 1, 5), dt.date(2026, 2, 14))  # 40 days
    _closed(world, dt.date(2026, 2, 1), dt.date(2026, 4, 15))  # closed after the date: open then
    grievance_for(world, category="discrimination", received_on=dt.date(2026, 2, 2))
    grievance_for(world, category="loyer", received_on=dt.date(2026, 4, 2))  # after the date
    # Another project's household: outside the perimeter.
    _closed(world, dt.date(2026, 1, 5), dt.date(2026, 1, 6), household=world.household_other)
    values = _result(world).values
    assert values["processus.reclamations.loyer"] == 4
    assert values["processus.reclamations.discrimination"] == 1
    assert values["processus.reclamations.demenagement"] == 0
    assert values["processus.reclamations_delai_median.loyer"] == Decimal("20.00")
    assert values["processus.reclamations_delai_median.discrimination"] is None
    # Even count: mean of the two middle values.
    later = _result(world, as_of=dt.date(2026, 5, 1)).values
    assert later["processus.reclamations.loyer"] == 5
    assert later["processus.reclamations_delai_median.loyer"] == Decimal("30.00")  # 10, 20, 40, 73 days


def test_small_counts_hidden_from_the_metropolis_only(world):
    for day in range(3):
        _closed(world, dt.date(2026, 1, 5 + day), dt.date(2026, 1, 20))
    for _ in range(5):
        grievance_for(world, category="demenagement", received_on=dt.date(2026, 1, 5))
    metropolis, commune = world.users["metropolis"], world.users["commune"]
    result = _result(world, metropolis)
    assert count_hidden(metropolis, *result.bases["processus.reclamations.loyer"])
    assert count_hidden(metropolis, *result.bases["processus.reclamations_delai_median.loyer"])
    assert not count_hidden(metropolis, *result.bases["processus.reclamations.demenagement"])
    result = _result(world, commune)
    assert result.values["processus.reclamations.loyer"] == 3
    assert not count_hidden(commune, *result.bases["processus.reclamations.loyer"])


def test_dashboard_shows_the_grievance_rows_with_secrecy(world, client):
    _closed(world, dt.date(2026, 1, 5), dt.date(2026, 1, 20))
    client.force_login(world.users["metropolis"])
    page = client.get("/indicateurs/", {"perimetre": f"projet-{world.project.pk}", "date": "2026-03-31"})
    text = page.content.decode()
    assert "Réclamations : Loyer et charges" in text
    assert "Délai médian de traitement : Loyer et charges" in text
    assert "15,00" not in text  # the median of one grievance stays hidden


def test_no_household_loaded(world, django_assert_max_num_queries):
    _closed(world, dt.date(2026, 1, 5), dt.date(2026, 1, 20))
    from relogement.grievances.indicators import grievance_figures
    from relogement.households.models import Household

    with django_assert_max_num_queries(2):
        grievance_figures(Household.objects.all(), AS_OF, everything=True, ids=None)
