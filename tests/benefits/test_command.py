import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relogement.benefits import engine
from tests import factories


@pytest.fixture
def communes(db):
    factories.CommuneFactory(insee_code="59350", name="Lille", zone_apl=2)
    factories.CommuneFactory(insee_code="59011", name="Annœullin", zone_apl=3)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("simulate_rent", *args, stdout=out, stderr=err)
    return out.getvalue()


def expected(adults, children, income, commune, rent, charges, social, month="2025-11"):
    return engine.compute_benefits(
        profile=engine.HouseholdProfile.simple(adults, children, Decimal(income)),
        insee_code=commune,
        rent=Decimal(rent),
        charges=Decimal(charges),
        stock="social" if social else "prive_vide",
        month=engine.parse_month(month),
    )


def test_one_case(communes):
    output = run(
        "--commune", "59350", "--adults", "1", "--children", "2", "--taxable-income", "1400",
        "--rent", "450", "--social-housing", "--month", "2025-11",
    )  # fmt: skip
    assert output == '{"apl": 270.00, "rls": 54.39, "rac": 125.61, "taux_effort": 0.0897}\n'
    values = json.loads(output)
    assert set(values) == {"apl", "rls", "rac", "taux_effort"}
    want = expected(1, 2, "1400", "59350", "450", "0", True)
    assert (Decimal(str(values["apl"])), Decimal(str(values["rls"]))) == (want.apl, want.rls)


def test_defaults_private_rental_and_default_month(communes):
    output = run(
        "--commune", "59011", "--adults", "2", "--children", "0", "--taxable-income", "0", "--rent", "300"
    )
    values = json.loads(output)
    want = expected(2, 0, "0", "59011", "300", "0", False, month=f"{engine.DEFAULT_MONTH:%Y-%m}")
    assert values["rls"] == 0
    assert values["apl"] == float(want.apl)
    assert values["taux_effort"] is None  # no income


@pytest.mark.parametrize(
    "args, message",
    [
        (["--commune", "99999"], "Commune inconnue"),
        (["--adults", "deux"], "Adultes : nombre entier attendu"),
        (["--adults", "9"], "Adultes : valeur comprise entre 1 et 8"),
        (["--rent", "-10"], "Loyer : le montant ne peut pas être négatif"),
        (["--charges", "-1"], "Charges : le montant ne peut pas être négatif"),
        (["--taxable-income", "beaucoup"], "Revenu imposable mensuel : montant invalide"),
        (["--month", "2025-13"], "Mois invalide"),
        (["--month", "2019-01"], "Mois hors de la période"),
    ],
)
def test_bad_input_is_refused_in_french(communes, args, message):
    base = {
        "--commune": "59350",
        "--adults": "1",
        "--children": "2",
        "--taxable-income": "1400",
        "--rent": "450",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    out = StringIO()
    with pytest.raises(CommandError, match=message):
        call_command("simulate_rent", *[part for pair in base.items() for part in pair], stdout=out)
    assert out.getvalue() == ""


def test_missing_parameter(communes):
    with pytest.raises(CommandError, match="Loyer : valeur manquante"):
        run("--commune", "59350", "--adults", "1", "--children", "0", "--taxable-income", "900")


def test_error_is_printed_in_french_on_stderr(communes):
    from relogement.benefits.management.commands.simulate_rent import Erreur

    assert Erreur.__name__ == "Erreur"  # Django prints "Erreur: <message>" on standard error
    assert issubclass(Erreur, CommandError)


CSV_HEADER = "commune,adults,children,taxable_income,rent,charges,social_housing,month\n"


def test_csv_prints_one_line_per_case_in_order(communes, tmp_path):
    rows = [
        ("59350", 1, 2, "1400", "450", "0", 1, "2025-11"),
        ("59011", 2, 3, "800", "612.40", "85", 1, ""),
        ("59350", 1, 0, "0", '"380,50"', "", 0, "2024-06"),
        ("59350", 1, 2, "1400", "700", "0", 1, "2025-11"),
    ]
    path = tmp_path / "cas.csv"
    path.write_text(CSV_HEADER + "".join(",".join(map(str, row)) + "\n" for row in rows), encoding="utf-8")
    lines = run("--csv", str(path)).splitlines()
    assert len(lines) == 4
    assert lines[0] == '{"apl": 270.00, "rls": 54.39, "rac": 125.61, "taux_effort": 0.0897}'
    for line, (commune, adults, children, income, rent, charges, social, month) in zip(
        lines, rows, strict=True
    ):
        want = expected(
            adults,
            children,
            income,
            commune,
            rent.strip('"').replace(",", "."),
            charges or "0",
            social == 1,
            month=month or f"{engine.DEFAULT_MONTH:%Y-%m}",
        )
        values = json.loads(line)
        assert values["apl"] == float(want.apl)
        assert values["rls"] == float(want.rls)
        assert values["rac"] == float(want.rac)


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "commune,adults,children,rent\n59350,1,0,400\n",
            r"Colonnes manquantes : stock \(ou social_housing\), taxable_income \(ou adult1_…\)",
        ),
        ("commune,adults,taxable_income,rent,stock,salaire\n", "Colonnes inconnues : salaire"),
        (CSV_HEADER, "aucun cas"),
        (
            CSV_HEADER + "59350,1,0,900,400,0,1,2025-11\n99999,1,0,900,400,0,1,2025-11\n",
            "Ligne 3 : Commune inconnue",
        ),
        (CSV_HEADER + "59350,1,0,900,400,0,oui,2025-11\n", "Ligne 2 : Type de logement : indiquez stock"),
        (
            CSV_HEADER + "59350,1,0,900,-400,0,1,2025-11\n",
            "Ligne 2 : Loyer : le montant ne peut pas être négatif",
        ),
        (CSV_HEADER + "59350,1,0,900\n", "Ligne 2 : il manque des valeurs"),
    ],
)
def test_bad_csv_prints_nothing(communes, tmp_path, content, message):
    path = tmp_path / "cas.csv"
    path.write_text(content, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match=message):
        call_command("simulate_rent", "--csv", str(path), stdout=out)
    assert out.getvalue() == ""


def test_csv_file_not_found(communes, tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("--csv", str(tmp_path / "absent.csv"))


def test_csv_excludes_single_case_options(communes, tmp_path):
    path = tmp_path / "cas.csv"
    path.write_text(CSV_HEADER + "59350,1,0,900,400,0,1,2025-11\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ne se combine pas"):
        run("--csv", str(path), "--rent", "400")


def test_adults_one_by_one(communes):
    """Three adults with their own incomes and situations, a furnished private let, RSA received."""
    from relogement.benefits.cases import parse_case

    args = [
        "--commune", "59350", "--rent", "520.40", "--charges", "40", "--stock", "prive_meuble",
        "--children", "2", "--children-ages", "4 15", "--rsa", "120",
        "--adult", "situation=salarie,salary=1150,age=41",
        "--adult", "role=conjoint,situation=demandeur_emploi,age=39",
        "--adult", "situation=retraite,pension=780,age=71",
    ]  # fmt: skip
    values = json.loads(run(*args))
    profile = parse_case(
        {
            "commune": "59350", "rent": "520.40", "stock": "prive_meuble", "children": "2",
            "children_ages": "4 15", "rsa": "120",
            "adult1_situation": "salarie", "adult1_salary": "1150", "adult1_age": "41",
            "adult2_role": "conjoint", "adult2_situation": "demandeur_emploi", "adult2_age": "39",
            "adult3_situation": "retraite", "adult3_pension": "780", "adult3_age": "71",
        }
    ).profile  # fmt: skip
    assert [(p.role, p.age, p.situation) for p in profile.persons] == [
        ("reference", 41, "salarie"),
        ("spouse", 39, "demandeur_emploi"),
        ("other", 71, "retraite"),
        ("child", 4, ""),
        ("child", 15, ""),
    ]
    assert profile.monthly_minimum_income == Decimal("120")
    want = engine.compute_benefits(
        profile=profile,
        insee_code="59350",
        rent=Decimal("520.40"),
        charges=Decimal("40"),
        stock="prive_meuble",
    )
    assert (values["apl"], values["rls"], values["rac"]) == (float(want.apl), 0.0, float(want.rac))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--adult", "salaire=1000"], "Adulte 1 : « salaire=1000 » n'est pas de la forme clé=valeur"),
        (["--adult", "situation=chomeur"], "Adulte 1, situation : salarie, independant"),
        (["--adult", "role=conjoint"], "le premier adulte est la personne de référence"),
        (["--adult", "age=40", "--adult", "role=conjoint", "--adult", "role=conjoint"], "Un seul adulte"),
        (["--adult", "salary=1000", "--taxable-income", "1000"], "indiquez l'un ou l'autre"),
        (["--adult", "salary=1000", "--adults", "2"], "2 annoncé"),
        (["--taxable-income", "900", "--adults", "1", "--children", "2", "--children-ages", "4"], "2 âge"),
        (["--taxable-income", "900", "--adults", "1", "--stock", "hlm"], "Type de logement : social"),
    ],
)
def test_bad_adults_are_refused_in_french(communes, args, message):
    out = StringIO()
    with pytest.raises(CommandError, match=message):
        call_command("simulate_rent", "--commune", "59350", "--rent", "450", *args, stdout=out)
    assert out.getvalue() == ""


def test_csv_with_adults_one_by_one_and_simple_rows(communes, tmp_path):
    header = "commune,rent,charges,stock,month,adults,taxable_income,children,children_ages,rsa,"
    header += (
        "adult1_situation,adult1_salary,adult2_role,adult2_situation,adult2_unemployment,adult3_pension\n"
    )
    rows = [
        "59350,450,0,social,2025-11,1,1400,2,,,,,,,,\n",
        "59011,612.40,85,foyer,,,,1,7,,salarie,980,conjoint,demandeur_emploi,640,910\n",
    ]
    path = tmp_path / "cas.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    lines = run("--csv", str(path)).splitlines()
    assert lines[0] == '{"apl": 270.00, "rls": 54.39, "rac": 125.61, "taux_effort": 0.0897}'
    profile = engine.HouseholdProfile(
        (
            engine.Person("reference", 35, "salarie", salary=Decimal("980")),
            engine.Person("spouse", 35, "demandeur_emploi", unemployment=Decimal("640")),
            engine.Person("other", 35, "", pension=Decimal("910")),
            engine.Person("child", 7),
        )
    )
    want = engine.compute_benefits(
        profile=profile, insee_code="59011", rent=Decimal("612.40"), charges=Decimal("85"), stock="foyer"
    )
    values = json.loads(lines[1])
    assert (values["apl"], values["rls"], values["rac"]) == (float(want.apl), 0.0, float(want.rac))
