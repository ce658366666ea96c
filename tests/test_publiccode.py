"""publiccode.yml: export from the catalog, import into it, and the draft an import leaves for publish."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ksad import yamlio
from ksad.publiccode import CATEGORIES, export_publiccode
from ksad.region import load_regions
from catalog_factory import REPO, CatalogBuilder, two_service

BUNDLED = REPO / "catalog"
# Shaped like the publiccode.yml files Italian and Indonesian administrations publish (the bench imports it too).
REALISTIC = (Path(__file__).parent / "samples" / "siperizinan.publiccode.yml").read_text(encoding="utf-8")


def data(proc):
    return json.loads(proc.stdout)["data"]


@pytest.fixture
def empty_catalog(tmp_path) -> Path:
    root = tmp_path / "empty" / "catalog"
    (root / "apps").mkdir(parents=True)
    (root / "catalog.yaml").write_text("name: kosong\nsources: ..\n")
    return root


MAPPED = ("id", "name", "description", "category", "license", "source", "documentation", "maintainers")


def test_round_trip_of_the_bundled_entry(run_ksad, empty_catalog, tmp_path):
    out = run_ksad("catalog", "export-publiccode", "e-budgeting", env={"KSAD_CATALOG": str(BUNDLED)}, check=True)
    exported = yamlio.parse(out.stdout).data
    assert exported["publiccodeYmlVersion"] == "0.4"
    assert exported["localisation"]["localisationReady"] is True
    assert exported["usedBy"] == ["Kabupaten Sumbawa", "Kota Palopo"]  # partners of the bundled demo MoUs
    assert exported["categories"][0] in CATEGORIES["perencanaan-keuangan"]
    (tmp_path / "publiccode.yml").write_text(out.stdout)

    run_ksad("catalog", "import-publiccode", tmp_path / "publiccode.yml", "--id", "e-budgeting",
             "--publisher-code", "32.73", env={"KSAD_CATALOG": str(empty_catalog)}, check=True)
    imported = yamlio.load_mapping(empty_catalog / "apps" / "e-budgeting.yaml").data
    original = yamlio.load_mapping(BUNDLED / "apps" / "e-budgeting.yaml").data
    assert {k: imported.get(k) for k in MAPPED} == {k: original.get(k) for k in MAPPED}
    assert imported["publisher"]["code"] == "32.73"
    assert imported["publisher"]["name"] == original["publisher"]["name"]
    assert imported["releases"] == []


def test_import_of_a_realistic_publiccode_file(run_ksad, empty_catalog, tmp_path):
    src = tmp_path / "publiccode.yml"
    src.write_text(REALISTIC)
    env = {"KSAD_CATALOG": str(empty_catalog)}
    proc = run_ksad("catalog", "import-publiccode", src, "--publisher-code", "32.73", env=env, check=True)
    assert "draft" in proc.stderr
    entry = yamlio.load_mapping(empty_catalog / "apps" / "siperizinan.yaml").data
    assert entry["name"] == {"id": "Sistem Perizinan Daring", "en": "SiPerizinan"}
    assert entry["category"] == "perizinan"
    assert entry["license"] == "AGPL-3.0-or-later"
    assert entry["source"] == "https://git.example.go.id/diskominfo/siperizinan.git"
    assert entry["documentation"] == "https://docs.example.go.id/siperizinan"
    assert entry["description"]["id"]["short"] == "Pengajuan dan penerbitan izin usaha secara daring."
    assert "PTSP" in entry["description"]["id"]["long"]
    assert entry["maintainers"] == [{"name": "Tim Aplikasi Diskominfo", "email": "aplikasi@bandung.example",
                                     "phone": "+62 22 1234567", "affiliation": "Diskominfo Kota Bandung"}]
    # A draft: the catalog does not list it (and does not crash), validate says why it is not valid yet.
    listed = data(run_ksad("catalog", "list", "--json", env=env, check=True))
    assert listed == []
    proc = run_ksad("catalog", "validate", env=env, check=3)
    assert "siperizinan" in proc.stderr and "ksad publish" in proc.stderr
    # Importing again would overwrite the entry: refused.
    proc = run_ksad("catalog", "import-publiccode", src, "--publisher-code", "32.73", env=env, check=9)
    assert "siperizinan.yaml" in proc.stderr


def test_unmapped_category_is_reported_and_dry_run_writes_nothing(run_ksad, empty_catalog, tmp_path):
    src = tmp_path / "publiccode.yml"
    src.write_text(REALISTIC.replace("[document-management, workflow-management]", "[video-editing]"))
    env = {"KSAD_CATALOG": str(empty_catalog)}
    proc = run_ksad("catalog", "import-publiccode", src, "--publisher-code", "32.73", "--dry-run", env=env,
                    check=True)
    assert "video-editing" in proc.stderr and "layanan-publik" in proc.stderr
    assert "category: layanan-publik" in proc.stdout
    assert not list((empty_catalog / "apps").iterdir())


def test_import_needs_a_publisher_region(run_ksad, empty_catalog, tmp_path):
    src = tmp_path / "publiccode.yml"
    src.write_text(REALISTIC)
    proc = run_ksad("catalog", "import-publiccode", src, env={"KSAD_CATALOG": str(empty_catalog)}, check=3)
    assert "--publisher-code" in proc.stderr


def test_imported_draft_becomes_installable_once_published(tmp_path, run_ksad):
    cat = CatalogBuilder(tmp_path / "cat")
    cat.add_release("uji-web", "1.0.0", two_service())
    src = tmp_path / "publiccode.yml"
    src.write_text(REALISTIC)
    env = {"KSAD_CATALOG": str(cat.catalog)}
    run_ksad("catalog", "import-publiccode", src, "--id", "uji-izin", "--publisher-code", "32.73", env=env,
             check=True)
    recipe = cat.recipe_dir("uji-izin", "1.0.0")
    recipe.mkdir(parents=True)
    (recipe / "compose.yaml").write_text(two_service())
    run_ksad("publish", recipe, "--key", cat.world.files["bandung"], "--snapshot-key", cat.world.files["maintainer"],
             env=env, check=True)
    text = (cat.catalog / "apps" / "uji-izin.yaml").read_text()
    assert text.startswith("# uji-izin: imported from publiccode.yml") and "version: 1.0.0" in text
    shown = data(run_ksad("catalog", "show", "uji-izin", "--json", env=env, check=True))
    assert shown["latest"] == "1.0.0" and shown["name"] == "SiPerizinan"
    run_ksad("catalog", "validate", env=env, check=True)


def test_export_names_the_local_wisdom_name_and_partners(tmp_path):
    cat = CatalogBuilder(tmp_path / "cat")
    cat.add_release("uji-web", "1.0.0", two_service())
    regions = load_regions(BUNDLED / "regions.json")
    plain = export_publiccode(cat.catalog, "uji-web", regions=regions)
    assert plain["usedBy"] == ["Kabupaten Sumbawa"]
    assert plain["description"]["id"]["localisedName"] == "Uji uji-web"  # name.id differs from name (en)
    local = export_publiccode(cat.catalog, "uji-web", regions=regions, local_name=("Sabalong Samalewa", "id"))
    assert local["description"]["id"]["localisedName"] == "Sabalong Samalewa"
    assert "localisedName" not in local["description"]["en"]
    # Without a keyring no MoU can be judged valid, so no partner is claimed.
    shutil.rmtree(cat.catalog / "keys")
    assert "usedBy" not in export_publiccode(cat.catalog, "uji-web", regions=regions)


def test_export_judges_only_the_publishers_mous_signed_snapshot_or_not(tmp_path, monkeypatch):
    """usedBy reads the MoUs its publisher is a party to, not the whole catalog's (514 at national scale)."""
    from ksad import mou
    from trust_factory import flip_byte

    cat = CatalogBuilder(tmp_path / "cat")
    cat.add_release("uji-web", "1.0.0", two_service())
    world = cat.world
    world.write_mou(world.mou_doc("3671-7373-1-2026", pioneer="36.71", partner="73.73",
                                  apps=(("lain-web", ">=1"),)), signers=(("tangerang", "pioneer"), ("palopo", "partner")))
    world.snapshot()
    judged: list[str] = []
    check = mou.check_mou
    monkeypatch.setattr(mou, "check_mou", lambda data, *a, **kw: judged.append(data["id"]) or check(data, *a, **kw))
    regions = load_regions(BUNDLED / "regions.json")
    where = {"cache_dir": tmp_path / "home" / "cache", "trust_dir": tmp_path / "home" / "trust"}
    for expected in (["uji-3273-5204"], []):  # a first run, then one from the verdicts the first kept
        judged.clear()
        assert export_publiccode(cat.catalog, "uji-web", regions=regions, **where)["usedBy"] == ["Kabupaten Sumbawa"]
        assert judged == expected
    assert not list(where["trust_dir"].glob("*[0-9a-f].json"))  # checked against, nothing adopted
    # A working copy edited since it was signed: its snapshot no longer matches, its MoUs still count.
    flip_byte(cat.catalog / "apps" / "uji-web.yaml", "Aplikasi uji", "Aplikasi uji coba")
    judged.clear()
    assert export_publiccode(cat.catalog, "uji-web", regions=regions, **where)["usedBy"] == ["Kabupaten Sumbawa"]
    assert judged == ["uji-3273-5204"]


def test_yaml_written_before_is_looked_up_by_the_document(tmp_path, monkeypatch):
    """The same document prints the same text without PyYAML; any other document is dumped anew."""
    from ksad import hashing
    from ksad.parsecache import RenderedYaml

    dumped: list[dict] = []

    def dump(doc):
        dumped.append(doc)
        return yamlio.dump(doc)

    kept = RenderedYaml(tmp_path / "cache")
    doc = {"name": "Sabalong", "usedBy": ["Kabupaten Sumbawa"], "n": 1, "ok": True, "none": None}
    assert kept.dump(doc, dump) == yamlio.dump(doc)
    assert kept.dump(json.loads(json.dumps(doc)), dump) == yamlio.dump(doc)
    assert len(dumped) == 1
    assert (tmp_path / "cache" / "rendered-yaml.json").stat().st_mode & 0o777 == 0o600
    others = [{**doc, "usedBy": ["Kota Palopo"]},               # a value
              {"usedBy": doc["usedBy"], "name": "Sabalong"},     # the order written, same pairs
              {**doc, "n": 1.0}, {**doc, "n": "1"}, {**doc, "ok": 1}]  # equal in Python, not in YAML
    for other in others:
        assert kept.dump(other, dump) == yamlio.dump(other)
        assert dumped[-1] is other
    assert len(dumped) == 1 + len(others)
    monkeypatch.setattr(hashing, "code_stamp", lambda: "other ksad")  # its options, another dump
    kept.dump(doc, dump)
    assert len(dumped) == 2 + len(others)
    monkeypatch.undo()
    (tmp_path / "cache" / "rendered-yaml.json").write_text('{"format": 1, "texts": ')  # torn
    assert kept.dump(doc, dump) == yamlio.dump(doc) and len(dumped) == 3 + len(others)
    # Not JSON's own types (a tuple would come back a list): dumped each time, nothing kept.
    odd = {"pair": ("a", "b")}
    kept.dump(odd, lambda d: dumped.append(d) or "pair: [a, b]\n")
    kept.dump(odd, lambda d: dumped.append(d) or "pair: [a, b]\n")
    assert dumped[-2:] == [odd, odd]
    assert RenderedYaml(None).dump(doc, dump) == yamlio.dump(doc) and dumped[-1] is doc  # no home, no memo


def test_a_second_export_prints_the_same_without_importing_pyyaml(run_ksad, ksad_env, tmp_path):
    """Only what the output needs: the entry and MoUs come from caches, the text from the last run's."""
    import subprocess
    import sys

    cat = CatalogBuilder(tmp_path / "cat")
    cat.add_release("uji-web", "1.0.0", two_service())
    first = run_ksad("catalog", "export-publiccode", "uji-web", env={"KSAD_CATALOG": str(cat.catalog)}, check=True)
    assert "usedBy:\n- Kabupaten Sumbawa\n" in first.stdout
    code = ("import sys\nfrom ksad.cli import main\ntry:\n    main(['catalog', 'export-publiccode', 'uji-web'])\n"
            "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
            "print('yaml' in sys.modules, file=sys.stderr)\n")
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                           env={**ksad_env, "KSAD_CATALOG": str(cat.catalog)})
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert again.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("old, new, field, line", [
    ("[document-management, workflow-management]", "5", "categories", "must be a list, not int"),
    ("[document-management, workflow-management]", "document-management", "categories", "must be a list, not text"),
    ("license: AGPL-3.0-or-later", "license: 3", "legal.license", "must be text, not int"),
    ("name: Tim Aplikasi Diskominfo", "name: [Tim, Aplikasi]", "maintenance.contacts[0].name",
     "must be text, not list"),
])
def test_a_field_of_the_wrong_type_is_named_not_taken_apart_or_an_internal_error(run_ksad, empty_catalog, tmp_path,
                                                                                 old, new, field, line):
    src = tmp_path / "publiccode.yml"
    assert old in REALISTIC
    src.write_text(REALISTIC.replace(old, new, 1))
    env = {"KSAD_CATALOG": str(empty_catalog)}
    proc = run_ksad("catalog", "import-publiccode", src, "--publisher-code", "32.73", env=env, check=3)
    assert f"{field} {line}" in proc.stderr and "publiccode.yml:" in proc.stderr
    proc = run_ksad("catalog", "import-publiccode", src, "--publisher-code", "32.73", env={**env, "KSAD_LANG": "id"},
                    check=3)
    assert f"{field} di publiccode.yml harus berupa" in proc.stderr
    assert not list((empty_catalog / "apps").iterdir())
