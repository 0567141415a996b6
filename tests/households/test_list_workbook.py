"""A list like the workbook (issue 18, point 3): columns chosen among the file's fields, sort on any of
them, exports of exactly what is shown (never more than the role sees), named filters private to
their owner, bulk actions that change every ticked household or none."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from relogement.governance.models import CommitteeFlag
from relogement.households.models import (
    Household,
    NextStep,
    ProviderReassignment,
    SavedListFilter,
    SupportLogEntry,
    Wishes,
)
from relogement.households.statuses import HouseholdStatus
from tests import factories

LIST = reverse("households:list")
CSV = reverse("households:export", args=["csv"])
XLSX = reverse("households:export", args=["xlsx"])


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))


def _refs(response):
    return [row["household"].reference for row in response.context["rows"]]


def _labels(response):
    return [c.label for c in response.context["columns"]]


@pytest.fixture
def filled(world):
    """Household A: 2 proposals, an open step due 10/03/2031 (and a done one, earlier), a rent before,
    wishes; household B: one proposal, no step."""
    a, b = world.household_a, world.household_b
    for _ in range(2):
        factories.ProposalFactory(household=a)
    factories.ProposalFactory(household=b)
    NextStep.objects.create(household=a, title="Visite", due_date=dt.date(2031, 3, 10))
    NextStep.objects.create(
        household=a, title="Ancienne", due_date=dt.date(2030, 1, 1), done_on=dt.date(2030, 1, 2)
    )
    Household.objects.filter(pk=a.pk).update(
        rent_before="400.00", charges_before="80.00", apl_before="150.00", rls_before="30.00"
    )
    Wishes.objects.create(household=a, dwelling_types=["T3", "T4"], max_residual_rent="350.00")
    return world


COLS = "?cols=proposals&cols=next_due&cols=residual_before&cols=provider&cols=wish_types&cols=wish_rent"


def test_chosen_columns_are_shown_and_exported_identically(filled):
    client = filled.client_for("mous")
    query = COLS + "&sort=-proposals"
    page = client.get(LIST + query)
    labels = [
        "Référence",
        "Propositions",
        "Reste à charge avant",
        "Prestataire social",
        "Prochaine échéance",
        "Typologies souhaitées",
        "Reste à charge maximal souhaité",
    ]
    assert sorted(_labels(page)) == sorted(labels)
    assert _refs(page) == ["CONC-001", "CONC-002"]  # 2 proposals, then 1
    cells = dict(zip(_labels(page), page.context["rows"][0]["cells"], strict=True))
    assert cells["Propositions"] == "2"
    assert cells["Prochaine échéance"] == "10/03/2031"  # the open step, not the done one
    assert cells["Reste à charge avant"].replace("\u202f", " ").replace("\xa0", " ") == "300,00 €"
    assert cells["Typologies souhaitées"] == "T3, T4"
    assert cells["Prestataire social"] == "Prestataire A"
    rows = _csv(client.get(CSV + query))
    assert rows[0] == _labels(page)  # same columns, same order
    assert [r[0] for r in rows[1:]] == _refs(page)  # same rows, same order
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported["Propositions"] == "2"
    assert exported["Prochaine échéance"] == "10/03/2031"
    assert exported["Reste à charge avant"] == "300,00"
    assert exported["Typologies souhaitées"] == "T3, T4"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(XLSX + query).getvalue())).active
    values = list(sheet.values)
    assert list(values[0]) == _labels(page)
    assert [v[0] for v in values[1:]] == _refs(page)
    # The same filter applies too: searching households only.
    rows = _csv(client.get(CSV + COLS + "&status=searching"))
    assert rows[1:] == []


def test_no_columns_chosen_is_the_default_set(world):
    page = world.client_for("mous").get(LIST)
    assert "Propositions" not in _labels(page) and "Statut" in _labels(page)
    assert _csv(world.client_for("mous").get(CSV))[0] == _labels(page)


@pytest.mark.parametrize(
    ("persona", "refused"),
    [
        ("landlord", ["resources", "residual_before", "overdue", "next_due", "last_contact"]),
        ("metropolis", ["name", "overdue", "next_due", "last_contact"]),
        ("commune", ["overdue", "next_due", "last_contact"]),
        ("mous", ["last_contact"]),
    ],
)
def test_restricted_columns_are_neither_shown_exported_nor_sortable(filled, persona, refused):
    client = filled.client_for(persona)
    query = "?" + "&".join(f"cols={k}" for k in refused) + "&cols=status"
    page = client.get(LIST + query)
    keys = [c.key for c in page.context["columns"]]
    assert not set(refused) & set(keys)
    assert keys == ["reference", "status"]
    assert _csv(client.get(CSV + query))[0] == ["Référence", "Statut"]
    offered = {choice["key"] for choice in page.context["column_choices"]}
    assert not set(refused) & offered
    for key in refused:
        # A forbidden sort is refused by the form (the list falls back to its defaults): the order it
        # would give is never applied.
        response = client.get(LIST + f"?sort=-{key}")
        assert response.context["form"].errors.get("sort")


def test_last_contact_reads_only_the_notes_the_provider_holds(world):
    a = world.household_a
    SupportLogEntry.objects.create(household=a, kind="appel", date=dt.date(2026, 2, 1), summary="Appel")
    # A note another provider still holds (a change of provider without handover): not its contact.
    SupportLogEntry.objects.create(
        household=a,
        kind="visite",
        date=dt.date(2026, 5, 1),
        summary="Visite",
        organisation=world.orgs["social_b"],
        holder=world.orgs["social_b"],
    )
    client = world.client_for("social_a")
    page = client.get(LIST + "?cols=last_contact")
    assert page.context["rows"][0]["cells"][-1] == "01/02/2026"
    assert _csv(client.get(CSV + "?cols=last_contact"))[1][-1] == "01/02/2026"


def test_sort_on_any_shown_column_both_ways(filled):
    client = filled.client_for("mous")
    factories.HouseholdFactory(
        building=filled.building, reference="CONC-003", status=HouseholdStatus.SEARCHING
    )
    assert _refs(client.get(LIST + "?cols=proposals&sort=proposals")) == ["CONC-003", "CONC-002", "CONC-001"]
    assert _refs(client.get(LIST + "?cols=proposals&sort=-proposals")) == ["CONC-001", "CONC-002", "CONC-003"]
    # Unknown values last whichever the direction.
    assert _refs(client.get(LIST + "?sort=next_due"))[0] == "CONC-001"
    assert _refs(client.get(LIST + "?sort=-next_due"))[0] == "CONC-001"
    assert _refs(client.get(LIST + "?sort=status"))[0] == "CONC-003"  # « searching » < « to_diagnose »
    assert _refs(client.get(LIST + "?sort=-status"))[-1] == "CONC-003"
    # Each header links to its sort, the current one the other way, with aria-sort.
    page = client.get(LIST + "?cols=proposals&cols=status&sort=-proposals")
    headers = {h["column"].key: h for h in page.context["headers"]}
    assert headers["proposals"]["aria_sort"] == "descending"
    assert "sort=proposals" in headers["proposals"]["url"] and "cols=status" in headers["proposals"]["url"]
    assert headers["status"]["aria_sort"] is None and "sort=status" in headers["status"]["url"]
    assert 'aria-sort="descending"' in page.content.decode()


def test_list_queries_stay_constant_with_every_column(world, django_assert_max_num_queries):
    client = world.client_for("mous")
    every = "?" + "&".join(f"cols={c['key']}" for c in client.get(LIST).context["column_choices"])
    every += "&sort=-wish_commune"
    # 17: the project office's planned committees (bulk « Inscrire à l'ordre du jour ») are one query.
    with django_assert_max_num_queries(17) as small:
        client.get(LIST + every)
    for _ in range(30):
        h = factories.HouseholdFactory(building=world.building)
        factories.ProposalFactory(household=h)
        NextStep.objects.create(household=h, title="Relance", due_date=dt.date(2031, 1, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST + every)
    assert len(response.context["rows"]) == 32


# --- Saved filters -----------------------------------------------------------------------------------


def test_saved_filter_keeps_filters_sort_and_columns_but_not_the_search(world):
    client = world.client_for("mous")
    response = client.post(
        reverse("households:saved_filter_save"),
        {"name": "À relancer", "back": "q=Martin&status=searching&sort=-census&cols=proposals&page=3"},
    )
    saved = SavedListFilter.objects.get(user=world.users["mous"])
    assert saved.name == "À relancer"
    assert "q=" not in saved.querystring and "page=" not in saved.querystring
    assert "status=searching" in saved.querystring and saved.columns == ["proposals"]
    assert response.url.endswith("?" + saved.querystring)
    page = client.get(LIST)
    assert [s.name for s in page.context["saved_filters"]] == ["À relancer"]
    assert client.get(reverse("households:saved_filter_open", args=[saved.pk])).url.endswith(
        saved.querystring
    )
    # The same name replaces it; an empty name is refused in French and saves nothing.
    client.post(reverse("households:saved_filter_save"), {"name": "À relancer", "back": "status=closed"})
    assert SavedListFilter.objects.get(pk=saved.pk).querystring == "status=closed"
    response = client.post(reverse("households:saved_filter_save"), {"name": " ", "back": ""}, follow=True)
    assert "Donnez un nom" in response.content.decode()
    assert SavedListFilter.objects.count() == 1


def test_saved_filters_are_private_to_their_owner(world):
    mine = SavedListFilter.objects.create(
        user=world.users["mous"], name="Les miens", querystring="status=searching"
    )
    # Another person of the same organisation: neither listed, nor opened, renamed or deleted.
    colleague = factories.UserFactory(username="mous2", organisations=[world.orgs["mous"]])
    client = world.client_for("mous")
    client.force_login(colleague)
    assert list(client.get(LIST).context["saved_filters"]) == []
    assert client.get(reverse("households:saved_filter_open", args=[mine.pk])).status_code == 404
    rename = reverse("households:saved_filter_rename", args=[mine.pk])
    assert client.post(rename, {"name": "Volé"}).status_code == 404
    assert client.post(reverse("households:saved_filter_delete", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.name == "Les miens"
    # Its owner renames (a name it already uses is refused) and deletes it.
    owner = world.client_for("mous")
    SavedListFilter.objects.create(user=world.users["mous"], name="Autre")
    response = owner.post(rename, {"name": "Autre"}, follow=True)
    assert "Vous avez déjà un filtre nommé « Autre »" in response.content.decode()
    owner.post(rename, {"name": "Renommé"})
    mine.refresh_from_db()
    assert mine.name == "Renommé"
    owner.post(reverse("households:saved_filter_delete", args=[mine.pk]))
    assert not SavedListFilter.objects.filter(pk=mine.pk).exists()


# --- Bulk actions ------------------------------------------------------------------------------------


def _second_a(world):
    return factories.HouseholdFactory(
        building=world.building, social_provider=world.orgs["social_a"], reference="CONC-010"
    )


def test_bulk_next_step_plans_on_each_household_with_history(world):
    other = _second_a(world)
    client = world.client_for("social_a")
    response = client.post(
        reverse("households:bulk_step"),
        {
            "households": [world.household_a.pk, other.pk],
            "step_title": "Relancer",
            "step_due_date": "2031-01-15",
            "back": "status=searching",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("?status=searching")
    assert "planifiée pour 2 ménage(s)" in response.content.decode()
    for household in (world.household_a, other):
        assert NextStep.objects.filter(
            household=household, title="Relancer", due_date=dt.date(2031, 1, 15)
        ).exists()
        assert household.history.filter(history_change_reason__startswith="Étape planifiée").exists()


def test_bulk_actions_refuse_households_outside_the_perimeter_and_change_nothing(world):
    before_steps, before_version = NextStep.objects.count(), world.household_a.version
    client = world.client_for("social_a")
    data = {
        "households": [world.household_a.pk, world.household_b.pk],  # B: provider B's
        "step_title": "Relancer",
        "step_due_date": "2031-01-15",
        "committee_reason": "Refus répétés",
    }
    assert client.post(reverse("households:bulk_step"), data).status_code == 404
    assert client.post(reverse("households:bulk_committee"), data).status_code == 404
    mous = world.client_for("mous")
    provider = {
        "households": [world.household_a.pk, world.household_other.pk],
        "provider": world.orgs["social_b"].pk,
    }
    provider["provider_reason"] = "Secteur"
    assert mous.post(reverse("households:bulk_provider"), provider).status_code == 404
    assert NextStep.objects.count() == before_steps
    assert not CommitteeFlag.objects.exists()
    world.household_a.refresh_from_db()
    assert world.household_a.version == before_version
    assert world.household_a.social_provider == world.orgs["social_a"]


def test_bulk_provider_is_all_or_nothing_with_a_french_reason(world):
    other = _second_a(world)
    Household.objects.filter(pk=other.pk).update(status=HouseholdStatus.CLOSED)
    client = world.client_for("mous")
    data = {
        "households": [world.household_a.pk, other.pk],
        "provider": world.orgs["social_b"].pk,
        "provider_reason": "Changement de secteur",
    }
    response = client.post(reverse("households:bulk_provider"), data, follow=True)
    html = response.content.decode()
    assert "CONC-010" in html and "rouvrez-le" in html and "Aucun ménage n&#x27;a été modifié" in html
    world.household_a.refresh_from_db()
    assert world.household_a.social_provider == world.orgs["social_a"]  # rolled back
    assert not ProviderReassignment.objects.exists()
    # Without the closed household: moved, with its recorded change.
    data["households"] = [world.household_a.pk]
    response = client.post(reverse("households:bulk_provider"), data, follow=True)
    assert "Prestataire social changé pour 1 ménage(s)" in response.content.decode()
    world.household_a.refresh_from_db()
    assert world.household_a.social_provider == world.orgs["social_b"]
    assert ProviderReassignment.objects.get().reason == "Changement de secteur"


def test_bulk_provider_requires_a_reason(world):
    client = world.client_for("mous")
    data = {"households": [world.household_a.pk], "provider": world.orgs["social_b"].pk}
    response = client.post(reverse("households:bulk_provider"), data, follow=True)
    assert "Prestataire non changé" in response.content.decode()
    assert not ProviderReassignment.objects.exists()


def test_bulk_committee_flags_each_household_or_none(world):
    other = _second_a(world)
    client = world.client_for("social_a")
    url = reverse("households:bulk_committee")
    response = client.post(
        url, {"households": [world.household_a.pk], "committee_reason": "Refus"}, follow=True
    )
    assert "1 ménage(s) signalé(s)" in response.content.decode()
    # A is already flagged: nothing for the other one either, and the French reason says which.
    response = client.post(
        url, {"households": [world.household_a.pk, other.pk], "committee_reason": "Refus"}, follow=True
    )
    assert "CONC-001 : Ce ménage est déjà signalé" in response.content.decode()
    assert CommitteeFlag.objects.filter(household=other).count() == 0
    assert CommitteeFlag.objects.count() == 1


def test_bulk_actions_offered_per_role(world):
    def offered(persona):
        return set(world.client_for(persona).get(LIST).context["bulk"])

    assert offered("social_a") == {"referent", "step", "committee"}
    assert offered("mous") == {"step", "provider"}
    for persona in ("commune", "landlord", "metropolis"):
        assert offered(persona) == set()
    # The agenda action once the organisation has planned a committee (commune, project office only).
    for persona in ("mous", "commune", "social_a"):
        _planned_committee(world, organiser=persona)
    assert offered("mous") == {"step", "provider", "agenda"}
    assert offered("commune") == {"agenda"}
    assert offered("social_a") == {"referent", "step", "committee"}


def _planned_committee(world, organiser="mous", project=None):
    from relogement.governance.models import Committee

    return Committee.objects.create(
        project=project or world.project,
        organiser=world.orgs[organiser],
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="Mairie de quartier",
        created_by=world.users[organiser],
    )


def test_bulk_agenda_puts_each_household_on_the_committee_with_history(world):
    committee = _planned_committee(world)
    client = world.client_for("mous")
    page = client.get(LIST).content.decode()
    assert "Inscrire à l'ordre du jour" in page and "Lille-Concorde — " in page
    response = client.post(
        reverse("households:bulk_agenda"),
        {"households": [world.household_a.pk, world.household_b.pk], "agenda_committee": committee.pk},
        follow=True,
    )
    assert "2 ménage(s) inscrit(s) à l&#x27;ordre du jour" in response.content.decode()
    cases = committee.cases.filter(removed_at__isnull=True)
    assert set(cases.values_list("household__reference", flat=True)) == {"CONC-001", "CONC-002"}
    for case in cases:
        assert case.history.filter(
            history_change_reason="Ajout à l'ordre du jour par le secrétariat"
        ).exists()


def test_bulk_agenda_is_all_or_nothing_with_a_french_reason(world):
    committee = _planned_committee(world)
    client = world.client_for("mous")
    url = reverse("households:bulk_agenda")
    client.post(url, {"households": [world.household_a.pk], "agenda_committee": committee.pk})
    response = client.post(
        url,
        {"households": [world.household_a.pk, world.household_b.pk], "agenda_committee": committee.pk},
        follow=True,
    )
    html = response.content.decode()
    assert "CONC-001 : Ce ménage est déjà à l&#x27;ordre du jour." in html
    assert "Aucun ménage n&#x27;a été modifié" in html
    assert committee.cases.count() == 1  # B was not added either


def test_bulk_agenda_is_not_offered_without_a_planned_committee(world):
    from relogement.governance.models import SessionStatus

    held = _planned_committee(world, organiser="commune")
    held.status = SessionStatus.HELD
    held.save()
    page = world.client_for("commune").get(LIST)
    assert "agenda" not in page.context["bulk"]
    assert "Inscrire à l'ordre du jour" not in page.content.decode()
    assert 'aria-label="Sélectionner' not in page.content.decode()  # nothing to tick households for


def test_bulk_agenda_refuses_a_committee_of_another_organisation_or_held(world):
    from relogement.governance.models import SessionStatus

    theirs = _planned_committee(world, organiser="commune")
    client = world.client_for("mous")
    url = reverse("households:bulk_agenda")
    response = client.post(
        url, {"households": [world.household_a.pk], "agenda_committee": theirs.pk}, follow=True
    )
    assert "Choisissez un comité planifié par votre organisation." in response.content.decode()
    held = _planned_committee(world)
    held.status = SessionStatus.HELD
    held.save()
    response = client.post(
        url, {"households": [world.household_a.pk], "agenda_committee": held.pk}, follow=True
    )
    assert "Choisissez un comité planifié par votre organisation." in response.content.decode()
    response = client.post(url, {"households": [world.household_a.pk]}, follow=True)
    assert "Choisissez le comité." in response.content.decode()
    assert not theirs.cases.exists() and not held.cases.exists()


def test_bulk_agenda_refuses_households_outside_the_perimeter_or_the_project(world):
    committee = _planned_committee(world)
    mous = world.client_for("mous")
    url = reverse("households:bulk_agenda")
    data = {"households": [world.household_a.pk, world.household_other.pk], "agenda_committee": committee.pk}
    assert mous.post(url, data).status_code == 404  # ALMA-001: not in the MOUS's perimeter
    assert not committee.cases.exists()
    # The commune planned a committee of its project; none of the social worker's: 404 for the role.
    assert world.client_for("social_a").post(url, data).status_code == 404
    assert world.client_for("landlord").post(url, data).status_code == 404


def test_bulk_agenda_service_refuses_a_household_of_another_project(world):
    from relogement.core.errors import DomainError
    from relogement.households.bulk import agenda_add_bulk

    committee = _planned_committee(world, organiser="outsider", project=world.other_project)
    # The outsider's perimeter is the other project; a household of the other project on... its own
    # committee works, and the service refuses a committee of another organisation.
    with pytest.raises(DomainError, match="secrétariat"):
        agenda_add_bulk(household_ids=[world.household_a.pk], committee=committee, actor=world.users["mous"])
    mine = _planned_committee(world)
    other = factories.HouseholdFactory(
        building=factories.BuildingFactory(operation__project=world.other_project),
        reference="ALMA-002",
    )
    world.orgs["mous"].projects.add(world.other_project)
    with pytest.raises(DomainError, match="ALMA-002 : il n'appartient pas au projet du comité"):
        agenda_add_bulk(
            household_ids=[world.household_a.pk, other.pk], committee=mine, actor=world.users["mous"]
        )
    assert not mine.cases.exists()


def test_rows_written_in_python_are_escaped_and_linked(world):
    Household.objects.filter(pk=world.household_a.pk).update(reference_name='<script>alert("x")</script>')
    html = world.client_for("social_a").get(LIST).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert f'href="{reverse("households:detail", args=[world.household_a.pk])}">CONC-001</a>' in html
    assert f'name="households" value="{world.household_a.pk}"' in html  # the bulk checkbox


def test_sort_select_offers_the_shown_columns_but_accepts_every_allowed_sort(world):
    client = world.client_for("mous")
    page = client.get(LIST + "?sort=-proposals")
    assert not page.context["form"].errors
    offered = dict(page.context["form"].fields["sort"].widget.choices)
    assert "-proposals" in offered  # the current sort
    assert "next_due" not in offered  # a column not shown
    assert "-census_date" in offered and "census_date" in offered and "commune" in offered
    # The old census keys are accepted but not offered beside the census date's own (the same sort).
    assert "census" not in offered and "-census" not in offered
    labels = list(offered.values())
    assert len(labels) == len(set(labels)) and labels.count("Recensement (croissant)") == 1
    assert offered["overdue"] == "Étapes en retard (le plus d'abord)"
    page = client.get(LIST + "?sort=-census")
    assert not page.context["form"].errors
    assert "-census" in dict(page.context["form"].fields["sort"].widget.choices)  # the current one
