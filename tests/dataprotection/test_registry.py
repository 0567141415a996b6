"""The inventory behind the subject-access export is complete: no model holding household data, and
no column of such a model, can be added without being exported (or excluded with a reason)."""

from django.apps import apps
from django.db import models

from relogement.dataprotection.registry import EXCLUDED, TABLES, tables_by_model
from relogement.permissions import predicates


def household_data_models() -> set[type[models.Model]]:
    """Every model holding a key to a household, or to a model that does, history tables included."""
    household = apps.get_model("households", "Household")
    found = {household}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in found:
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields):
                found.add(model)
                grew = True
    return found


def covered_models() -> set[type[models.Model]]:
    covered = {apps.get_model(label) for label in EXCLUDED}
    for table in TABLES:
        covered.add(table.model_class)
        if table.history_model is not None:
            covered.add(table.history_model)
    return covered


def test_every_model_with_household_data_is_exported():
    missing = sorted(m._meta.label for m in household_data_models() - covered_models())
    assert not missing, (
        f"Modèles liés à un ménage absents de dataprotection/registry.py (TABLES ou EXCLUDED) : {missing}"
    )


def test_the_check_sees_history_tables_and_indirect_links():
    found = {m._meta.label for m in household_data_models()}
    # Historical copies, a link through the wishes, a link through a proposal, the read log.
    for label in (
        "households.HistoricalHouseholdMember",
        "households.WishedLocation",
        "offers.ProposalTransition",
        "offers.HistoricalProposal",
        "audit.FileRead",
    ):
        assert label in found


def test_every_column_of_an_exported_model_is_listed_or_skipped():
    for table in TABLES:
        columns = {f.name for f in table.model_class._meta.concrete_fields}
        listed = [f.name for f in table.fields]
        assert len(listed) == len(set(listed)), f"{table.model} : champ listé deux fois"
        assert not set(listed) & set(table.skipped), table.model
        missing = columns - set(listed) - set(table.skipped)
        assert not missing, f"{table.model} : colonnes ni exportées ni écartées : {sorted(missing)}"
        unknown = (set(listed) | set(table.skipped)) - columns
        assert not unknown, f"{table.model} : champs inconnus {sorted(unknown)}"


def test_every_rule_is_a_predicate_and_tables_are_unique():
    assert len(tables_by_model()) == len(TABLES)
    assert len({t.archive_name for t in TABLES}) == len(TABLES)
    for table in TABLES:
        for field in table.fields:
            assert field.rule is None or callable(getattr(predicates, field.rule, None)), field


def test_every_exported_column_has_a_french_name():
    from relogement.dataprotection.registry import DEFAULT_LABELS, label_of

    for table in TABLES:
        for field in table.fields:
            model_field = table.model_class._meta.get_field(field.name)
            if str(model_field.verbose_name) == field.name.replace("_", " "):
                assert field.name in DEFAULT_LABELS, f"{table.model}.{field.name} : nom français manquant"
            assert label_of(model_field)
