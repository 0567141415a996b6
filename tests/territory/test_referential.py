"""load_referential on the real shared data and on small files; import_qpv on small files."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from relogement.offers.models import RefusalReason
from relogement.projects.models import Project
from relogement.territory.models import Commune, Qpv

pytestmark = pytest.mark.django_db


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small_data(tmp_path):
    _write(
        tmp_path / "mel_communes.csv",
        "insee_code,siren,nom,codes_postaux,population_municipale,superficie_km2,centroid_lat,centroid_lon\n"
        "59350,215903501,Lille,59000;59160,236710,39.51,50.63,3.05\n"
        "59512,215905126,Roubaix,59100,98828,13.23,50.69,3.18\n",
    )
    geometry = {"type": "Polygon", "coordinates": [[[3.0, 50.6], [3.1, 50.6], [3.1, 50.7], [3.0, 50.6]]]}
    _write(
        tmp_path / "mel_communes.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"insee_code": "59350"}, "geometry": geometry}
                ],
            }
        ),
    )
    _write(
        tmp_path / "mel_zonages_logement.csv",
        "insee_code,nom,zone_apl,zone_abc_2024,reclassement_abc_juillet_2024\n"
        "59350,Lille,2,A,Non\n59512,Roubaix,2,B1,Non\n",
    )
    _write(
        tmp_path / "mel_npnru_sites.csv",
        "site_npru_mel,commune,insee_code,phase_convention,date_approbation_mel,quartier_npnru,niveau\n"
        "Lille-Concorde,Lille,59350,1,2019-12-12,Lille Sud (Concorde),PRIN\n"
        "Roubaix-L'Alma,Roubaix,59512,2,2020-12-18,Blanc Seau (Roubaix),PRIN\n",
    )
    return tmp_path


def test_small_files_are_loaded(small_data):
    call_command("load_referential", data_dir=str(small_data))
    lille = Commune.objects.get(insee_code="59350")
    assert lille.name == "Lille"
    assert lille.postal_codes == "59000;59160"
    assert lille.population == 236710
    assert lille.zone_apl == 2 and lille.zone_abc == "A"
    assert lille.outline["type"] == "Polygon"
    assert Commune.objects.get(insee_code="59512").outline is None
    alma = Project.objects.get(code="roubaix-lalma")
    assert alma.name == "Roubaix-L'Alma"
    assert alma.commune.insee_code == "59512"
    assert alma.phase == 2 and alma.level == "PRIN"
    assert str(alma.approval_date) == "2020-12-18"
    assert RefusalReason.objects.filter(code="loyer").exists()


def test_rerun_changes_nothing(small_data):
    call_command("load_referential", data_dir=str(small_data))
    history_before = Project.history.count()
    call_command("load_referential", data_dir=str(small_data))
    assert Project.history.count() == history_before
    assert Project.objects.count() == 2


def test_corrected_source_updates_in_place(small_data):
    call_command("load_referential", data_dir=str(small_data))
    path = small_data / "mel_zonages_logement.csv"
    path.write_text(path.read_text().replace("59512,Roubaix,2,B1", "59512,Roubaix,2,B2"))
    call_command("load_referential", data_dir=str(small_data))
    assert Commune.objects.get(insee_code="59512").zone_abc == "B2"
    assert Commune.objects.count() == 2


def test_renamed_refusal_reason_is_not_overwritten(small_data):
    call_command("load_referential", data_dir=str(small_data))
    RefusalReason.objects.filter(code="autre").update(label="Autre (préciser)")
    call_command("load_referential", data_dir=str(small_data))
    assert RefusalReason.objects.get(code="autre").label == "Autre (préciser)"


def test_missing_file_is_a_french_error(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("load_referential", data_dir=str(tmp_path))
    assert not Commune.objects.exists()


def test_unknown_commune_in_sites_rolls_back(small_data):
    path = small_data / "mel_npnru_sites.csv"
    path.write_text(path.read_text() + "Ailleurs,Nulle part,99999,1,2019-12-12,,\n")
    with pytest.raises(CommandError, match="commune 99999 inconnue"):
        call_command("load_referential", data_dir=str(small_data))
    assert not Commune.objects.exists() and not Project.objects.exists()


def test_real_shared_data():
    call_command("load_referential")
    assert Commune.objects.count() == 95
    assert Commune.objects.filter(outline__isnull=True).count() == 0
    assert Commune.objects.filter(zone_apl=3).count() == 8
    assert Commune.objects.filter(zone_abc="A").count() == 10
    assert Project.objects.count() == 13
    assert Project.objects.filter(name="Lille-Concorde", commune__insee_code="59350").exists()
    assert set(Project.objects.values_list("phase", flat=True)) == {1, 2}
    counts = (Commune.objects.count(), Project.objects.count(), Project.history.count())
    call_command("load_referential")
    assert (Commune.objects.count(), Project.objects.count(), Project.history.count()) == counts
    assert RefusalReason.objects.count() >= 8
    assert settings.REFERENCE_DATA_DIR.exists()


QPV_HEADER = "code_qp,lib_qp,insee_com,siren_epci,geometry\n"
GEOM = '"{""type"": ""Polygon"", ""coordinates"": [[[3.1, 50.6], [3.2, 50.6], [3.2, 50.7], [3.1, 50.6]]]}"'


@pytest.fixture
def communes(db):
    lille = Commune.objects.create(insee_code="59350", name="Lille")
    roubaix = Commune.objects.create(insee_code="59512", name="Roubaix")
    tourcoing = Commune.objects.create(insee_code="59599", name="Tourcoing")
    return lille, roubaix, tourcoing


def test_import_qpv(tmp_path, communes):
    path = _write(
        tmp_path / "qpv.csv",
        QPV_HEADER
        + f"QN05901M,Blanc Seau - Croix Bas Saint Pierre,59512,200093201,{GEOM}\n"
        + "QN05901M,Blanc Seau - Croix Bas Saint Pierre,59599,200093201,\n"
        + "QN05902M,Lille Sud,59350,200093201,\n"
        + "QN06201M,Ailleurs,62041,246200364,\n",
    )
    call_command("import_qpv", str(path))
    assert Qpv.objects.count() == 3
    blanc_seau = Qpv.objects.get(code="QN05901M")
    assert {c.insee_code for c in blanc_seau.communes.all()} == {"59512", "59599"}
    assert blanc_seau.outline["type"] == "Polygon"
    assert blanc_seau.epci_siren == "200093201"


def test_import_qpv_epci_filter_and_rerun(tmp_path, communes):
    path = _write(
        tmp_path / "qpv.csv",
        "code_qp;lib_qp;insee_com;siren_epci\nQN05902M;Lille Sud;59350;200093201\nQN06201M;Ailleurs;62041;246200364\n",
    )
    call_command("import_qpv", str(path), epci="200093201")
    assert list(Qpv.objects.values_list("code", flat=True)) == ["QN05902M"]
    call_command("import_qpv", str(path), epci="200093201")
    assert Qpv.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,lib\nQN05902M,Lille Sud\n", "Colonnes manquantes : code_qp"),
        (QPV_HEADER + "XX,Lille Sud,59350,200093201,\n", "ligne 3 : code QPV « XX » invalide"),
        (QPV_HEADER + "QN05902M,Lille Sud,5935,200093201,\n", "code INSEE « 5935 » invalide"),
        (QPV_HEADER + "QN05902M,Lille Sud,59350,2000,\n", "SIREN d'EPCI « 2000 » invalide"),
        (QPV_HEADER + "QN05902M,Lille Sud,59350,200093201,{pas du json\n", "géométrie illisible"),
    ],
)
def test_import_qpv_rejects_bad_files(tmp_path, communes, content, message):
    path = _write(
        tmp_path / "qpv.csv",
        QPV_HEADER + "QN05901M,Bon,59512,200093201,\n" + content.split("\n", 1)[1]
        if content.startswith(QPV_HEADER)
        else content,
    )
    with pytest.raises(CommandError, match=message):
        call_command("import_qpv", str(path))
    assert not Qpv.objects.exists()


def test_import_qpv_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_qpv", str(tmp_path / "absent.csv"))
