"""Post-rehousing follow-ups: milestones, due list, recording, scoping."""

import datetime as dt

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.followup.dates import add_months
from relogement.followup.models import FollowUp
from relogement.followup.selectors import due_followups_for
from relogement.followup.services import followup_milestones_ensure, followup_record
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories

TODAY = dt.date(2026, 3, 1)


def _rehouse(world, household, move_in=dt.date(2025, 1, 31)):
    return Rehousing.objects.create(
        household=household, kind=RehousingKind.DEFINITIVE, move_in_date=move_in, commune=world.commune
    )


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 15), 24) == dt.date(2026, 1, 15)
    assert add_months(dt.date(2026, 3, 1), -36) == dt.date(2023, 3, 1)


def test_due_followups_for_social_worker(world):
    _rehouse(world, world.household_a)
    _rehouse(world, world.household_b)
    # Temporary rehousing: no follow-up.
    Rehousing.objects.create(
        household=world.household_other,
        kind=RehousingKind.TEMPORARY,
        move_in_date=dt.date(2025, 1, 1),
        commune=world.commune,
    )
    due = due_followups_for(world.users["social_a"], today=TODAY)
    assert [(m.household, m.months_after, m.due_date, m.overdue) for m in due] == [
        (world.household_a, 6, dt.date(2025, 7, 31), True),
        (world.household_a, 12, dt.date(2026, 1, 31), True),
    ]
    FollowUp.objects.create(
        household=world.household_a,
        months_after=6,
        due_date=dt.date(2025, 7, 31),
        done_on=dt.date(2025, 8, 2),
    )
    assert [m.months_after for m in due_followups_for(world.users["social_a"], today=TODAY)] == [12]
    assert due_followups_for(world.users["mous"], today=TODAY) == []
    assert [m.household for m in due_followups_for(world.users["social_b"], today=TODAY)] == [
        world.household_b,
        world.household_b,
    ]


def test_due_followups_query_count_is_constant(world, django_assert_max_num_queries):
    for _ in range(15):
        household = factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"]
        )
        _rehouse(world, household)
    user = world.users["social_a"]
    user.active_organisation  # noqa: B018 - loaded once per request by the middleware
    with django_assert_max_num_queries(2):
        assert len(due_followups_for(user, today=TODAY)) == 30


def test_record_creates_milestones_and_validates(world):
    _rehouse(world, world.household_a, move_in=dt.date(2025, 1, 31))
    actor = world.users["social_a"]
    with pytest.raises(DomainError, match="futur"):
        followup_record(household=world.household_a, months_after=6, done_on=dt.date(2099, 1, 1), actor=actor)
    with pytest.raises(DomainError, match="précéder l'emménagement"):
        followup_record(household=world.household_a, months_after=6, done_on=dt.date(2025, 1, 1), actor=actor)
    with pytest.raises(DomainError, match="6, 12 ou 24"):
        followup_record(household=world.household_a, months_after=3, done_on=dt.date(2025, 8, 1), actor=actor)
    assert not FollowUp.objects.exists()
    followup = followup_record(
        household=world.household_a,
        months_after=6,
        done_on=dt.date(2025, 8, 1),
        actor=actor,
        home_satisfaction="peu_satisfait",
        works_needed=True,
        works_note="Fenêtre de la chambre",
        rent_arrears=False,
    )
    assert followup.due_date == dt.date(2025, 7, 31) and followup.author == actor
    assert followup.history.first().history_change_reason == "Suivi à 6 mois réalisé"
    assert sorted(FollowUp.objects.values_list("months_after", flat=True)) == [6, 12, 24]


def test_record_needs_definitive_rehousing(world):
    with pytest.raises(DomainError, match="pas de relogement définitif"):
        followup_milestones_ensure(household=world.household_b)


def test_milestones_follow_corrected_move_in(world):
    rehousing = _rehouse(world, world.household_a, move_in=dt.date(2025, 1, 31))
    followup_milestones_ensure(household=world.household_a)
    rehousing.move_in_date = dt.date(2025, 2, 15)
    rehousing.save()
    followup_milestones_ensure(household=world.household_a)
    assert FollowUp.objects.get(months_after=12).due_date == dt.date(2026, 2, 15)


def test_record_page_post_and_errors(world):
    _rehouse(world, world.household_a, move_in=dt.date(2025, 1, 31))
    client = world.client_for("social_a")
    url = reverse("followup:record", args=[world.household_a.pk, 6])
    response = client.post(url, {"done_on": "2024-12-01", "home_satisfaction": "satisfait"})
    assert response.status_code == 200
    assert "ne peut pas précéder l&#x27;emménagement" in response.content.decode()
    assert not FollowUp.objects.exists()
    response = client.post(
        url,
        {
            "done_on": "2025-08-05",
            "home_satisfaction": "satisfait",
            "rent_arrears": "oui",
            "works_needed": "",
        },
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get(months_after=6)
    assert (followup.home_satisfaction, followup.rent_arrears, followup.works_needed) == (
        "satisfait",
        True,
        None,
    )
    page = client.get(reverse("followup:household", args=[world.household_a.pk])).content.decode()
    assert "05/08/2025" in page and "Satisfait" in page
    # The form shows the recorded values for correction.
    form = client.get(url).content.decode()
    assert 'value="2025-08-05"' in form and '<option value="oui" selected>' in form


def test_readers_see_but_cannot_record(world):
    _rehouse(world, world.household_a)
    page = world.client_for("mous").get(reverse("followup:household", args=[world.household_a.pk]))
    assert page.status_code == 200 and "Saisir" not in page.content.decode()


def test_home_page_lists_due_followups(world):
    _rehouse(world, world.household_a, move_in=dt.date(2024, 1, 31))
    html = world.client_for("social_a").get(reverse("home")).content.decode()
    assert "Suivis post-relogement à réaliser" in html
    assert reverse("followup:record", args=[world.household_a.pk, 24]) in html
    assert (
        "Suivis post-relogement à réaliser"
        not in world.client_for("mous").get(reverse("home")).content.decode()
    )


def test_list_page_query_count(world, django_assert_max_num_queries):
    for _ in range(10):
        household = factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"]
        )
        _rehouse(world, household, move_in=dt.date(2025, 1, 31))
    client = world.client_for("mous")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("followup:list"))
    assert response.status_code == 200
    assert response.content.decode().count("En retard") >= 10


def _reference_due(user, today):
    """The due list computed the straightforward way (every milestone in Python), to check the SQL."""
    from relogement.followup.selectors import HORIZON_DAYS, LOOKBACK_MONTHS, _milestones
    from relogement.households.models import Household

    rehousings = Rehousing.objects.filter(
        kind=RehousingKind.DEFINITIVE,
        household__in=Household.objects.visible_to(user),
        move_in_date__gte=add_months(today, -LOOKBACK_MONTHS),
    ).select_related("household")
    followups = {(f.household_id, f.months_after): f for f in FollowUp.objects.all()}
    limit = today + dt.timedelta(days=HORIZON_DAYS)
    due = [m for m in _milestones(rehousings, followups, today) if not m.done and m.due_date <= limit]
    return [
        (m.household.pk, m.months_after, m.due_date, m.followup)
        for m in sorted(due, key=lambda m: (m.due_date, m.household.reference, m.months_after))
    ]


def test_due_followups_sql_matches_month_arithmetic(world):
    """Month-end clamping (31 Aug + 6 → 28 Feb, 29 Feb + 12 → 28 Feb), follow-ups moved to another
    date, done ones, the look-back limit and the horizon give the same list as ``add_months``."""
    today = dt.date(2026, 3, 1)
    moves = [
        dt.date(2025, 8, 31),
        dt.date(2024, 2, 29),
        dt.date(2025, 9, 30),
        dt.date(2023, 3, 1),  # at the look-back limit
        dt.date(2023, 2, 28),  # before it
        dt.date(2025, 9, 1),  # 6 months: within the horizon
        dt.date(2025, 10, 15),  # not due yet
    ]
    households = [world.household_a] + [
        factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
        for _ in moves[1:]
    ]
    for household, move_in in zip(households, moves, strict=True):
        _rehouse(world, household, move_in=move_in)
    FollowUp.objects.create(household=households[1], months_after=6, due_date=dt.date(2024, 8, 29))
    FollowUp.objects.create(
        household=households[1], months_after=12, due_date=dt.date(2025, 3, 3), done_on=dt.date(2025, 3, 3)
    )
    FollowUp.objects.create(household=households[6], months_after=6, due_date=dt.date(2026, 3, 10))
    user = world.users["social_a"]
    due = due_followups_for(user, today=today)
    assert [(m.household.pk, m.months_after, m.due_date, m.followup) for m in due] == _reference_due(
        user, today
    )
    assert (households[0].pk, 6, dt.date(2026, 2, 28)) in [
        (m.household.pk, m.months_after, m.due_date) for m in due
    ]
    assert len(due) == len(list(due))
    fresh = due_followups_for(user, today=today)
    assert [m.months_after for m in fresh[2:5]] == [m.months_after for m in list(due)[2:5]]


@pytest.mark.parametrize("extra", [3, 25])
def test_home_panel_query_count_is_constant(world, extra, django_assert_num_queries):
    for i in range(extra):
        household = factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"]
        )
        _rehouse(world, household, move_in=dt.date(2024, 1, 31))
        if i % 2:
            followup_milestones_ensure(household=household)
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = world.users["social_a"]
    request.user.active_organisation  # noqa: B018 - loaded once per request by the middleware
    template = Template("{% load followup %}{% due_followups_panel %}")
    # The rows with the total (one scan), their households, their follow-ups.
    with django_assert_num_queries(3):
        html = template.render(Context({"request": request}))
    assert "Suivis post-relogement à réaliser" in html
